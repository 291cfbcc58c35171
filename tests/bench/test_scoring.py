"""Scoring samples against HumanEval's hidden tests in the sandbox, and pass@k."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.benchmarks.humaneval import Problem, load_humaneval
from assay.benchmarks.scoring import Sample, pass_at_k, read_samples, score_samples, summarize
from assay.errors import BenchmarkError
from assay.sandbox import Limits, Sandbox, Status

LDB = Path(__file__).parent / "data" / "ldb_gpt35_humaneval_10.jsonl"


@pytest.fixture(scope="module")
def problems() -> dict[str, Problem]:
    return load_humaneval()


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with Sandbox(workers=2) as sandbox:
        yield sandbox


def test_humaneval_has_164_problems_with_tests(problems: dict[str, Problem]) -> None:
    assert len(problems) == 164
    first = problems["HumanEval/0"]
    assert first.entry_point == "has_close_elements"
    assert first.test_call().startswith("_assay_candidate = has_close_elements\n")
    assert first.test_call().endswith("check(_assay_candidate)\n")


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [(10, 0, 1, 0.0), (10, 10, 1, 1.0), (5, 2, 1, 0.4), (5, 2, 2, 0.7), (3, 1, 3, 1.0)],
)
def test_pass_at_k_is_the_unbiased_estimator(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected)


@pytest.mark.parametrize(("n", "c", "k"), [(3, 4, 1), (3, 1, 4), (3, 1, 0)])
def test_pass_at_k_rejects_impossible_counts(n: int, c: int, k: int) -> None:
    with pytest.raises(BenchmarkError, match="pass@k"):
        pass_at_k(n, c, k)


def test_read_samples_accepts_completion_and_solution(
    tmp_path: Path, problems: dict[str, Problem]
) -> None:
    path = tmp_path / "samples.jsonl"
    rows = [
        {"task_id": "HumanEval/0", "completion": "    return False\n"},
        {"task_id": "HumanEval/0", "solution": "def has_close_elements(n, t):\n    return True\n"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    first, second = read_samples(path, problems)
    assert first.program == problems["HumanEval/0"].prompt + "    return False\n"
    assert (first.index, second.index) == (0, 1)
    assert second.program.startswith("def has_close_elements(n, t)")


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ({"task_id": "HumanEval/999", "completion": ""}, "unknown task_id"),
        ({"task_id": "HumanEval/0"}, "neither"),
    ],
)
def test_read_samples_names_the_bad_row(
    tmp_path: Path, problems: dict[str, Problem], row: dict[str, str], fragment: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(BenchmarkError, match=fragment):
        read_samples(path, problems)


def test_scores_keep_the_evidence_of_each_failure(
    problems: dict[str, Problem], box: Sandbox
) -> None:
    task = problems["HumanEval/0"]
    samples = [
        Sample(task_id=task.task_id, index=0, program=task.prompt + task.canonical_solution),
        Sample(task_id=task.task_id, index=1, program=task.prompt + "    return False\n"),
        Sample(
            task_id=task.task_id, index=2, program=task.prompt + "    while True:\n        pass\n"
        ),
        Sample(task_id=task.task_id, index=3, program="def has_close_elements(:\n"),
    ]
    scores = score_samples(samples, problems, limits=Limits(timeout_s=1.0), sandbox=box)
    assert [s.passed for s in scores] == [True, False, False, False]
    assert [s.status for s in scores] == [Status.OK, Status.ERROR, Status.TIMEOUT, Status.ERROR]
    assert scores[1].reason.startswith("error: AssertionError")
    assert "SyntaxError" in scores[3].reason
    summary = summarize(scores, ks=(1, 2))
    assert summary["tasks"] == 1 and summary["samples"] == 4
    assert summary["pass_at_1"] == pytest.approx(0.25)
    assert summary["pass_at_k"]["2"] == pytest.approx(0.5)
    assert summary["statuses"] == {"error": 2, "ok": 1, "timeout": 1}


def test_real_llm_samples_match_their_labels(problems: dict[str, Problem], box: Sandbox) -> None:
    labels = [json.loads(line)["is_solved"] for line in LDB.read_text().splitlines()]
    scores = score_samples(
        read_samples(LDB, problems), problems, preamble="from typing import *", sandbox=box
    )
    assert [s.passed for s in scores] == labels
    assert labels.count(True) == 5


def _mbpp_plus_dir(tmp_path: Path) -> Path:
    """Two tasks in MBPP and MBPP+ form: Mbpp/2 (its contract asks for tuples) and Mbpp/56,
    whose function is called `check` like the tests' own function."""
    import gzip

    mbpp = [
        {
            "task_id": 2,
            "text": "Write a function to find the shared elements from the given two lists.",
            "code": "def similar_elements(a, b):\n    return tuple(set(a) & set(b))\n",
            "test_list": ["assert set(similar_elements((3, 4, 5), (5, 7, 4))) == set((4, 5))"],
            "test_setup_code": "",
        },
        {
            "task_id": 56,
            "text": "Write a function to check if a number is one less than twice its reverse.",
            "code": "def check(n):\n    return 2 * int(str(n)[::-1]) == n + 1\n",
            "test_list": ["assert check(70) == False"],
            "test_setup_code": "",
        },
        {
            "task_id": 124,
            "text": "Write a function to get the angle of a complex number.",
            "code": "import cmath\ndef angle_complex(a, b):\n    return cmath.phase(a + b)\n",
            "test_list": ["assert angle_complex(0, 1j) == 1.5707963267948966"],
            "test_setup_code": "",
        },
    ]
    plus = [
        {
            "task_id": "Mbpp/2",
            "prompt": '"""\nshared elements\n"""\n',
            "entry_point": "similar_elements",
            "canonical_solution": "\ndef similar_elements(t1, t2):\n  return tuple(set(t1) & set(t2))\n",
            "base_input": [[[3, 4, 5], [5, 7, 4]]],
            "plus_input": [[[], [1]], [[1, 2, 2], [2]]],
            "atol": 0,
            "contract": '\n  assert isinstance(t1, tuple), "invalid inputs" # $_CONTRACT_$\n',
            "assertion": "\nassert similar_elements((3, 4, 5), (5, 7, 4)) == (4, 5)\n",
        },
        {
            "task_id": "Mbpp/56",
            "prompt": '"""\nreverse\n"""\n',
            "entry_point": "check",
            "canonical_solution": "\ndef check(n):\n  return 2 * int(str(n)[::-1]) == n + 1\n",
            "base_input": [[70], [23]],
            "plus_input": [[73]],
            "atol": 0,
            "contract": "",
            "assertion": "\nassert check(70) == False\n",
        },
        {
            # JSON holds no complex numbers; the contract (using the reference's import)
            # asks for one
            "task_id": "Mbpp/124",
            "prompt": '"""\nangle\n"""\n',
            "entry_point": "angle_complex",
            "canonical_solution": "\nimport cmath\ndef angle_complex(a,b):\n  return cmath.phase(a+b)\n",
            "base_input": [["0", "1j"], ["2", "1j"]],
            "plus_input": [],
            "atol": 0.0001,
            "contract": '\n  assert isinstance(b, complex) and cmath.isfinite(b), "invalid inputs"\n',
            "assertion": "\nassert angle_complex(0, 1j) == 1.5707963267948966\n",
        },
    ]
    for name, rows in (("mbpp.jsonl.gz", mbpp), ("MbppPlus-v0.1.0.jsonl.gz", plus)):
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as out:
            out.writelines(json.dumps(row) + "\n" for row in rows)
    return tmp_path


def test_mbpp_plus_scores_every_input_against_the_canonical_solution(
    tmp_path: Path, box: Sandbox
) -> None:
    from assay.benchmarks.mbpp import load_mbpp

    problems = load_mbpp(_mbpp_plus_dir(tmp_path), plus=True)
    assert sorted(problems) == ["Mbpp/124", "Mbpp/2", "Mbpp/56"]
    programs = {
        # right, though it shadows the builtin `sum` the harness would use
        "right": "def sum(a, b):\n    return a + b\n\n"
        "def similar_elements(t1, t2):\n    return tuple(set(t1) & set(t2))\n",
        # passes MBPP's one assert but fails on duplicates: a plus input finds it
        "base_only": "def similar_elements(t1, t2):\n    return tuple(x for x in t1 if x in t2)\n",
        # the contract asks for tuples: `+ ()` raises on a list
        "tuples_only": "def similar_elements(t1, t2):\n    return tuple(set(t1 + ()) & set(t2))\n",
        "named_check": "def check(n):\n    return 2 * int(str(n)[::-1]) == n + 1\n",
        "wrong_check": "def check(n):\n    return n % 2 == 1\n",
        "angle": "import math\ndef angle_complex(a, b):\n    return math.atan2(b.imag, a)\n",
        "angle_of_b": "import cmath\ndef angle_complex(a, b):\n    return cmath.phase(b)\n",
    }
    task = {
        "named_check": "Mbpp/56",
        "wrong_check": "Mbpp/56",
        "angle": "Mbpp/124",
        "angle_of_b": "Mbpp/124",
    }
    samples = [
        Sample(task_id=task.get(name, "Mbpp/2"), index=0, program=program)
        for name, program in programs.items()
    ]
    scores = score_samples(samples, problems, limits=Limits(timeout_s=10.0), sandbox=box)
    passed = {name: score.passed for name, score in zip(programs, scores, strict=True)}
    assert passed == {
        "right": True,
        "base_only": False,
        "tuples_only": True,
        "named_check": True,
        "wrong_check": False,
        "angle": True,
        "angle_of_b": False,
    }
    base = load_mbpp(tmp_path)
    assert "(4, 5)" in base["Mbpp/2"].test


def test_mbpp_plus_references_are_checked_under_the_problems_own_names(
    tmp_path: Path, box: Sandbox
) -> None:
    from dataclasses import replace

    from assay.benchmarks.mbpp import load_mbpp
    from assay.benchmarks.scoring import reference_failures

    # the typed prompts call Mbpp/56's function `checks`; MBPP+'s reference defines `check`
    typed = _mbpp_plus_dir(tmp_path) / "typed.jsonl"
    row = {
        "task_id": "Mbpp/56",
        "prompt": "def checks(n: int) -> bool:\n    ...\n",
        "entry_point": "checks",
        "test": "def check(candidate):\n    assert candidate(73)\n",
    }
    typed.write_text(json.dumps(row) + "\n", encoding="utf-8")
    problems = load_mbpp(typed, plus=True)
    assert problems["Mbpp/56"].canonical_solution.endswith("checks = check\n")
    limits = Limits(timeout_s=10.0)
    assert reference_failures(problems, ["Mbpp/56"], limits=limits, sandbox=box) == {}
    # a reference too slow for the time limit cannot score the task
    slow = replace(
        problems["Mbpp/56"],
        canonical_solution="import time\n\ndef checks(n):\n    time.sleep(5)\n    return False\n",
    )
    failures = reference_failures(
        {"Mbpp/56": slow}, ["Mbpp/56"], limits=Limits(timeout_s=0.5), sandbox=box
    )
    assert failures["Mbpp/56"].status is Status.TIMEOUT
