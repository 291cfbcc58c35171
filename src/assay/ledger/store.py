"""Open a ledger (SQLite file or PostgreSQL URL), migrate it, read and write records.

SQLite is the default: one file in the user's data directory, in WAL mode with
``synchronous=FULL``, so a writer killed with SIGKILL mid-transaction leaves the last
committed state intact (the test suite kills one to check). PostgreSQL is used when the URL
says so (``postgresql://user@host:port/db``; the psycopg 3 driver is selected for you).
Migrations (Alembic, shipped in ``migrations/``) run on open, under a lock, and are skipped
when the database is already at the newest revision.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from assay._extras import require
from assay.config import data_dir, read_environment
from assay.errors import InvalidArgument, LedgerError
from assay.ledger import _schema as t
from assay.ledger.types import (
    CandidateRecord,
    FindingRecord,
    OutcomeRecord,
    RunRecord,
    format_duration,
)

__all__ = [
    "HEAD_REVISION",
    "Ledger",
    "default_url",
    "ledger_disabled",
    "open_ledger",
    "resolve_url",
]

_HERE = Path(__file__).resolve().parent
#: The newest migration in ``migrations/versions`` (a test keeps the two equal).
HEAD_REVISION = "0001"
#: Any fixed 63-bit number: the PostgreSQL advisory lock held while migrating.
_MIGRATION_LOCK = 0x61737361795F6C67
_DELAY_BUCKETS = ((3600.0, "<1h"), (86400.0, "<1d"), (7 * 86400.0, "<7d"))


def default_url() -> str:
    """The SQLite file in the user's data directory (e.g. ~/.local/share/assay)."""
    path = data_dir() / "ledger.sqlite3"
    return f"sqlite:///{path}"


def resolve_url(url: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The ledger URL to use: `url`, else ``ASSAY_LEDGER_URL``, else `default_url()`.

    A plain filesystem path is accepted and means a SQLite file there.
    """
    chosen = url or read_environment(environ).ledger_url or default_url()
    if "://" not in chosen:
        chosen = f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return chosen


def ledger_disabled(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``ASSAY_NO_LEDGER`` is set to a true value (1, true, yes).

    Raises:
        ConfigError: the variable holds something else.
    """
    return read_environment(environ).no_ledger


def open_ledger(url: str | None = None) -> Ledger:
    """Open (creating and migrating if needed) the ledger at `url` (see `resolve_url`).

    Raises:
        LedgerError: the URL is malformed, the database is unreachable, or migration failed.
    """
    resolved = resolve_url(url)
    try:
        parsed = sa.engine.make_url(resolved)
    except (ArgumentError, ValueError) as error:
        raise LedgerError(
            f"ledger URL {resolved!r} is not a database URL; use sqlite:///path/ledger.sqlite3 "
            "or postgresql://user@host:port/dbname"
        ) from error
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed)
    elif parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql+psycopg":
            require("psycopg", extra="postgres")
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    else:
        raise LedgerError(
            f"ledger URL {parsed.render_as_string()!r} names {parsed.get_backend_name()!r}; "
            "assay supports sqlite and postgresql"
        )
    ledger = Ledger(engine)
    try:
        ledger.migrate()
    except (SQLAlchemyError, OSError) as error:
        engine.dispose()
        raise LedgerError(f"cannot open the ledger at {ledger.url}: {error}") from error
    return ledger


def _sqlite_engine(url: sa.URL) -> Engine:
    database = url.database
    if database and database != ":memory:":
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LedgerError(
                f"cannot create the directory for the ledger file {database}: {error}; "
                "set ASSAY_LEDGER_URL to a writable location"
            ) from error
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN is emitted exactly when we say.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("assay_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Ledger:
    """An open outcomes ledger. Use `open_ledger` to get one; `close()` when done."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The database URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _writing(self) -> Connection:
        return self.engine.connect().execution_options(assay_write=True)

    def migrate(self) -> None:
        """Bring the schema to the newest revision (no-op when it is already there).

        The common case (already at `HEAD_REVISION`) is one query and does not import
        Alembic, which keeps `assay check`'s recording cheap.
        """
        with self._writing() as connection, connection.begin():
            if self.dialect == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
            if _revision(connection) == HEAD_REVISION:
                return
            from alembic import command
            from alembic.config import Config

            config = Config(str(_HERE / "alembic.ini"))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def record(self, run: RunRecord) -> int:
        """Store `run` with its candidates and findings; returns the new run id."""
        try:
            with self._writing() as connection, connection.begin():
                run_id = int(
                    connection.execute(
                        t.runs.insert().returning(t.runs.c.id),
                        {
                            "created_at": run.created_at,
                            "kind": run.kind,
                            "task": run.task,
                            "task_kind": run.task_kind,
                            "backend": run.backend,
                            "model": run.model,
                            "verdict": run.verdict,
                            "finding_count": run.finding_count,
                            "duration_s": run.duration_s,
                            "tool_version": run.tool_version,
                            "timings": run.timings,
                        },
                    ).scalar_one()
                )
                if run.candidates:
                    connection.execute(
                        t.candidates.insert(),
                        [{"run_id": run_id, **c.model_dump()} for c in run.candidates],
                    )
                if run.findings:
                    connection.execute(
                        t.findings.insert(),
                        [{"run_id": run_id, **f.model_dump()} for f in run.findings],
                    )
        except SQLAlchemyError as error:
            raise LedgerError(f"cannot write to the ledger at {self.url}: {error}") from error
        return run_id

    def mark(
        self,
        run_id: int,
        *,
        description: str,
        failed: bool = True,
        family: str | None = None,
        detected_after_s: float | None = None,
        fix_path: str | None = None,
        fix_code: str | None = None,
        marked_at: datetime | None = None,
    ) -> OutcomeRecord:
        """Record what happened to run `run_id` later (a failure found after the fact).

        Without `detected_after_s`, the delay is the time since the run was recorded.

        Raises:
            InvalidArgument: no run has id `run_id`, or `description` is empty.
        """
        if not description.strip():
            raise InvalidArgument("describe what happened, e.g. --failed 'crashed on empty input'")
        now = marked_at or datetime.now(timezone.utc)
        with self._writing() as connection, connection.begin():
            created = connection.execute(
                sa.select(t.runs.c.created_at).where(t.runs.c.id == run_id)
            ).scalar_one_or_none()
            if created is None:
                raise InvalidArgument(
                    f"no ledger run has id {run_id}; `assay ledger list` shows the ids"
                )
            if detected_after_s is None:
                detected_after_s = max(0.0, (now - _utc(created)).total_seconds())
            values = {
                "run_id": run_id,
                "marked_at": now,
                "failed": failed,
                "description": description.strip(),
                "family": family,
                "detected_after_s": detected_after_s,
                "fix_path": fix_path,
                "fix_code": fix_code,
            }
            outcome_id = connection.execute(
                t.outcomes.insert().returning(t.outcomes.c.id), values
            ).scalar_one()
        return OutcomeRecord(
            id=int(outcome_id),
            run_id=run_id,
            marked_at=now,
            failed=failed,
            description=description.strip(),
            family=family,
            detected_after_s=detected_after_s,
            fix_path=fix_path,
            fix_code=fix_code,
        )

    def runs(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        kind: str | None = None,
        failed_only: bool = False,
    ) -> list[RunRecord]:
        """The newest runs first, without their code, findings or outcomes attached."""
        query = sa.select(t.runs).order_by(t.runs.c.id.desc()).limit(limit).offset(offset)
        if kind is not None:
            query = query.where(t.runs.c.kind == kind)
        if failed_only:
            query = query.where(
                t.runs.c.id.in_(sa.select(t.outcomes.c.run_id).where(t.outcomes.c.failed))
            )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_run(row) for row in rows]

    def get(self, run_id: int) -> RunRecord:
        """One run with its candidates, findings and outcomes.

        Raises:
            InvalidArgument: no run has id `run_id`.
        """
        with self.engine.connect() as connection:
            row = (
                connection.execute(sa.select(t.runs).where(t.runs.c.id == run_id))
                .mappings()
                .one_or_none()
            )
            if row is None:
                raise InvalidArgument(
                    f"no ledger run has id {run_id}; `assay ledger list` shows the ids"
                )
            return _run(row, *self._children(connection, [run_id]).get(run_id, ([], [], [])))

    def export(self, *, batch: int = 500) -> Iterator[RunRecord]:
        """Every run, oldest first, with its children attached (streamed in batches)."""
        last = 0
        while True:
            with self.engine.connect() as connection:
                rows = (
                    connection.execute(
                        sa.select(t.runs)
                        .where(t.runs.c.id > last)
                        .order_by(t.runs.c.id)
                        .limit(batch)
                    )
                    .mappings()
                    .all()
                )
                if not rows:
                    return
                children = self._children(connection, [int(r["id"]) for r in rows])
            for row in rows:
                yield _run(row, *children.get(int(row["id"]), ([], [], [])))
            last = int(rows[-1]["id"])

    def failures(self, *, limit: int = 2000) -> list[RunRecord]:
        """Runs that went wrong, newest first, with findings and outcomes: marked failures,
        rejected candidates and checks with error findings (what retrieval learns from)."""
        failed_ids = sa.select(t.outcomes.c.run_id).where(t.outcomes.c.failed)
        error_ids = sa.select(t.findings.c.run_id).where(t.findings.c.severity == "error")
        query = (
            sa.select(t.runs)
            .where(
                sa.or_(
                    t.runs.c.id.in_(failed_ids),
                    t.runs.c.id.in_(error_ids),
                    t.runs.c.verdict == "rejected",
                )
            )
            .order_by(t.runs.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
            children = self._children(
                connection, [int(r["id"]) for r in rows], with_candidates=False
            )
        return [_run(row, *children.get(int(row["id"]), ([], [], []))) for row in rows]

    def _children(
        self, connection: Connection, run_ids: list[int], *, with_candidates: bool = True
    ) -> dict[int, tuple[list[CandidateRecord], list[FindingRecord], list[OutcomeRecord]]]:
        out: dict[int, tuple[list[CandidateRecord], list[FindingRecord], list[OutcomeRecord]]]
        out = {run_id: ([], [], []) for run_id in run_ids}
        if not run_ids:
            return out
        if with_candidates:
            for row in connection.execute(
                sa.select(t.candidates)
                .where(t.candidates.c.run_id.in_(run_ids))
                .order_by(t.candidates.c.id)
            ).mappings():
                fields = {k: v for k, v in row.items() if k not in {"id", "run_id"}}
                out[int(row["run_id"])][0].append(CandidateRecord(**fields))
        for row in connection.execute(
            sa.select(t.findings).where(t.findings.c.run_id.in_(run_ids)).order_by(t.findings.c.id)
        ).mappings():
            fields = {k: v for k, v in row.items() if k not in {"id", "run_id"}}
            out[int(row["run_id"])][1].append(FindingRecord(**fields))
        for row in connection.execute(
            sa.select(t.outcomes).where(t.outcomes.c.run_id.in_(run_ids)).order_by(t.outcomes.c.id)
        ).mappings():
            fields = dict(row)
            fields["marked_at"] = _utc(fields["marked_at"])
            out[int(row["run_id"])][2].append(OutcomeRecord(**fields))
        return out

    def stats(self) -> dict[str, Any]:
        """Counts by failure family, rule, model, task kind, and the detection delays.

        ``findings`` counts what assay reported; ``failures`` counts outcomes marked as
        failed, attributed to the family given at marking time, else the run's most common
        finding family, else ``unflagged`` (a failure assay did not see coming).
        """
        with self.engine.connect() as connection:
            runs_by_kind = _counts(connection, t.runs.c.kind)
            runs_by_model = _counts(connection, sa.func.coalesce(t.runs.c.model, "-"))
            runs_by_task_kind = _counts(connection, t.runs.c.task_kind)
            verdicts = _counts(connection, t.runs.c.verdict)
            findings_by_family = _counts(connection, t.findings.c.family)
            findings_by_rule = _counts(connection, t.findings.c.rule)
            failed = connection.execute(
                sa.select(
                    t.outcomes.c.run_id,
                    t.outcomes.c.family,
                    t.outcomes.c.detected_after_s,
                    t.runs.c.model,
                    t.runs.c.task_kind,
                )
                .join(t.runs, t.runs.c.id == t.outcomes.c.run_id)
                .where(t.outcomes.c.failed)
            ).all()
            run_ids = sorted({int(row.run_id) for row in failed})
            run_findings: dict[int, list[tuple[str, str]]] = {run_id: [] for run_id in run_ids}
            if run_ids:
                for fam_row in connection.execute(
                    sa.select(t.findings.c.run_id, t.findings.c.family, t.findings.c.rule).where(
                        t.findings.c.run_id.in_(run_ids)
                    )
                ):
                    run_findings[int(fam_row.run_id)].append((fam_row.family, fam_row.rule))
        by_family: Counter[str] = Counter()
        by_rule: Counter[str] = Counter()
        by_model: Counter[str] = Counter()
        by_task_kind: Counter[str] = Counter()
        delays: list[float] = []
        for row in failed:
            flagged = run_findings.get(int(row.run_id), [])
            family = row.family or (
                Counter(fam for fam, _ in flagged).most_common(1)[0][0] if flagged else "unflagged"
            )
            by_family[family] += 1
            for rule in sorted({rule for _, rule in flagged}) or ["(none: assay was silent)"]:
                by_rule[rule] += 1
            by_model[row.model or "-"] += 1
            by_task_kind[row.task_kind] += 1
            if row.detected_after_s is not None:
                delays.append(float(row.detected_after_s))
        return {
            "runs": {
                "total": sum(runs_by_kind.values()),
                "by_kind": runs_by_kind,
                "by_verdict": verdicts,
                "by_model": runs_by_model,
                "by_task_kind": runs_by_task_kind,
            },
            "findings": {"by_family": findings_by_family, "by_rule": findings_by_rule},
            "failures": {
                "total": len(failed),
                "by_family": dict(by_family.most_common()),
                "by_rule": dict(by_rule.most_common()),
                "by_model": dict(by_model.most_common()),
                "by_task_kind": dict(by_task_kind.most_common()),
                "detection_delay": _delay_summary(delays),
            },
        }


def _revision(connection: Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return None if version is None else str(version)


def _counts(connection: Connection, column: Any) -> dict[str, int]:
    rows = connection.execute(
        sa.select(column, sa.func.count()).group_by(column).order_by(sa.func.count().desc())
    ).all()
    return {str(key): int(count) for key, count in rows}


def _delay_summary(delays: list[float]) -> dict[str, Any]:
    if not delays:
        return {"count": 0}
    buckets: Counter[str] = Counter()
    for delay in delays:
        label = next((name for limit, name in _DELAY_BUCKETS if delay < limit), ">=7d")
        buckets[label] += 1
    median = statistics.median(delays)
    return {
        "count": len(delays),
        "median_s": median,
        "median": format_duration(median),
        "mean_s": statistics.fmean(delays),
        "max_s": max(delays),
        "buckets": {name: buckets.get(name, 0) for name in ("<1h", "<1d", "<7d", ">=7d")},
    }


def _utc(value: datetime) -> datetime:
    # SQLite returns naive datetimes; everything the ledger writes is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _run(
    row: sa.RowMapping,
    candidates: list[CandidateRecord] | None = None,
    findings: list[FindingRecord] | None = None,
    outcomes: list[OutcomeRecord] | None = None,
) -> RunRecord:
    fields = dict(row)
    fields["created_at"] = _utc(fields["created_at"])
    return RunRecord(
        **fields,
        candidates=candidates or [],
        findings=findings or [],
        outcomes=outcomes or [],
    )
