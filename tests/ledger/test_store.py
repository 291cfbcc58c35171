"""The ledger on SQLite and on a real PostgreSQL server: record, read, mark, count."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from tests.ledger.helpers import CODE, check_report, finding, gen_report

from assay.errors import InvalidArgument, LedgerError
from assay.ledger import (
    Ledger,
    open_ledger,
    parse_duration,
    record_report,
    resolve_url,
    run_from_report,
    store,
)
from assay.ledger._schema import metadata


def test_check_run_keeps_code_findings_and_hash(ledger: Ledger) -> None:
    report = check_report(finding())
    run_id = record_report(report, kind="check", ledger=ledger, duration_s=0.25)
    run = ledger.get(run_id)
    assert (run.kind, run.task, run.verdict, run.finding_count) == (
        "check",
        "parts.py",
        "findings",
        1,
    )
    assert run.duration_s == 0.25
    [candidate] = run.candidates
    assert candidate.code == CODE
    assert candidate.digest == hashlib.sha256(CODE.encode()).hexdigest()
    assert candidate.accepted is False
    [stored] = run.findings
    assert stored.rule == "AS101" and stored.evidence["closest"] == ["os.path.split"]
    assert run.created_at.tzinfo is not None


def test_gen_run_keeps_every_candidate_and_its_verdict(ledger: Ledger) -> None:
    report, candidates = gen_report()
    run_id = record_report(
        report, kind="gen", task="add two numbers", candidates=candidates, ledger=ledger
    )
    run = ledger.get(run_id)
    assert (run.verdict, run.backend, run.model) == ("accepted", "replay", "m1")
    by_name = {c.name: c for c in run.candidates}
    assert by_name["c0"].selected and by_name["c0"].accepted
    assert by_name["c1"].code == candidates[1].code and by_name["c1"].accepted is False
    assert by_name["c1"].digest == candidates[1].digest
    assert [f.rule for f in run.findings] == ["AS601"]


def test_list_is_newest_first_and_filters(ledger: Ledger) -> None:
    first = record_report(check_report(), kind="check", ledger=ledger)
    report, candidates = gen_report()
    second = record_report(report, kind="gen", task="add", candidates=candidates, ledger=ledger)
    assert [r.id for r in ledger.runs()] == [second, first]
    assert [r.id for r in ledger.runs(kind="check")] == [first]
    assert ledger.runs(failed_only=True) == []
    ledger.mark(first, description="wrong on Windows paths")
    assert [r.id for r in ledger.runs(failed_only=True)] == [first]


def test_mark_records_delay_fix_and_family(ledger: Ledger, tmp_path: Path) -> None:
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    run = run_from_report(check_report(finding()), kind="check", created_at=created)
    run_id = ledger.record(run)
    outcome = ledger.mark(
        run_id,
        description="raised on empty input",
        detected_after_s=parse_duration("3d"),
        fix_path="fix.py",
        fix_code="def parts(path):\n    return path.split('/')\n",
    )
    assert outcome.detected_after_s == 3 * 86400
    implicit = ledger.mark(
        run_id, description="again", marked_at=created + timedelta(hours=5), family="runtime"
    )
    assert implicit.detected_after_s == 5 * 3600
    stored = ledger.get(run_id).outcomes
    assert [o.description for o in stored] == ["raised on empty input", "again"]
    assert stored[0].fix_code is not None and stored[1].family == "runtime"


def test_mark_unknown_run_names_the_id(ledger: Ledger) -> None:
    with pytest.raises(InvalidArgument, match="no ledger run has id 999"):
        ledger.mark(999, description="x")
    with pytest.raises(InvalidArgument, match="no ledger run has id 999"):
        ledger.get(999)


def test_stats_by_family_rule_model_kind_and_delay(ledger: Ledger) -> None:
    flagged = record_report(check_report(finding()), kind="check", ledger=ledger)
    silent = record_report(check_report(), kind="check", task_kind="cli", ledger=ledger)
    report, candidates = gen_report()
    generated = record_report(report, kind="gen", task="add", candidates=candidates, ledger=ledger)
    ledger.mark(flagged, description="crashed", detected_after_s=600)
    ledger.mark(silent, description="leaked a file handle", detected_after_s=2 * 86400)
    ledger.mark(generated, description="wrong sign", detected_after_s=10 * 86400, family="runtime")
    ledger.mark(generated, description="held up", failed=False)
    stats = ledger.stats()
    assert stats["runs"]["by_kind"] == {"check": 2, "gen": 1}
    assert stats["findings"]["by_family"] == {"hallucination": 1, "runtime": 1}
    failures = stats["failures"]
    assert failures["total"] == 3
    assert failures["by_family"] == {"hallucination": 1, "unflagged": 1, "runtime": 1}
    assert failures["by_rule"] == {"AS101": 1, "(none: assay was silent)": 1, "AS601": 1}
    assert failures["by_model"] == {"-": 2, "m1": 1}
    assert failures["by_task_kind"] == {"check": 1, "cli": 1, "gen": 1}
    delay = failures["detection_delay"]
    assert delay["count"] == 3 and delay["median"] == "2d"
    assert delay["buckets"] == {"<1h": 1, "<1d": 0, "<7d": 1, ">=7d": 1}


def test_export_streams_everything_in_batches(ledger: Ledger) -> None:
    ids = [record_report(check_report(finding()), kind="check", ledger=ledger) for _ in range(7)]
    exported = list(ledger.export(batch=3))
    assert [r.id for r in exported] == ids
    assert all(r.findings and r.candidates for r in exported)
    json.dumps([r.model_dump(mode="json") for r in exported])


def test_migrations_build_exactly_the_declared_schema(ledger: Ledger) -> None:
    config = Config(str(Path(store.__file__).with_name("alembic.ini")))
    assert ScriptDirectory.from_config(config).get_current_head() == store.HEAD_REVISION
    with ledger.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == store.HEAD_REVISION
        assert compare_metadata(context, metadata) == []


def test_reopening_is_idempotent(ledger_url: str) -> None:
    with open_ledger(ledger_url) as first:
        run_id = record_report(check_report(), kind="check", ledger=first)
    with open_ledger(ledger_url) as second:
        assert second.get(run_id).task == "parts.py"


def test_sqlite_file_is_in_wal_mode(sqlite_url: str) -> None:
    with open_ledger(sqlite_url) as ledger, ledger.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_url_resolution(tmp_path: Path) -> None:
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"
    assert resolve_url(None, {"ASSAY_LEDGER_URL": "postgresql://h/db"}) == "postgresql://h/db"
    assert resolve_url(str(tmp_path / "l.db"), {}) == f"sqlite:///{tmp_path / 'l.db'}"
    assert resolve_url(None, {}).endswith("/assay/ledger.sqlite3")


def test_unsupported_or_unreachable_urls_are_ledger_errors(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="supports sqlite and postgresql"):
        open_ledger("mysql://u@127.0.0.1/db")
    with pytest.raises(LedgerError, match="not a database URL"):
        open_ledger("postgresql://127.0.0.1:port/db")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(LedgerError, match="cannot create the directory"):
        open_ledger(f"sqlite:///{blocker}/sub/ledger.sqlite3")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3d", 259200.0), ("12h", 43200.0), ("1d12h", 129600.0), ("90s", 90.0), ("1.5w", 907200.0)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "3 days", "d3", "3x", "-1d"])
def test_parse_duration_rejects_nonsense(text: str) -> None:
    with pytest.raises(InvalidArgument, match="duration"):
        parse_duration(text)


def test_kind_is_validated() -> None:
    with pytest.raises(InvalidArgument, match="kind='lint'"):
        run_from_report(check_report(), kind="lint")


@pytest.mark.postgres
def test_postgres_url_without_driver_uses_psycopg(postgres_url: str) -> None:
    plain = sa.engine.make_url(postgres_url).set(drivername="postgresql")
    with open_ledger(plain.render_as_string(hide_password=False)) as ledger:
        assert ledger.engine.url.drivername == "postgresql+psycopg"


def test_a_large_check_keeps_code_of_flagged_files_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import assay.ledger.from_report as record

    monkeypatch.setattr(record, "MAX_CHECK_CODE_CHARS", 10)
    report = check_report(finding()).model_copy(
        update={
            "files": ["parts.py", "clean.py"],
            "sources": {"parts.py": CODE, "clean.py": "x = 1\n"},
        }
    )
    run = run_from_report(report, kind="check")
    by_name = {c.name: c for c in run.candidates}
    assert by_name["parts.py"].code == CODE and by_name["parts.py"].accepted is False
    assert by_name["clean.py"].code == "" and by_name["clean.py"].accepted is True
    assert by_name["clean.py"].digest == hashlib.sha256(b"x = 1\n").hexdigest()
