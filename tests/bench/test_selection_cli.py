"""`assay bench humaneval|mbpp` in selection mode, end to end on a few samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assay.benchmarks.humaneval import load_humaneval
from assay.cli import main

KEYS = {
    "tasks",
    "samples",
    "pass_at_1",
    "pass_at_k",
    "oracle",
    "selected_pass_at_1",
    "detection",
    "wall_s",
}
WRONG_0 = (
    "    return any(abs(a - b) <= threshold for a in numbers for b in numbers if a is not b)\n"
)
RIGHT_0 = (
    "    return any(abs(numbers[i] - numbers[j]) < threshold\n"
    "               for i in range(len(numbers)) for j in range(i + 1, len(numbers)))\n"
)
EMPTY_1 = "    return []\n"


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_humaneval_selection_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    canonical = load_humaneval()["HumanEval/1"].canonical_solution
    samples = _write(
        tmp_path / "samples.jsonl",
        [
            {"task_id": "HumanEval/0", "completion": RIGHT_0},
            {"task_id": "HumanEval/0", "completion": WRONG_0},
            {"task_id": "HumanEval/0", "completion": RIGHT_0.replace("i + 1", "i+1")},
            {"task_id": "HumanEval/1", "completion": canonical},
            {"task_id": "HumanEval/1", "completion": EMPTY_1},
        ],
    )
    labels = _write(
        tmp_path / "labels.jsonl",
        [
            {"task_id": "HumanEval/0", "sample_index": 0, "passed": True},
            {"task_id": "HumanEval/0", "sample_index": 1, "passed": True},
            {"task_id": "HumanEval/0", "sample_index": 2, "passed": True},
        ],
    )
    details = tmp_path / "details.jsonl"
    argv = ["bench", "humaneval", "--samples", str(samples), "--score-only", "--limit-tasks", "1"]
    code = main([*argv, "--labels", str(labels), "--details", str(details), "--format", "json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert KEYS <= set(summary)
    assert set(summary["detection"]) == {
        "recall",
        "false_positive_rate",
        "precision",
        "recall_passing_examples",
    }
    assert (summary["tasks"], summary["samples"], summary["labels"]) == (1, 3, "given labels")
    rows = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    assert [set(row) for row in rows] == [
        {"task_id", "sample_index", "selected", "flagged", "passed"}
    ] * 3
    assert sum(row["selected"] for row in rows) == 1
    # The labels (not the tests) say sample 1 passes; assay flags it: a false positive.
    assert [row["flagged"] for row in rows] == [False, True, False]
    assert summary["detection"]["false_positive_rate"] == 1 / 3

    code = main([*argv[:-2], "--details", str(details), "--hide-examples", "--format", "json"])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["tasks"], summary["labels"], summary["hide_examples"]) == (
        2,
        "hidden tests",
        True,
    )
    rows = [json.loads(line) for line in details.read_text(encoding="utf-8").splitlines()]
    assert [r["passed"] for r in rows] == [True, False, True, True, False]
    assert sum(r["selected"] for r in rows if r["task_id"] == "HumanEval/1") == 1


def test_mbpp_command(
    tmp_path: Path, square_mbpp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = _write(
        tmp_path / "samples.jsonl",
        [
            {"task_id": "Mbpp/5", "solution": "def square(n: int) -> int:\n    return n * n\n"},
            {"task_id": "Mbpp/5", "solution": "def square(n: int) -> int:\n    return n ** 2\n"},
            {
                "task_id": "Mbpp/5",
                "solution": "def square(n: int) -> int:\n    return abs(n) * 3\n",
            },
        ],
    )
    code = main(
        [
            "bench",
            "mbpp",
            "--samples",
            str(samples),
            "--problems",
            str(square_mbpp),
            "--format",
            "json",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["benchmark"] == "mbpp"
    assert summary["selected_pass_at_1"] == 1.0
    assert summary["detection"]["recall"] == 1.0
    assert summary["detection"]["false_positive_rate"] == 0.0


def test_mbpp_plus_scores_with_every_plus_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import gzip

    def task(number: int, name: str, body: str, of_three: int) -> dict[str, object]:
        return {
            "task_id": number,
            "text": f"Write a function {name}.",
            "code": f"def {name}(n):\n    return {body}\n",
            "test_list": [f"assert {name}(3) == {of_three}"],
            "test_setup_code": "",
        }

    data = tmp_path / "data"
    data.mkdir()
    with gzip.open(data / "mbpp.jsonl.gz", "wt", encoding="utf-8") as out:
        for row in (task(5, "square", "n * n", 9), task(6, "double", "n + n", 6)):
            out.write(json.dumps(row) + "\n")
    plus_row = {
        "task_id": "Mbpp/5",
        "prompt": '"""\nWrite a function to square a number.\nassert square(3) == 9\n"""\n',
        "entry_point": "square",
        "canonical_solution": "\ndef square(n):\n    return n * n\n",
        "base_input": [[3]],
        "plus_input": [[-4], [1000]],
        "atol": 0,
        "contract": "",
        "assertion": "\nassert square(3) == 9\n",
    }
    with gzip.open(data / "MbppPlus-v0.1.0.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(json.dumps(plus_row) + "\n")
    samples = _write(
        tmp_path / "samples.jsonl",
        [
            {"task_id": "Mbpp/5", "solution": "def square(n):\n    return n * n\n"},
            # right on MBPP's assert, wrong on MBPP+'s large input
            {"task_id": "Mbpp/5", "solution": "def square(n):\n    return n * n % 256\n"},
            {"task_id": "Mbpp/6", "solution": "def double(n):\n    return 2 * n\n"},
        ],
    )
    argv = ["bench", "mbpp", "--samples", str(samples), "--problems", str(data)]
    argv += ["--format", "json", "--details", str(tmp_path / "details.jsonl")]
    assert main(argv) == 0
    base = {r["sample_index"]: r["passed"] for r in _read(tmp_path / "details.jsonl")}
    capsys.readouterr()
    assert main([*argv, "--plus"]) == 0
    captured = capsys.readouterr()
    assert "1 tasks MBPP+ does not cover were left out" in captured.err
    summary = json.loads(captured.out)
    assert (summary["benchmark"], summary["tasks"]) == ("mbpp+", 1)
    plus = {
        r["sample_index"]: r["passed"]
        for r in _read(tmp_path / "details.jsonl")
        if r["task_id"] == "Mbpp/5"
    }
    assert (base[0], base[1]) == (True, True)
    assert plus == {0: True, 1: False}


def test_a_task_whose_canonical_solution_fails_its_own_test_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import gzip

    rows = [
        {
            "task_id": 7,
            "text": "Write a function to triple a number.",
            "code": "def triple(n):\n    return 3 * n\n",
            "test_list": ["assert triple(2) == 6", "assert triple(0) == 0"],
            "test_setup_code": "",
        },
        {
            # the reference contradicts its own second assert: every sample would fail
            "task_id": 8,
            "text": "Write a function to add one.",
            "code": "def inc(n):\n    return n + 1\n",
            "test_list": ["assert inc(1) == 2", "assert inc(2) == 4"],
            "test_setup_code": "",
        },
    ]
    data = tmp_path / "data"
    data.mkdir()
    with gzip.open(data / "mbpp.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(row) + "\n" for row in rows)
    samples = _write(
        tmp_path / "samples.jsonl",
        [
            {"task_id": "Mbpp/7", "solution": "def triple(n):\n    return n * 3\n"},
            {"task_id": "Mbpp/8", "solution": "def inc(n):\n    return n + 1\n"},
        ],
    )
    argv = ["bench", "mbpp", "--samples", str(samples), "--problems", str(data)]
    assert main([*argv, "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "1 tasks whose canonical solution fails its own test were left out: Mbpp/8" in (
        captured.err
    )
    assert "AssertionError" in captured.err
    summary = json.loads(captured.out)
    assert (summary["tasks"], summary["samples"], summary["pass_at_1"]) == (1, 1, 1.0)
