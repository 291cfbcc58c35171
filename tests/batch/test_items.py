"""Batch input lines are resolved on the driver, and malformed input is refused with the line
that is wrong; the output log appends, refuses to overwrite, and resumes after a kill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.batch.programs import write_jsonl

from assay.batch.items import OutputLog, read_items
from assay.benchmarks.humaneval import load_humaneval
from assay.errors import BatchError


def test_a_duplicate_id_is_an_error_naming_it_and_both_lines(tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "a", "program": "x = 1", "tests": ""},
            {"id": "b", "program": "x = 1", "tests": ""},
            {"id": "a", "program": "x = 2", "tests": ""},
        ],
    )
    with pytest.raises(BatchError, match=r"in.jsonl:3: id 'a' is already on line 1"):
        read_items(source, "score")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"program": "x = 1", "tests": ""}, "'id' must be"),
        ({"id": True, "program": "x = 1", "tests": ""}, "'id' must be"),
        ({"id": "a", "program": "x = 1"}, "needs 'tests'"),
        ({"id": "a", "program": 3, "tests": ""}, "'program' must be a string"),
        ({"id": "a", "program": "", "tests": "", "task_id": "HumanEval/0"}, "not both"),
        ({"id": "a", "program": "", "task_id": "HumanEval/999"}, "unknown task_id"),
    ],
)
def test_a_malformed_score_line_names_the_line_and_the_field(
    tmp_path: Path, row: dict[str, object], message: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [row])
    with pytest.raises(BatchError, match=message) as raised:
        read_items(source, "score")
    assert "in.jsonl:1" in str(raised.value)


def test_a_task_id_brings_the_benchmarks_hidden_tests_and_a_completion_its_prompt(
    tmp_path: Path,
) -> None:
    problem = load_humaneval()["HumanEval/0"]
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": 1, "task_id": "HumanEval/0", "completion": "    return False\n"},
            {"id": 2, "task_id": "HumanEval/0", "program": "def f(): pass\n"},
        ],
    )
    first, second = read_items(source, "score")
    assert first.payload["program"] == problem.prompt + "    return False\n"
    assert first.payload["tests"] == problem.test_call()
    assert second.payload["program"] == "def f(): pass\n"
    assert (first.key, second.key) == ("1", "2")


def test_check_lines_are_read_on_the_driver_and_compare_candidates_are_named(
    tmp_path: Path,
) -> None:
    checked = tmp_path / "mod.py"
    checked.write_text("x = 1\n", encoding="utf-8")
    source = write_jsonl(
        tmp_path / "in.jsonl", [{"id": "f", "path": str(checked)}, {"id": "s", "source": "y = 2"}]
    )
    by_path, by_text = read_items(source, "check")
    assert by_path.payload == {"source": "x = 1\n", "name": str(checked)}
    assert by_text.payload == {"source": "y = 2", "name": "<source>"}
    missing = write_jsonl(tmp_path / "bad.jsonl", [{"id": "m", "path": str(tmp_path / "no.py")}])
    with pytest.raises(BatchError, match="bad.jsonl:1: cannot read"):
        read_items(missing, "check")
    pair = write_jsonl(
        tmp_path / "cmp.jsonl",
        [{"id": 1, "task": "def f(x): ...", "candidates": ["a", {"name": "b", "code": "c"}]}],
    )
    (item,) = read_items(pair, "compare")
    assert item.payload["candidates"] == [
        {"name": "candidate-0", "code": "a"},
        {"name": "b", "code": "c"},
    ]


def test_an_existing_output_is_not_overwritten_without_resume(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"id": "a", "mode": "score"}) + "\n", encoding="utf-8")
    with pytest.raises(BatchError, match="--resume"):
        OutputLog(out, mode="score", resume=False)


def test_resume_drops_a_truncated_last_line_and_writes_each_id_once(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    whole = json.dumps({"id": "a", "mode": "score", "result": {}}) + "\n"
    out.write_text(whole + '{"id": "b", "mode": "sco', encoding="utf-8")
    log = OutputLog(out, mode="score", resume=True)
    assert log.done == {"a"}
    assert out.read_text(encoding="utf-8") == whole
    assert log.write({"id": "b", "mode": "score", "result": {}})
    assert not log.write({"id": "b", "mode": "score", "result": {"again": True}})
    assert not log.write({"id": "a", "mode": "score", "result": {}})
    log.close()
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == [
        "a",
        "b",
    ]


def test_resume_refuses_a_corrupt_line_inside_the_file_or_another_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a", "mo\n{"id": "b", "mode": "score"}\n', encoding="utf-8")
    with pytest.raises(BatchError, match=r"out.jsonl:1 is not a result line"):
        OutputLog(out, mode="score", resume=True)
    out.write_text('{"id": "a", "mode": "check"}\n', encoding="utf-8")
    with pytest.raises(BatchError, match="'check' result and this batch is 'score'"):
        OutputLog(out, mode="score", resume=True)
