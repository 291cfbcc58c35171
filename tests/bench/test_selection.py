"""Selection/detection metrics, labels, details and MBPP problems (no sandbox)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from assay.benchmarks.mbpp import load_mbpp
from assay.benchmarks.scoring import Sample
from assay.benchmarks.selection import (
    Judgement,
    distinct_programs,
    first_tasks,
    read_labels,
    selection_metrics,
    write_details,
)
from assay.errors import BenchmarkError, InvalidArgument


def _j(
    task: str, index: int, *, selected: bool = False, flagged: bool = False, examples: bool = True
) -> Judgement:
    return Judgement(
        task_id=task,
        index=index,
        selected=selected,
        flagged=flagged,
        passes_examples=examples,
        score=0.0,
    )


def test_metrics_count_selection_detection_and_the_example_filter() -> None:
    judgements = [
        _j("t1", 0, selected=True),
        _j("t1", 1, flagged=True),  # wrong, passes examples, caught
        _j("t1", 2, flagged=True, examples=False),  # wrong, fails examples, caught
        _j("t2", 0, selected=True),  # wrong, passes examples, missed, selected
        _j("t2", 1, flagged=True),  # correct, flagged: a false positive
    ]
    truth = {("t1", 0): True, ("t1", 1): False, ("t1", 2): False, ("t2", 0): False, ("t2", 1): True}
    metrics = selection_metrics(judgements, truth)
    assert metrics["selected_pass_at_1"] == 0.5
    assert metrics["example_filter_pass_at_1"] == pytest.approx((1 / 2 + 1 / 2) / 2)
    assert metrics["detection"] == {
        "recall": 2 / 3,
        "false_positive_rate": 1 / 2,
        "precision": 2 / 3,
        "recall_passing_examples": 1 / 2,
    }


def test_distinct_programs_keep_what_is_scored() -> None:
    # The indented program does not run (IndentationError), so it must not be merged with,
    # or judged as, the one that does; trailing whitespace changes nothing.
    runs = "def f():\n    return 1\n"
    samples = [
        Sample(task_id="T/1", index=0, program=runs),
        Sample(task_id="T/1", index=1, program="  " + runs.replace("\n    ", "\n      ")),
        Sample(task_id="T/1", index=2, program=runs + "\n\n"),
    ]
    programs = distinct_programs(samples)
    assert list(programs.values()) == [[0, 2], [1]]
    assert list(programs)[1].startswith("  def f():")


def test_first_tasks_keeps_whole_tasks_in_order() -> None:
    samples = [
        Sample(task_id=t, index=i, program="") for t, i in (("b", 0), ("a", 0), ("b", 1), ("c", 0))
    ]
    assert [(s.task_id, s.index) for s in first_tasks(samples, 2)] == [("b", 0), ("a", 0), ("b", 1)]
    assert first_tasks(samples, None) == samples
    with pytest.raises(InvalidArgument):
        first_tasks(samples, 0)


def test_labels_and_details_round_trip(tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"task_id": "t", "sample_index": 0, "passed": true}\n\n', encoding="utf-8")
    truth = read_labels(labels)
    assert truth == {("t", 0): True}
    details = tmp_path / "details.jsonl"
    write_details(details, [_j("t", 0, selected=True)], truth)
    assert json.loads(details.read_text(encoding="utf-8")) == {
        "task_id": "t",
        "sample_index": 0,
        "selected": True,
        "flagged": False,
        "passed": True,
    }
    labels.write_text('{"task_id": "t"}\n', encoding="utf-8")
    with pytest.raises(BenchmarkError, match="sample_index"):
        read_labels(labels)


def test_mbpp_problems_show_the_text_and_first_test_and_hide_the_rest(tmp_path: Path) -> None:
    row = {
        "task_id": 2,
        "text": "Write a function to find the shared elements.",
        "code": "def shared(a, b):\n    return tuple(set(a) & set(b))\n",
        "test_list": [
            "assert set(shared((3, 4), (4, 5))) == set((4,))",
            "assert set(shared((1,), (2,))) == set()",
        ],
        "test_setup_code": "",
    }
    path = tmp_path / "mbpp.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")
    (problem,) = load_mbpp(tmp_path).values()
    assert problem.task_id == "Mbpp/2"
    assert problem.entry_point == "shared"
    assert problem.prompt == f'"""\n{row["text"]}\n{row["test_list"][0]}\n"""\n'
    assert "set(shared((1,), (2,))) == set()" in problem.test
    assert problem.test_call().startswith("_assay_candidate = shared\n")
    (tmp_path / "empty").mkdir()
    with pytest.raises(BenchmarkError, match="no mbpp.jsonl"):
        load_mbpp(tmp_path / "empty")
    with pytest.raises(BenchmarkError, match="cannot read"):
        load_mbpp(tmp_path / "missing.jsonl")


def test_mbpp_problems_already_in_the_human_eval_shape(tmp_path: Path) -> None:
    row = {
        "task_id": "Mbpp/234",
        "prompt": 'def volume_cube(l: int) -> int:\n    """Volume of a cube."""\n    ...\n\n\n"""\nassert volume_cube(3) == 27\n"""\n',
        "entry_point": "volume_cube",
        "test": "def check(candidate):\n    assert candidate(3) == 27\n",
    }
    path = tmp_path / "typed.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    (problem,) = load_mbpp(path).values()
    assert (problem.task_id, problem.entry_point, problem.prompt) == (
        "Mbpp/234",
        "volume_cube",
        row["prompt"],
    )
