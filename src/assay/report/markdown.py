"""Markdown output, for pull-request comments and job summaries."""

from __future__ import annotations

import json
from collections import Counter

from assay.model import Report, Severity, TrustTier

__all__ = ["render_markdown"]


def _cell(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """The report as a Markdown document: a summary, a findings table, errors."""
    counts = Counter(f.severity for f in report.findings)
    out = [
        "# assay report",
        "",
        f"{len(report.findings)} finding(s) in {len(report.files)} file(s): "
        + ", ".join(
            f"{counts.get(s, 0)} {s.value}"
            for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        ),
        "",
    ]
    if report.findings:
        out += ["| Location | Rule | Severity | Message | Evidence |", "|---|---|---|---|---|"]
        for f in report.findings:
            evidence = "; ".join(f"{k}: {_cell(v)}" for k, v in f.evidence.items())
            out.append(
                f"| `{f.path}:{f.line}:{f.col + 1}` | {f.rule} | {f.severity.value} | "
                f"{_cell(f.message)} | {evidence} |"
            )
        out.append("")
    if report.verdicts:
        out += [
            "## Candidates",
            "",
            "| Candidate | Accepted | Score | Selected |",
            "|---|---|---|---|",
        ]
        for v in report.verdicts:
            out.append(
                f"| {_cell(v.candidate)} | {'yes' if v.accepted else 'no'} | {v.score:.2f} | {'yes' if v.selected else ''} |"
            )
        out.append("")
    out += _tiers(report)
    if report.errors:
        out += ["## Files that could not be checked", ""]
        out += [f"- `{e.path}`: {_cell(e.message)}" for e in report.errors]
        out.append("")
    if report.warnings:
        out += ["## Warnings", ""] + [f"- {_cell(w)}" for w in report.warnings] + [""]
    if report.notes:
        out += ["## Not verified here", ""] + [f"- {_cell(n)}" for n in report.notes] + [""]
    return "\n".join(out)


def _tiers(report: Report) -> list[str]:
    """The trust-tier table (boilerplate omitted) and each present tier's checklist."""
    shown = [f for f in report.functions if f.tier is not TrustTier.BOILERPLATE]
    if not report.functions:
        return []
    boilerplate = len(report.functions) - len(shown)
    out = ["## Review by trust tier", ""]
    if shown:
        out += ["| Function | Tier | Why |", "|---|---|---|"]
        out += [
            f"| `{f.path}:{f.line}` {_cell(f.function)} | {f.tier.value} | {_cell('; '.join(f.reasons))} |"
            for f in shown
        ]
        out.append("")
    if boilerplate:
        out += [f"{boilerplate} boilerplate function(s) not listed.", ""]
    checklists = {f.tier: f.checklist for f in shown}
    for tier, checklist in checklists.items():
        out += (
            [f"**{tier.value}** — verify:", ""]
            + [f"- [ ] {_cell(item)}" for item in checklist]
            + [""]
        )
    return out
