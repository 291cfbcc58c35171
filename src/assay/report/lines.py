"""One line per finding, for editors, grep and CI logs: the ``concise`` format
(``path:line:col: CODE message``, as ruff and flake8 print) and the ``github`` format
(GitHub Actions workflow commands, which annotate the pull request's diff)."""

from __future__ import annotations

from collections import Counter

from assay.model import Finding, Report, Severity

__all__ = [
    "checked_files",
    "fix_hint",
    "fix_mark",
    "render_concise",
    "render_github",
    "render_statistics",
]

_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def checked_files(report: Report) -> tuple[int, set[str]]:
    """How many files were checked, and the files that could not be: a file that could not
    be read or parsed was looked at, not checked (one failed rule leaves it checked)."""
    unchecked = {e.path for e in report.errors if e.kind in ("read", "parse")}
    return len([path for path in report.files if path not in unchecked]), unchecked


def fix_mark(finding: Finding) -> str:
    """ruff's ``[*] `` before the message of a finding `--fix` fixes ("" otherwise)."""
    fix = finding.autofix
    return "[*] " if fix is not None and fix.applicability == "safe" else ""


def fix_hint(report: Report) -> str | None:
    """How many findings `--fix` (and `--unsafe-fixes`) would fix, for the summary; None
    when none would."""
    safe = sum(1 for f in report.findings if fix_mark(f))
    unsafe = sum(1 for f in report.findings if f.autofix is not None and not fix_mark(f))
    if not safe and not unsafe:
        return None
    hint = f"[*] {safe} fixable with --fix"
    return hint + (f" ({unsafe} more with --unsafe-fixes)" if unsafe else "")


def render_concise(report: Report, *, quiet: bool = False) -> str:
    """``path:line:col: CODE message`` per finding (1-based columns), then files that could
    not be checked as ``path:line:col: error: message``, then a count unless `quiet`."""
    out = [
        f"{f.path}:{max(f.line, 1)}:{f.col + 1}: {f.rule} {fix_mark(f)}{_one_line(f.message)}"
        for f in report.findings
    ]
    out += [
        f"{e.path}:{e.line or 1}:{(e.col or 0) + 1}: error: {_one_line(e.message)}"
        for e in report.errors
    ]
    if not quiet:
        out += [f"warning: {w}" for w in report.warnings]
        checked, unchecked = checked_files(report)
        tail = f"; {len(unchecked)} could not be checked" if unchecked else ""
        out.append(f"Found {len(report.findings)} finding(s) in {checked} file(s) checked{tail}.")
        hint = fix_hint(report)
        if hint:
            out.append(hint)
    return "".join(line + "\n" for line in out)


def render_github(report: Report) -> str:
    """One GitHub Actions workflow command (``::error file=...::message``) per finding and
    per file that could not be checked; the runner turns them into annotations."""
    out = []
    for f in report.findings:
        where = f"file={_prop(f.path)},line={max(f.line, 1)},col={f.col + 1}"
        if f.end_line is not None:
            where += f",endLine={f.end_line}"
            if f.end_col is not None:
                where += f",endColumn={f.end_col + 1}"
        title = _prop(f"assay ({f.rule})")
        out.append(
            f"::{_GITHUB_LEVEL[f.severity]} {where},title={title}::{_data(f.rule + ' ' + f.message)}"
        )
    for e in report.errors:
        out.append(
            f"::error file={_prop(e.path)},line={e.line or 1},title=assay::{_data(e.message)}"
        )
    return "".join(line + "\n" for line in out)


def render_statistics(report: Report) -> str:
    """Findings counted per rule, most frequent first (ruff's ``--statistics``)."""
    counts = Counter(f.rule for f in report.findings)
    names = _rule_names()
    return "".join(
        f"{count:>5}\t{rule}\t{names.get(rule, '')}\n"
        for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def _rule_names() -> dict[str, str]:
    from assay.rules._registry import all_rules

    return {r.id: r.name for r in all_rules()}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _data(text: str) -> str:
    """A workflow command's message, escaped as the Actions runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    """A workflow command's property value: also `:` and `,` are escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
