"""The outcomes ledger: every check/compare/gen run, and what happened to its code later.

    from assay.ledger import open_ledger, record_report, criteria_for
    run_id = record_report(report, kind="check")          # what `assay check` does
    with open_ledger() as ledger:
        ledger.mark(run_id, description="crashed on empty input", detected_after_s=3 * 86400)
    criteria_for("parse an ISO date")                      # lessons for the next `gen`

The database is SQLite in the user's data directory unless ``ASSAY_LEDGER_URL`` (or a
``--ledger`` option) names another file or a PostgreSQL server.
"""

from __future__ import annotations

from assay.ledger.from_report import (
    KINDS,
    generation_report,
    record_generation,
    record_report,
    run_from_report,
)
from assay.ledger.retrieval import criteria_for, criteria_from_failures
from assay.ledger.store import Ledger, default_url, ledger_disabled, open_ledger, resolve_url
from assay.ledger.types import (
    CandidateRecord,
    FindingRecord,
    OutcomeRecord,
    RunRecord,
    format_duration,
    parse_duration,
)

__all__ = [
    "KINDS",
    "CandidateRecord",
    "FindingRecord",
    "Ledger",
    "OutcomeRecord",
    "RunRecord",
    "criteria_for",
    "criteria_from_failures",
    "default_url",
    "format_duration",
    "generation_report",
    "ledger_disabled",
    "open_ledger",
    "parse_duration",
    "record_generation",
    "record_report",
    "resolve_url",
    "run_from_report",
]
