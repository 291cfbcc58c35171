"""A SQLite ledger writer killed with SIGKILL mid-transaction leaves a sound database, and
writers in several processes at once all land (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from tests.ledger.helpers import check_report, finding

from assay.ledger import open_ledger, record_report

_WRITER = textwrap.dedent(
    """
    import sys, time
    import sqlalchemy as sa
    from assay.ledger import open_ledger
    from assay.ledger import _schema as t
    from assay.ledger.from_report import run_from_report
    from assay.model import Report

    committed = int(sys.argv[2])
    ledger = open_ledger(sys.argv[1])
    report = Report(tool_version="0", files=["x.py"], sources={"x.py": "x = 1\\n"})
    for _ in range(committed):
        ledger.record(run_from_report(report, kind="check"))
    print("committed", flush=True)
    big = "# filler\\n" * 20000
    with ledger.engine.connect().execution_options(assay_write=True) as connection:
        # A tiny page cache makes SQLite spill uncommitted pages into the WAL file.
        connection.exec_driver_sql("PRAGMA cache_size=4")
        connection.commit()
        with connection.begin():
            run_id = connection.execute(
                t.runs.insert().returning(t.runs.c.id),
                {"created_at": __import__("datetime").datetime.now(), "kind": "check",
                 "task": "never committed", "task_kind": "check", "verdict": "clean",
                 "finding_count": 0, "tool_version": "0", "timings": {}},
            ).scalar_one()
            for index in range(40):
                connection.execute(t.candidates.insert(), {
                    "run_id": run_id, "name": f"c{index}", "digest": "0" * 64, "code": big,
                    "selected": False})
            print("mid-write", flush=True)
            time.sleep(120)
    """
)


@pytest.mark.parametrize("committed", [1, 25])
def test_sigkill_mid_write_leaves_committed_runs_and_integrity(
    tmp_path: Path, committed: int
) -> None:
    path = tmp_path / "ledger.sqlite3"
    url = f"sqlite:///{path}"
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, url, str(committed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert writer.stdout is not None
        lines = [writer.stdout.readline().strip() for _ in range(2)]
        if lines != ["committed", "mid-write"]:
            writer.kill()
            pytest.fail(f"writer did not reach the open transaction: {writer.communicate()[1]}")
        wal = path.with_name(path.name + "-wal")
        assert wal.stat().st_size > 100_000, "the open transaction should have spilled into the WAL"
        os.kill(writer.pid, signal.SIGKILL)
        assert writer.wait(timeout=60) == -signal.SIGKILL
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait(timeout=60)

    with open_ledger(url) as ledger:
        with ledger.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        runs = ledger.runs(limit=1000)
        assert len(runs) == committed
        assert all(run.task == "x.py" for run in runs)
        new_id = record_report(check_report(finding()), kind="check", ledger=ledger)
        assert ledger.get(new_id).findings


_APPENDER = textwrap.dedent(
    """
    import sys
    from assay.ledger import open_ledger
    from assay.ledger.from_report import run_from_report
    from assay.model import Report

    report = Report(tool_version="0", files=[sys.argv[2]], sources={sys.argv[2]: "x = 1\\n"})
    with open_ledger(sys.argv[1]) as ledger:
        for _ in range(int(sys.argv[3])):
            ledger.record(run_from_report(report, kind="check"))
    """
)


def test_concurrent_writers_from_several_processes_all_land(
    ledger_url: str, tmp_path: Path
) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _APPENDER, ledger_url, f"w{index}.py", "15"],
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        for index in range(3)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    with open_ledger(ledger_url) as ledger:
        runs = ledger.runs(limit=100)
        if ledger.dialect == "sqlite":
            with ledger.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert sorted(Counter(run.task for run in runs).items()) == [
        ("w0.py", 15),
        ("w1.py", 15),
        ("w2.py", 15),
    ]
