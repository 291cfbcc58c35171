"""Human-readable text output (rich): findings grouped by file, each with its source line,
its evidence and a fix, then a summary line that also counts files assay could not check."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from assay.model import Finding, Report, Severity, TrustTier
from assay.report.lines import checked_files, fix_hint, fix_mark

__all__ = ["render_text"]

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render_text(
    report: Report, *, color: bool = False, tiers: bool = False, quiet: bool = False
) -> str:
    """The report as text; `color` adds ANSI styles (for terminals), `tiers` adds the
    functions by trust tier with what to verify for each (JSON and HTML always have them),
    `quiet` keeps the findings and errors only (no warnings, notes or summary).

    Lines are never wrapped: a terminal wraps them at its own width, and a pipe or a file
    keeps each finding's header on one line for grep.
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        soft_wrap=True,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        _environ={},
    )
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_file[finding.path].append(finding)
    for path in sorted(by_file):
        console.print(Text(path, style="bold underline"))
        lines = report.sources.get(path, "").splitlines()
        for finding in by_file[path]:
            _print_finding(console, finding, lines)
        console.print()
    for warning in [] if quiet else report.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"))
    for note in [] if quiet else report.notes:
        console.print(Text(f"note: {note}", style="dim"))
    for error in report.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        console.print(Text(f"error: {where}: {error.message}", style="bold red"))
    for verdict in report.verdicts:
        mark = "accepted" if verdict.accepted else "rejected"
        chosen = " (selected)" if verdict.selected else ""
        console.print(
            f"{escape(verdict.candidate)}: {mark}{chosen}, score {verdict.score:.2f}"
            + (f" — {escape(verdict.summary)}" if verdict.summary else "")
        )
    if tiers:
        _print_tiers(console, report)
    if not quiet:
        console.print(_summary(report))
        hint = fix_hint(report)
        if hint:
            console.print(Text(hint, style="green"))
    return buffer.getvalue()


_TIER_ORDER = (
    TrustTier.SECURITY_SENSITIVE,
    TrustTier.PERFORMANCE_CRITICAL,
    TrustTier.LOGIC,
    TrustTier.BOILERPLATE,
)
_TIER_LIST_LIMIT = 8


def _print_tiers(console: Console, report: Report) -> None:
    """Functions by trust tier (boilerplate only counted) with what to verify per tier."""
    if not report.functions:
        return
    counts = Counter(f.tier for f in report.functions)
    console.print(
        Text(
            f"Review by trust tier ({len(report.functions)} functions: "
            + ", ".join(f"{counts.get(t, 0)} {t.value}" for t in _TIER_ORDER)
            + ")",
            style="bold",
        )
    )
    for tier in _TIER_ORDER[:-1]:
        members = [f for f in report.functions if f.tier is tier]
        if not members:
            continue
        console.print(Text(f"  {tier.value}:", style="bold"))
        for review in members[:_TIER_LIST_LIMIT]:
            why = "; ".join(review.reasons)
            console.print(Text(f"    {review.path}:{review.line} {review.function}() — {why}"))
        if len(members) > _TIER_LIST_LIMIT:
            console.print(Text(f"    … and {len(members) - _TIER_LIST_LIMIT} more", style="dim"))
        console.print(Text("    verify:", style="dim"))
        for item in members[0].checklist:
            console.print(Text(f"      - {item}", style="dim"))
    console.print()


def _print_finding(console: Console, finding: Finding, lines: list[str]) -> None:
    header = Text()
    header.append(f"  {finding.line}:{finding.col + 1} ", style="dim")
    header.append(f"{finding.rule} ", style=_STYLE[finding.severity])
    header.append(f"[{finding.severity.value}] ", style=_STYLE[finding.severity])
    header.append(fix_mark(finding), style="green")
    header.append(finding.message)
    console.print(header)
    if 1 <= finding.line <= len(lines):
        console.print(Text(f"    | {lines[finding.line - 1].rstrip()}", style="dim"))
    for key, value in finding.evidence.items():
        console.print(Text(f"    {key}: {_short(value)}", style="dim"))
    if finding.fix:
        console.print(Text(f"    fix: {finding.fix}", style="green"))


def _short(value: Any, limit: int = 160) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(report: Report) -> Text:
    counts = Counter(f.severity for f in report.findings)
    parts = [
        f"{counts.get(s, 0)} {s.value}" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    ]
    files, unchecked = checked_files(report)
    text = Text(
        f"{len(report.findings)} finding(s) ({', '.join(parts)}) in {files} file(s) checked",
        style="bold",
    )
    if unchecked:
        text.append(f"; {len(unchecked)} file(s) could not be checked", style="bold red")
    partial = {e.path for e in report.errors} - unchecked
    if partial:
        text.append(f"; {len(partial)} file(s) only partly checked", style="bold red")
    return text
