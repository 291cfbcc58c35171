"""Turn a `Report` into a ledger run: the hook `assay check`, `compare` and `gen` call."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from assay._version import __version__
from assay.errors import InvalidArgument
from assay.ledger.store import Ledger, open_ledger
from assay.ledger.types import CandidateRecord, FindingRecord, RunRecord
from assay.model import Candidate, Report, Severity, Verdict

if TYPE_CHECKING:
    from assay.gen.loop import GenerationResult

__all__ = [
    "KINDS",
    "MAX_CHECK_CODE_CHARS",
    "generation_report",
    "record_generation",
    "record_report",
    "run_from_report",
]

KINDS = ("check", "compare", "gen")
#: A `check` run over more source than this stores the code of flagged files only.
MAX_CHECK_CODE_CHARS = 2_000_000
_FINDING_FIELDS = set(FindingRecord.model_fields)


def run_from_report(
    report: Report,
    *,
    kind: str,
    task: str | None = None,
    task_kind: str | None = None,
    backend: str | None = None,
    model: str | None = None,
    candidates: Sequence[Candidate] = (),
    duration_s: float | None = None,
    timings: Mapping[str, Any] | None = None,
    created_at: datetime | None = None,
) -> RunRecord:
    """The ledger record of one run (not yet stored). See `record_report` for arguments."""
    if kind not in KINDS:
        raise InvalidArgument(f"kind={kind!r} must be one of {', '.join(KINDS)}")
    by_name = {c.name: c for c in candidates}
    records: list[CandidateRecord] = []
    if report.verdicts:
        for verdict in report.verdicts:
            code = by_name[verdict.candidate].code if verdict.candidate in by_name else ""
            code = code or report.sources.get(verdict.candidate, "")
            records.append(
                CandidateRecord(
                    name=verdict.candidate,
                    digest=_digest(code),
                    code=code,
                    accepted=verdict.accepted,
                    selected=verdict.selected,
                    score=verdict.score,
                    cluster=verdict.cluster,
                )
            )
    else:
        for candidate in candidates:
            records.append(
                CandidateRecord(name=candidate.name, digest=candidate.digest, code=candidate.code)
            )
        named = {r.name for r in records}
        flagged = {f.path for f in report.findings} | {e.path for e in report.errors}
        total = sum(len(report.sources.get(path, "")) for path in report.files)
        for path in report.files:
            if path in named:
                continue
            code = report.sources.get(path, "")
            # A large tree keeps only its flagged files' code; every file keeps its hash.
            kept = code if total <= MAX_CHECK_CODE_CHARS or path in flagged else ""
            records.append(
                CandidateRecord(
                    name=path, digest=_digest(code), code=kept, accepted=path not in flagged
                )
            )
    findings = [
        FindingRecord.model_validate(f.model_dump(mode="json", include=_FINDING_FIELDS))
        for f in [*report.findings, *(f for v in report.verdicts for f in v.findings)]
    ]
    first = candidates[0] if candidates else None
    return RunRecord(
        created_at=created_at or datetime.now(timezone.utc),
        kind=kind,
        task=task if task is not None else " ".join(report.files) or "<source>",
        task_kind=task_kind or kind,
        backend=backend or (first.backend if first else None),
        model=model or (first.model if first else None),
        verdict=_verdict(report, kind),
        finding_count=len(findings),
        duration_s=duration_s,
        tool_version=report.tool_version,
        timings=dict(timings or report.stats.get("timings", {}) or {}),
        candidates=records,
        findings=_unique(findings),
    )


def record_report(
    report: Report,
    *,
    kind: str,
    task: str | None = None,
    task_kind: str | None = None,
    backend: str | None = None,
    model: str | None = None,
    candidates: Sequence[Candidate] = (),
    duration_s: float | None = None,
    timings: Mapping[str, Any] | None = None,
    ledger: Ledger | None = None,
    url: str | None = None,
) -> int:
    """Record one check/compare/gen run in the ledger and return its run id.

    Args:
        report: what the run found.
        kind: ``check``, ``compare`` or ``gen``.
        task: the prompt (compare/gen); default: the checked paths.
        task_kind: a label to group stats by (e.g. ``humaneval``, ``cli-tool``); default `kind`.
        backend: the LLM backend that produced the candidates, when known.
        model: the model name, when known.
        candidates: the candidates judged, to store their code and provenance.
        duration_s: wall-clock seconds of the whole run.
        timings: per-stage seconds; default ``report.stats["timings"]``.
        ledger: an open ledger; default: open the one `url` (or the environment) names.
        url: ledger URL when `ledger` is not given (see `assay.ledger.resolve_url`).

    Raises:
        LedgerError: the ledger cannot be opened or written.
        InvalidArgument: `kind` is not one of `KINDS`.
    """
    run = run_from_report(
        report,
        kind=kind,
        task=task,
        task_kind=task_kind,
        backend=backend,
        model=model,
        candidates=candidates,
        duration_s=duration_s,
        timings=timings,
    )
    if ledger is not None:
        return ledger.record(run)
    with open_ledger(url) as opened:
        return opened.record(run)


def generation_report(result: GenerationResult) -> Report:
    """A generation run as a `Report`: one verdict per candidate (``accepted`` = passes its
    checks, ``selected`` = the code returned), the evidence and static findings, the
    clusters; ``stats["generation"]`` holds the result's verdict (verified, plausible or
    rejected), why, what evidence is missing and what the user could add."""
    verdicts = []
    findings = list(result.evidence)
    for item in result.candidates:
        name = item.candidate.name
        base = item.verdict or Verdict(candidate=name, accepted=False, score=0.0)
        verdicts.append(
            base.model_copy(
                update={
                    "accepted": item.verified,
                    "selected": name == result.selected,
                    "findings": [*base.findings, *item.static_findings],
                }
            )
        )
        findings.extend(item.static_findings)
    unique = {(f.candidate, f.rule, f.path, f.line, f.col, f.message): f for f in findings}
    return Report(
        tool_version=__version__,
        findings=list(unique.values()),
        verdicts=verdicts,
        clusters=result.clusters,
        warnings=result.warnings,
        sources={item.candidate.name: item.candidate.code for item in result.candidates},
        stats={
            "timings": {"model_s": result.model_seconds, "total_s": result.seconds},
            "generation": {
                "selected": result.selected,
                "verdict": result.verdict.level.value,
                "reasons": list(result.verdict.reasons),
                "missing": list(result.verdict.missing),
                "advice": list(result.verdict.advice),
            },
        },
    )


def record_generation(
    result: GenerationResult,
    *,
    task_kind: str | None = None,
    ledger: Ledger | None = None,
    url: str | None = None,
) -> int:
    """Record a `assay.generate` result as a ``gen`` run (prompt, every candidate's code and
    verdict, the evidence, model timings); returns the run id.

    Raises:
        LedgerError: the ledger cannot be opened or written.
    """
    return record_report(
        generation_report(result),
        kind="gen",
        task=result.task.prompt,
        task_kind=task_kind,
        candidates=[item.candidate for item in result.candidates],
        duration_s=result.seconds,
        ledger=ledger,
        url=url,
    )


def _verdict(report: Report, kind: str) -> str:
    if report.verdicts:
        return "accepted" if any(v.accepted for v in report.verdicts) else "rejected"
    if kind != "check":
        return "rejected" if report.at_or_above(Severity.ERROR) or report.errors else "accepted"
    if report.errors:
        return "error"
    return "findings" if report.findings else "clean"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def _unique(findings: list[FindingRecord]) -> list[FindingRecord]:
    # A verdict repeats the findings of the report it belongs to; keep one of each.
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in findings:
        key = (f.candidate, f.rule, f.path, f.line, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
