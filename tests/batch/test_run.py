"""`assay batch` on this machine: one line per id with the single-item commands' verdict JSON,
the same results whatever the number of workers, and a resumed run that completes a killed
one without writing an id twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.batch.programs import results, score_rows, without_node_warnings, write_jsonl

import assay
from assay.batch import Chunk, Chunker, ChunkResult, Item, LocalExecutor, Options, run_items
from assay.cli import main


def test_results_do_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", score_rows(40, seed=3, hangs=1))
    one = assay.batch(source, tmp_path / "one.jsonl", jobs=1, timeout=0.5)
    two = assay.batch(source, tmp_path / "two.jsonl", jobs=2, timeout=0.5, target_chunk_s=0.05)
    assert (one.written, two.written, one.workers, two.workers) == (40, 40, 1, 2)
    by_id = results(tmp_path / "one.jsonl")
    assert by_id == results(tmp_path / "two.jsonl")
    statuses = {line["result"]["status"] for line in by_id.values()}
    assert statuses == {"ok", "error", "timeout"}
    hung = by_id["p0000"]["result"]
    # the limit, not the seconds it took to notice, so that lines repeat
    assert hung["reason"] == "timeout: Timeout: no result within the wall-clock limit of 0.5 s"
    assert any(line["result"]["outcome"]["stdout"].startswith("seen") for line in by_id.values())


def test_a_scored_line_carries_the_evidence_and_keeps_measurements_apart(tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "ok", "program": "def f():\n    print('hi')\n", "tests": "f()\n"},
            {"id": "bad", "program": "def f():\n    return 1\n", "tests": "assert f() == 2\n"},
            {"id": "he", "task_id": "HumanEval/0", "completion": "    return False\n"},
        ],
    )
    out = tmp_path / "out.jsonl"
    assay.batch(source, out, jobs=1)
    lines = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert lines["ok"]["result"]["passed"] is True
    assert lines["ok"]["result"]["outcome"]["stdout"] == "hi\n"
    assert lines["bad"]["result"]["reason"] == "error: AssertionError: "
    assert lines["bad"]["result"]["outcome"]["exception"]["type"] == "AssertionError"
    assert lines["he"]["result"]["task_id"] == "HumanEval/0"
    assert lines["he"]["result"]["passed"] is False
    for line in lines.values():
        assert line["mode"] == "score"
        assert set(line["measured"]) >= {"wall_s", "cpu_s", "peak_memory_kb"}
        assert "wall_s" not in line["result"]["outcome"]


def test_a_check_line_is_the_report_of_assay_check_format_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    checked = tmp_path / "mod.py"
    checked.write_text(
        "import os\n\ndef split(p: str) -> list[str]:\n    return os.path.splitall(p)\n",
        encoding="utf-8",
    )
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "m", "path": str(checked)}])
    assay.batch(source, tmp_path / "out.jsonl", mode="check", dynamic=False, jobs=1)
    (line,) = results(tmp_path / "out.jsonl").values()
    assert main(["check", str(checked), "--format", "json", "--no-dynamic", "--no-ledger"]) == 1
    single = without_node_warnings(json.loads(capsys.readouterr().out))
    assert line["result"] == single
    assert [f["rule"] for f in line["result"]["findings"]] == ["AS102"]


def test_a_compare_line_is_the_report_of_assay_compare_format_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = tmp_path / "task.py"
    task.write_text('def inc(x):\n    """>>> inc(1)\n    2\n    """\n', encoding="utf-8")
    right, wrong = tmp_path / "right.py", tmp_path / "wrong.py"
    right.write_text("def inc(x):\n    return x + 1\n", encoding="utf-8")
    wrong.write_text("def inc(x):\n    return x + 2\n", encoding="utf-8")
    row = {
        "id": "inc",
        "task": task.read_text(),
        "candidates": [
            {"name": str(right), "code": right.read_text()},
            {"name": str(wrong), "code": wrong.read_text()},
        ],
    }
    source = write_jsonl(tmp_path / "in.jsonl", [row, {**row, "id": "again"}])
    assay.batch(source, tmp_path / "out.jsonl", mode="compare", budget=8, jobs=2)
    lines = results(tmp_path / "out.jsonl")
    command = ["compare", str(task), str(right), str(wrong), "--budget", "8", "--no-ledger"]
    assert main([*command, "--format", "json"]) == 1
    single = without_node_warnings(json.loads(capsys.readouterr().out))
    assert lines["inc"]["result"] == single == lines["again"]["result"]
    assert [v["accepted"] for v in single["verdicts"]] == [True, False]


def test_an_unusable_compare_task_is_that_items_error_not_the_batchs(tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl", [{"id": 1, "task": "no function here", "candidates": ["x = 1"]}]
    )
    assay.batch(source, tmp_path / "out.jsonl", mode="compare", jobs=1)
    (line,) = results(tmp_path / "out.jsonl").values()
    assert "cannot tell which function the task is about" in line["result"]["error"]


def test_resume_completes_a_killed_run_without_writing_an_id_twice(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", score_rows(24, seed=5))
    full = tmp_path / "full.jsonl"
    assay.batch(source, full, jobs=2)
    # a run killed after 9 lines, in the middle of writing the tenth
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    killed = tmp_path / "killed.jsonl"
    killed.write_text("".join(lines[:9]) + lines[9][:30], encoding="utf-8")
    summary = assay.batch(source, killed, jobs=2, resume=True)
    assert (summary.skipped, summary.written, summary.items) == (9, 15, 24)
    assert results(killed) == results(full)
    again = assay.batch(source, killed, jobs=2, resume=True)
    assert (again.skipped, again.written, again.executor) == (24, 0, "none")


def test_the_command_prints_a_summary_and_refuses_duplicate_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", score_rows(6, seed=1))
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "--out", str(out), "-j", "2", "--progress"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["items"], summary["written"], summary["executor"]) == (6, 6, "local")
    assert main(["batch", str(source), "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    doubled = write_jsonl(tmp_path / "dup.jsonl", [*score_rows(2, seed=1), score_rows(1)[0]])
    assert main(["batch", str(doubled), "--out", str(tmp_path / "o2.jsonl")]) == 2
    assert "dup.jsonl:3: id 'p0000' is already on line" in capsys.readouterr().err


def _item(index: int) -> Item:
    return Item(id=index, mode="score", payload={"program": "", "tests": ""})


def test_chunks_follow_the_measured_cost_and_leave_every_slot_a_share() -> None:
    chunker = Chunker([_item(i) for i in range(1000)], slots=4, target_s=1.0, first=2)
    chunks = iter(chunker)
    first = next(chunks)
    assert len(first.items) == 2
    chunker.observe(ChunkResult(index=0, lines=({}, {}), seconds=0.02, worker="w"))
    assert len(next(chunks).items) == 100  # 1 s at 10 ms an item
    chunker.observe(ChunkResult(index=1, lines=({},) * 100, seconds=100.0, worker="w"))
    assert len(next(chunks).items) == 1  # about a second an item now
    assert chunker.size(remaining=6) == 1
    assert Chunker([], slots=2, target_s=1.0).size(remaining=7) == 2  # first, under 4 per slot
    assert Chunker([], slots=2, target_s=9.0, first=9).size(remaining=7) == 4
    assert list(Chunker([], slots=1)) == []


def test_run_items_feeds_each_result_back_before_the_next_chunk(tmp_path: Path) -> None:
    rows = score_rows(12, seed=2)
    items = [Item(id=r["id"], mode="score", payload=r) for r in rows]
    executor = LocalExecutor(Options(mode="score", timeout=2.0), workers=1)
    chunker = Chunker(items, slots=1, target_s=0.2, first=1)
    try:
        lines = list(run_items(executor, chunker))
    finally:
        executor.close()
    assert sorted(line["id"] for line in lines) == sorted(r["id"] for r in rows)
    assert chunker.sizes[0] == 1 and sum(chunker.sizes) == 12
    assert chunker.per_item_s is not None and chunker.per_item_s > 0
    assert isinstance(Chunk(index=0, items=()).items, tuple)
