"""`assay ledger …` and the recording hook of `assay check`, end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.cli import main
from assay.ledger import open_ledger


@pytest.fixture
def url(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ASSAY_LEDGER_URL", sqlite_url)
    return sqlite_url


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_records_then_list_show_mark_stats_export(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tool.py"
    source.write_text("def area(r):\n    return 3.14 * r * r\n", encoding="utf-8")
    _run(capsys, "check", str(source), "--no-dynamic", "--ledger")

    code, out, _ = _run(capsys, "ledger", "list")
    assert code == 0
    [header, row] = out.strip().splitlines()
    assert header.split()[:4] == ["ID", "WHEN", "(UTC)", "KIND"]
    assert row.split()[0] == "1" and "check" in row and row.endswith("/tool.py")

    fix = tmp_path / "fix.py"
    fix.write_text("import math\n\ndef area(r):\n    return math.pi * r * r\n", encoding="utf-8")
    code, out, _ = _run(
        capsys,
        "ledger",
        "mark",
        "1",
        "--failed",
        "pi too coarse for billing",
        "--detected-after",
        "3d",
        "--fix",
        str(fix),
    )
    assert (code, out.strip()) == (0, "marked run 1 as failed (detected after 3d); outcome id 1")

    code, out, _ = _run(capsys, "ledger", "show", "1", "--code")
    assert code == 0
    assert "FAILED after 3d: pi too coarse for billing · fix: " in out
    assert "    return 3.14 * r * r" in out

    code, out, _ = _run(capsys, "ledger", "stats", "--format", "json")
    stats = json.loads(out)
    assert stats["failures"]["total"] == 1
    assert stats["failures"]["detection_delay"]["median"] == "3d"
    code, out, _ = _run(capsys, "ledger", "stats")
    assert "detection delay: median 3d" in out and "marked failures: 1" in out

    export = tmp_path / "ledger.jsonl"
    assert _run(capsys, "ledger", "export", "-o", str(export))[0] == 0
    [line] = export.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["outcomes"][0]["fix_code"].startswith("import math")
    assert record["candidates"][0]["code"].endswith("3.14 * r * r\n")


def test_no_ledger_option_and_environment(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 1\n", encoding="utf-8")
    _run(capsys, "check", str(source), "--no-dynamic", "--ledger", "--no-ledger")
    monkeypatch.setenv("ASSAY_NO_LEDGER", "1")
    _run(capsys, "check", str(source), "--no-dynamic", "--ledger")
    with open_ledger(url) as ledger:
        assert ledger.runs() == []
    monkeypatch.setenv("ASSAY_NO_LEDGER", "0")
    _run(capsys, "check", str(source), "--no-dynamic", "--ledger")
    with open_ledger(url) as ledger:
        assert len(ledger.runs()) == 1


def test_check_records_only_when_asked(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 1\n", encoding="utf-8")
    code, _, err = _run(capsys, "check", str(source), "--no-dynamic")
    assert code == 0 and "ledger" not in err
    with open_ledger(url) as ledger:
        assert ledger.runs() == [], "a plain check (pre-commit, CI) stores nothing"
    code, _, err = _run(capsys, "check", str(source), "--no-dynamic", "--ledger")
    assert "recorded as ledger run 1" in err and "--no-ledger" in err
    (tmp_path / "pyproject.toml").write_text("[tool.assay]\nledger = true\n", encoding="utf-8")
    _run(capsys, "check", str(source), "--no-dynamic")
    with open_ledger(url) as ledger:
        assert len(ledger.runs()) == 2


def test_unwritable_ledger_warns_but_the_check_still_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("ASSAY_LEDGER_URL", f"sqlite:///{blocker}/ledger.sqlite3")
    source = tmp_path / "a.py"
    source.write_text("x = 1\n", encoding="utf-8")
    code, out, err = _run(capsys, "check", str(source), "--no-dynamic", "--ledger")
    assert code == 0 and "1 file(s) checked" in out
    assert "warning: this run was not recorded in the ledger" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ledger", "mark", "1"], "exactly one of --failed"),
        (["ledger", "mark", "1", "--failed", "x", "--ok", "y"], "exactly one of --failed"),
        (["ledger", "mark", "1", "--failed", "x", "--detected-after", "soon"], "duration 'soon'"),
        (["ledger", "mark", "42", "--failed", "x"], "no ledger run has id 42"),
        (["ledger", "show", "42"], "no ledger run has id 42"),
        (["ledger", "list", "--format", "xml"], "--format 'xml'"),
    ],
)
def test_misuse_exits_2_with_a_remedy(
    url: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert message in err


def test_list_json_and_empty_ledger(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "ledger", "list")
    assert code == 0 and out.startswith("no runs recorded yet in sqlite:///")
    code, out, _ = _run(capsys, "ledger", "list", "--format", "json")
    assert json.loads(out) == []


@pytest.mark.slow
def test_compare_records_the_task_and_every_candidate(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = tmp_path / "task.py"
    task.write_text(
        'def add(a, b):\n    """Add.\n\n    >>> add(1, 2)\n    3\n    """\n', encoding="utf-8"
    )
    plus, minus = tmp_path / "plus.py", tmp_path / "minus.py"
    plus.write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    minus.write_text("def add(a, b):\n    return a - b\n", encoding="utf-8")
    assert _run(capsys, "compare", str(task), str(plus), str(minus))[0] == 1
    with open_ledger(url) as ledger:
        [summary] = ledger.runs()
        run = ledger.get(summary.id or 0)
    assert run.kind == "compare" and run.task.startswith("def add(a, b):")
    assert {c.name: (c.accepted, c.selected) for c in run.candidates} == {
        str(plus): (True, True),
        str(minus): (False, False),
    }
    assert run.candidates[1].code == "def add(a, b):\n    return a - b\n"


@pytest.mark.postgres
def test_ledger_commands_against_postgresql(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.py"
    source.write_text("x = 1\n", encoding="utf-8")
    from assay.ledger import record_report
    from assay.model import Report

    report = Report(tool_version="0", files=[str(source)], sources={str(source): "x = 1\n"})
    run_id = record_report(report, kind="check", url=postgres_url)
    code, out, _ = _run(
        capsys, "ledger", "mark", str(run_id), "--failed", "wrong", "--ledger", postgres_url
    )
    assert code == 0 and f"marked run {run_id} as failed" in out
    code, out, _ = _run(capsys, "ledger", "list", "--failed", "--ledger", postgres_url)
    assert code == 0 and out.splitlines()[1].split()[0] == str(run_id)
    code, out, _ = _run(capsys, "ledger", "stats", "-f", "json", "--ledger", postgres_url)
    assert json.loads(out)["failures"]["by_family"] == {"unflagged": 1}
