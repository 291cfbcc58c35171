"""What the ledger stores and returns: plain, JSON-ready records (also the HTTP API's shapes)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assay.errors import InvalidArgument

__all__ = [
    "CandidateRecord",
    "FindingRecord",
    "OutcomeRecord",
    "RunRecord",
    "format_duration",
    "parse_duration",
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CandidateRecord(_Record):
    """One piece of code a run judged: a checked file or a generated candidate."""

    name: str
    digest: str
    code: str
    accepted: bool | None = None
    selected: bool = False
    score: float | None = None
    cluster: int | None = None


class FindingRecord(_Record):
    """One finding as the ledger keeps it (enough to count, retrieve and show it)."""

    candidate: str | None = None
    rule: str
    family: str
    severity: str
    path: str
    line: int
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)


class OutcomeRecord(_Record):
    """What happened after a run: marked by a person with ``assay ledger mark``."""

    id: int | None = None
    run_id: int
    marked_at: datetime
    failed: bool
    description: str
    family: str | None = None
    detected_after_s: float | None = None
    fix_path: str | None = None
    fix_code: str | None = None


class RunRecord(_Record):
    """One recorded run of ``assay check``, ``compare`` or ``gen``.

    `task` is the prompt for gen/compare and the list of checked paths for check;
    `verdict` is ``clean``, ``findings`` or ``error`` for check, and ``accepted`` or
    ``rejected`` for compare/gen. `timings` holds per-stage seconds when the caller knows them.
    """

    id: int | None = None
    created_at: datetime
    kind: str
    task: str
    task_kind: str
    backend: str | None = None
    model: str | None = None
    verdict: str
    finding_count: int
    duration_s: float | None = None
    tool_version: str
    timings: dict[str, Any] = Field(default_factory=dict)
    candidates: list[CandidateRecord] = Field(default_factory=list)
    findings: list[FindingRecord] = Field(default_factory=list)
    outcomes: list[OutcomeRecord] = Field(default_factory=list)


_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``3d``, ``12h``, ``1d12h`` or ``90s``.

    Raises:
        InvalidArgument: the text is not a sequence of number+unit parts (s, m, h, d, w).
    """
    compact = text.strip().lower().replace(" ", "")
    if not compact or _PART.sub("", compact):
        raise InvalidArgument(
            f"duration {text!r} is not understood; write e.g. 3d, 12h, 1d12h, 45m or 90s"
        )
    return sum(float(number) * _UNITS[unit] for number, unit in _PART.findall(compact))


def format_duration(seconds: float) -> str:
    """A short human form of `seconds`: ``3d``, ``5h``, ``12m``, ``40s``."""
    for unit in ("w", "d", "h", "m"):
        if seconds >= _UNITS[unit]:
            value = seconds / _UNITS[unit]
            return f"{value:.0f}{unit}" if value == int(value) else f"{value:.1f}{unit}"
    return f"{seconds:.0f}s"
