"""Plan a file's keyed SQLite queries against its own schema (AS508) on the run's sandbox.

What to plan (the ``CREATE TABLE``/``CREATE INDEX`` literals, the ``execute`` calls that look
rows up by a column) and what to report are the rule's
(`assay.rules.performance.sqlite_full_scan_on_keyed_lookup`); this stage runs
``EXPLAIN QUERY PLAN`` in the sandbox the other dynamic stages share, so a file with SQL
starts no sandbox of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.behaviour.stages._frame import CheckedFile, Pool, Ran
from assay.model import Finding
from assay.rules.performance.sqlite_full_scan_on_keyed_lookup import (
    PLANNER,
    KeyedLookups,
    keyed_lookups,
    sqlite_full_scan_on_keyed_lookup,
)
from assay.sandbox import Call, Job, Limits, Sandbox

__all__ = ["RULES", "QueryPlans", "plan_queries"]

#: The rule whose queries the stage plans.
RULES = frozenset({"AS508"})


def plan_queries(box: Sandbox, work: KeyedLookups) -> list[tuple[str, object]] | None:
    """Plan `work`'s queries against its schema in `box`: one ``("plan", [steps])`` or
    ``("error", message)`` per query; None when the planner did not run.

    Raises:
        SandboxError: the sandbox cannot run (the pipeline warns that the stage did not run).
    """
    job = Job(
        source=PLANNER,
        calls=(Call.function("plans", list(work.ddl), [sql for _, sql in work.queries]),),
        limits=Limits(timeout_s=10.0, memory_mb=256),
        name="explain-query-plan",
    )
    outcome = box.run(job).outcomes[0]
    value = outcome.value
    if not outcome.ok or not (isinstance(value, list) and len(value) == 2):
        return None
    results = value[1]
    if not isinstance(results, list):
        return None
    return [
        (str(item[0]), item[1]) for item in results if isinstance(item, list) and len(item) == 2
    ]


@dataclass(frozen=True)
class QueryPlans:
    """The stage planning keyed SQLite queries (AS508).

    Attributes:
        rules: the active ids of `RULES`.
    """

    rules: frozenset[str]
    name: str = "the SQLite query planner"
    label: str = "SQLite query planning"
    workers: int = 1

    def plan(self, file: CheckedFile) -> KeyedLookups | None:
        """The schema and keyed queries of `file`; None without a schema or a keyed query."""
        if not self.rules or file.tree is None:
            return None
        return keyed_lookups(file.tree)

    def warm(self, works: Sequence[KeyedLookups]) -> tuple[str, ...]:
        """Nothing: the planner imports sqlite3 in its job."""
        return ()

    def run(
        self, file: CheckedFile, work: KeyedLookups, pool: Pool, earlier: Sequence[Finding]
    ) -> Ran:
        """Plan `file`'s keyed queries and report those planned as a full scan."""
        planned = plan_queries(pool.sandbox(), work)
        if planned is None or file.tree is None:
            return Ran()
        return Ran(list(sqlite_full_scan_on_keyed_lookup(file.path, file.tree, work, planned)))
