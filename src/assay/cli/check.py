"""`assay check`, `assay rules` and `assay explain`."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import typer

from assay.api import check as api_check
from assay.api import check_source as api_check_source
from assay.config import cache_dir as user_cache_dir
from assay.config import load_settings, read_environment
from assay.errors import InvalidArgument
from assay.model import Report, Severity

__all__ = ["register"]

FORMAT_CHOICES = (
    "text", "concise", "json", "sarif", "github", "gitlab", "junit", "markdown", "html",
)  # fmt: skip


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def check_command(
    paths: list[str] = typer.Argument(..., help="Files or directories to check; '-' reads stdin."),
    fmt: str = typer.Option(
        "text", "--output-format", "--format", "-f", help=", ".join(FORMAT_CHOICES) + "."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report here instead of stdout."
    ),
    select: list[str] | None = typer.Option(
        None, "--select", help="Rules to run (ids, prefixes, names, families; comma-separated)."
    ),
    ignore: list[str] | None = typer.Option(None, "--ignore", help="Rules not to run."),
    fail_on: str | None = typer.Option(
        None,
        "--fail-on",
        help="Exit 1 when a finding is at or above: error, warning (default) or info.",
    ),
    exit_zero: bool = typer.Option(
        False, "--exit-zero", help="Exit 0 even when there are findings or unchecked files."
    ),
    statistics: bool = typer.Option(
        False, "--statistics", help="Print the number of findings per rule instead of the report."
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Print findings and errors only: no summary, notes or hints."
    ),
    tiers: bool = typer.Option(
        False, "--tiers", help="Text: also list functions by trust tier with what to verify."
    ),
    baseline: Path | None = typer.Option(
        None, "--baseline", help="Report only findings not in this baseline file."
    ),
    write_baseline: Path | None = typer.Option(
        None,
        "--write-baseline",
        help="Write every finding's fingerprint to this file (for --baseline) and exit 0.",
    ),
    fix: bool = typer.Option(
        False, "--fix", help="Apply the safe mechanical fixes to the files, then report the rest."
    ),
    unsafe_fixes: bool = typer.Option(
        False,
        "--unsafe-fixes",
        help="With --fix or --diff: also apply fixes that may change behaviour in corner cases.",
    ),
    diff: bool = typer.Option(
        False,
        "--diff",
        help="Print the fixes as a unified diff instead of writing them; exit 1 if there are any.",
    ),
    stdin_filename: str | None = typer.Option(
        None, "--stdin-filename", help="The name to report (and configure) standard input as."
    ),
    offline: bool = typer.Option(
        False, "--offline", help="Never ask a package index; use offline knowledge only."
    ),
    exclude: list[str] | None = typer.Option(
        None, "--exclude", help="Gitignore-style patterns of paths to skip."
    ),
    python: str | None = typer.Option(None, "--python", help="Target Python version, e.g. 3.12."),
    no_dynamic: bool = typer.Option(
        False, "--no-dynamic", help="Static rules only; run nothing in the sandbox."
    ),
    base: str | None = typer.Option(
        None, "--base", help="Git revision to compare with (removed validation)."
    ),
    open_report: bool = typer.Option(
        False, "--open", help="With --format html: open the report in a browser."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="pyproject.toml to read [tool.assay] from."
    ),
    ledger: bool = typer.Option(
        False, "--ledger", help="Record this run in the ledger (or `ledger = true` in settings)."
    ),
    no_ledger: bool = typer.Option(
        False, "--no-ledger", help="Do not record this run, whatever the settings say."
    ),
    jobs: int = typer.Option(
        0,
        "--jobs",
        "-j",
        min=0,
        max=256,
        help="Processes for the static stage (0: one per CPU core).",
    ),
    no_cache: bool = typer.Option(
        False,
        "--no-cache",
        help="Check every file again instead of reusing cached results (or ASSAY_NO_CACHE=1).",
    ),
    allow_unsandboxed: bool = typer.Option(
        False,
        "--allow-unsandboxed",
        help="Where no isolation works, still run the dynamic probes, with resource limits "
        "only (every gap is listed in the report's warnings). Default: they do not run.",
    ),
) -> int:
    """Check Python files for hallucinated APIs, deprecated calls, security holes, silent failures, performance traps and wrong behaviour. Functions with examples or type hints are also run, in the sandbox (--no-dynamic: static rules only)."""
    if fmt not in FORMAT_CHOICES:
        raise InvalidArgument(
            f"--output-format/--format {fmt!r} is not one of {', '.join(FORMAT_CHOICES)}"
        )
    from_stdin = paths == ["-"]
    if stdin_filename is not None and not from_stdin:
        raise InvalidArgument("--stdin-filename names standard input; pass '-' as the only path")
    if stdin_filename is not None:
        start = Path(stdin_filename)
    else:
        start = Path(paths[0]) if paths and paths[0] != "-" else Path.cwd()
    settings = load_settings(start, pyproject=config)
    threshold = _severity(fail_on) if fail_on else settings.fail_on
    overrides: dict[str, object] = {
        "exclude": [*settings.exclude, *(_split(exclude) or [])],
        "base": base,
    }
    if offline:
        overrides["offline"] = True
    settings = settings.with_overrides(**overrides)
    started = time.perf_counter()
    if allow_unsandboxed or settings.allow_unsandboxed:
        from assay.sandbox import ALLOW_UNSANDBOXED_VARIABLE

        # The sandbox reads this opt-in in one place, for every stage that starts one.
        os.environ[ALLOW_UNSANDBOXED_VARIABLE] = "1"
    cache_dir = None
    if not (no_cache or read_environment().no_cache):
        cache_dir = user_cache_dir()
    fixed_source: str | None = None
    fixed = 0
    if (fix or diff) and "-" in paths and not from_stdin:
        raise InvalidArgument("--fix and --diff take standard input ('-') only as the one path")
    if fix or diff:
        from assay.cli._fix import fix_inputs, unified_diff, write_fixed

        result = fix_inputs(
            paths,
            settings=settings,
            select=_split(select),
            ignore=_split(ignore),
            python=python,
            unsafe=unsafe_fixes,
            stdin_name=stdin_filename or "-",
        )
        if diff:
            sys.stdout.write(unified_diff(result))
            if not quiet:
                typer.echo(
                    f"assay: would fix {result.fixed} finding(s) in {len(result.changed)} file(s)",
                    err=True,
                )
            return 1 if result.changed and not exit_zero else 0
        fixed = result.fixed
        for display in write_fixed(result):
            if result.inputs[display].path is not None:
                fixed -= result.fixed_in[display]
                typer.echo(f"assay: {display} changed while it was checked; not fixed", err=True)
        if from_stdin:
            fixed_source = next(iter(result.after.values()), "")
    if fixed_source is not None or stdin_filename is not None:
        report = api_check_source(
            fixed_source if fixed_source is not None else sys.stdin.read(),
            name=stdin_filename or "-",
            settings=settings,
            select=_split(select),
            ignore=_split(ignore),
            python=python,
            dynamic=False if no_dynamic else None,
        )
    else:
        report = api_check(
            paths,
            settings=settings,
            select=_split(select),
            ignore=_split(ignore),
            python=python,
            dynamic=False if no_dynamic else None,
            jobs=jobs or (os.cpu_count() or 1),
            cache_dir=cache_dir,
        )
    if not report.files and not report.errors and not quiet:
        # ruff's habit: a run that looked at nothing says so instead of passing silently.
        typer.echo(f"assay: warning: no Python files found under {' '.join(paths)}", err=True)
    if (ledger or settings.ledger) and not no_ledger:
        from assay.cli.ledger import record_cli_run

        record_cli_run(
            report, kind="check", no_ledger=False, duration_s=time.perf_counter() - started
        )
    if write_baseline is not None:
        from assay.cli._baseline import write_baseline_file

        count = write_baseline_file(write_baseline, report)
        if not quiet:
            typer.echo(f"assay: wrote {count} finding(s) to baseline {write_baseline}", err=True)
        return 0
    if baseline is not None:
        from assay.cli._baseline import without_baselined

        report, hidden = without_baselined(report, baseline)
        if hidden and not quiet:
            typer.echo(f"assay: {hidden} finding(s) in baseline {baseline} not shown", err=True)
    if (fix or diff) and not quiet:
        typer.echo(_fix_summary(fixed, report, unsafe_fixes), err=True)
    if fixed_source is not None:
        # ruff's habit: with --fix, standard input comes back fixed on standard output.
        sys.stdout.write(fixed_source)
        return 0 if exit_zero else exit_code(report, threshold)
    if statistics:
        from assay.report.lines import render_statistics

        rendered = render_statistics(report)
    else:
        from assay.report import render

        root = _repository_root(Path.cwd())
        rendered = render(
            report,
            fmt,
            color=output is None and _color(sys.stdout.isatty()),
            tiers=tiers,
            quiet=quiet,
            root=root.as_posix(),
            cwd=Path.cwd().as_posix(),
        )
    if output is None and open_report and fmt == "html":
        import tempfile

        with tempfile.NamedTemporaryFile(
            "w", suffix=".html", prefix="assay-", delete=False
        ) as page:
            output = Path(page.name)
        typer.echo(f"assay: report written to {output}", err=True)
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
        if open_report:
            import webbrowser

            webbrowser.open(output.resolve().as_uri())
    else:
        sys.stdout.write(rendered)
    return 0 if exit_zero else exit_code(report, threshold)


def _fix_summary(fixed: int, report: Report, unsafe_fixes: bool) -> str:
    """ruff's line after --fix: how many were fixed and how many remain, and how many more
    --unsafe-fixes would fix."""
    line = f"assay: {fixed} fixed, {len(report.findings)} remaining"
    hidden = sum(
        1
        for f in report.findings
        if f.autofix is not None and f.autofix.applicability == "unsafe" and not unsafe_fixes
    )
    if hidden:
        line += f" ({hidden} more fixable with --unsafe-fixes)"
    return line


def _color(isatty: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour text: NO_COLOR (non-empty, https://no-color.org) turns it off, else
    FORCE_COLOR (non-empty, not 0) turns it on, else only on a terminal; NO_COLOR winning
    over FORCE_COLOR is what ruff does."""
    env = read_environment(environ)
    if env.no_color:
        return False
    if env.force_color:
        return True
    return isatty


def _repository_root(cwd: Path) -> Path:
    """The nearest directory at or above `cwd` holding ``.git``: what SARIF's URIs are
    relative to (GitHub resolves them against the checkout); `cwd` outside a repository."""
    resolved = cwd.resolve()
    for directory in (resolved, *resolved.parents):
        if (directory / ".git").exists():
            return directory
    return resolved


def exit_code(report: Report, threshold: Severity) -> int:
    """1 when a finding is at or above `threshold`, or a file could not be (fully) checked:
    unparsable, unreadable, or a part of assay failed on it (listed under `errors`, the rest
    of the report intact); else 0. (2, assay itself failed, is the CLI's exit on an error
    that stopped the whole run.)"""
    if report.at_or_above(threshold) or report.errors:
        return 1
    return 0


def _severity(value: str) -> Severity:
    try:
        return Severity(value.lower())
    except ValueError:
        raise InvalidArgument(f"--fail-on {value!r} must be error, warning or info") from None


def rules_command(
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or markdown."),
) -> int:
    """List every rule: id, name, family, default severity and summary."""
    from assay.rules import all_rules

    rules = all_rules()
    if fmt == "json":
        import json

        payload = [
            {
                "id": r.id,
                "name": r.name,
                "family": r.family.value,
                "severity": r.severity.value,
                "kind": r.kind,
                "summary": r.docs.summary,
                "cwe": r.cwe,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(rules_markdown())
    elif fmt == "text":
        for r in rules:
            sys.stdout.write(
                f"{r.id}  {r.name:<32} {r.family.value:<15} {r.severity.value:<8} {r.docs.summary}\n"
            )
    else:
        raise InvalidArgument(f"--format {fmt!r} is not one of text, json, markdown")
    return 0


def rules_markdown() -> str:
    """All rules' documentation as one Markdown page (docs/rules.md is generated from it)."""
    from assay.rules import all_rules

    out = [
        "# assay rules",
        "",
        "Generated by `assay rules --format markdown`; do not edit by hand.",
        "",
    ]
    out += ["| Id | Name | Family | Severity | Summary |", "|---|---|---|---|---|"]
    rules = all_rules()
    out += [
        f"| [{r.id}](#{r.id.lower()}) | {r.name} | {r.family.value} | {r.severity.value} | {r.docs.summary} |"
        for r in rules
    ]
    out.append("")
    for r in rules:
        out += [
            f"## {r.id}",
            "",
            f"**{r.name}** · family `{r.family.value}` · default severity `{r.severity.value}`"
            + (f" · CWE-{r.cwe}" if r.cwe else ""),
            "",
        ]
        out.append(r.docs.markdown().replace("\n## ", "\n### "))
    return "\n".join(out)


def explain_command(rule_id: str = typer.Argument(..., help="A rule id (AS101) or name.")) -> int:
    """Print a rule's documentation: what it finds, why it matters, example, use instead."""
    from assay.rules import get_rule

    found = get_rule(rule_id)
    sys.stdout.write(
        f"{found.id} {found.name} (family: {found.family.value}, default severity: {found.severity.value}"
        + (f", CWE-{found.cwe}" if found.cwe else "")
        + ")\n\n"
        + found.docs.markdown()
    )
    return 0


def register(app: typer.Typer) -> None:
    """Add this module's commands to `app`."""
    app.command("check")(check_command)
    app.command("rules")(rules_command)
    app.command("explain")(explain_command)
