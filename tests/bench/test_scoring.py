"""Scoring samples against HumanEval's hidden tests in the sandbox, and pass@k."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.bench.humaneval import Problem, load_humaneval
from assay.bench.scoring import Sample, pass_at_k, read_samples, score_samples, summarize
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
    assert first.test_call().endswith("check(has_close_elements)\n")


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
