"""`assay ledger list|show|stats|mark|export`: what assay judged, and what happened later."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from assay.errors import InvalidArgument, LedgerError
from assay.ledger import (
    RunRecord,
    criteria_for,
    format_duration,
    ledger_disabled,
    open_ledger,
    parse_duration,
    record_generation,
    record_report,
)
from assay.model import Candidate, Report

if TYPE_CHECKING:
    from assay.gen.loop import GenerationResult

__all__ = ["lessons_for_cli", "record_cli_generation", "record_cli_run", "register"]

ledger_app = typer.Typer(
    name="ledger",
    help="The outcomes ledger: list, show, mark and count past check/compare/gen runs.",
    no_args_is_help=True,
)

_LEDGER_HELP = "Ledger URL or SQLite path (default: $ASSAY_LEDGER_URL, else the user data dir)."


def record_cli_run(
    report: Report,
    *,
    kind: str,
    no_ledger: bool,
    ledger_url: str | None = None,
    task: str | None = None,
    backend: str | None = None,
    model: str | None = None,
    candidates: Sequence[Candidate] = (),
    duration_s: float | None = None,
) -> int | None:
    """Record a CLI run unless ``--no-ledger`` or ``ASSAY_NO_LEDGER`` says not to.

    A ledger that cannot be written does not fail the command (its report is still right),
    but it is never silent: a warning naming the ledger and the remedy goes to stderr.
    """
    if no_ledger or ledger_disabled():
        return None
    try:
        run_id = record_report(
            report,
            kind=kind,
            task=task,
            backend=backend,
            model=model,
            candidates=candidates,
            duration_s=duration_s,
            url=ledger_url,
        )
    except LedgerError as error:
        typer.echo(
            f"assay: warning: this run was not recorded in the ledger: {error} "
            "(use --no-ledger or ASSAY_NO_LEDGER=1 to stop recording)",
            err=True,
        )
        return None
    _recorded_note(run_id)
    return run_id


def _recorded_note(run_id: int) -> None:
    """Say that a run was stored (it holds the checked source), and how to stop it."""
    typer.echo(
        f"assay: note: recorded as ledger run {run_id} (`assay ledger show {run_id}`); "
        "--no-ledger or ASSAY_NO_LEDGER=1 turns recording off",
        err=True,
    )


def lessons_for_cli(prompt: str, *, no_ledger: bool) -> list[str]:
    """Acceptance criteria learnt from failures on similar past tasks (see
    `assay.ledger.criteria_for`), or none with ``--no-ledger`` / ``ASSAY_NO_LEDGER``.

    An unreadable ledger means no lessons and a warning on stderr, never a failed command.
    """
    if no_ledger or ledger_disabled():
        return []
    try:
        return criteria_for(prompt)
    except LedgerError as error:
        typer.echo(f"assay: warning: no lessons from the ledger: {error}", err=True)
        return []


def record_cli_generation(result: GenerationResult, *, no_ledger: bool) -> int | None:
    """Record an `assay gen` result unless recording is off (a failure only warns)."""
    if no_ledger or ledger_disabled():
        return None
    try:
        run_id = record_generation(result)
    except LedgerError as error:
        typer.echo(f"assay: warning: this run was not recorded in the ledger: {error}", err=True)
        return None
    _recorded_note(run_id)
    return run_id


@ledger_app.command("list")
def list_command(
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="Show at most this many runs."),
    kind: str | None = typer.Option(None, "--kind", help="Only check, compare or gen runs."),
    failed: bool = typer.Option(False, "--failed", help="Only runs marked as failed."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    ledger: str | None = typer.Option(None, "--ledger", help=_LEDGER_HELP),
) -> int:
    """List recent runs, newest first."""
    _check_format(fmt, ("text", "json"))
    with open_ledger(ledger) as opened:
        runs = opened.runs(limit=limit, kind=kind, failed_only=failed)
    if fmt == "json":
        _write_json([run.model_dump(mode="json") for run in runs])
        return 0
    if not runs:
        typer.echo(f"no runs recorded yet in {opened.url}")
        return 0
    typer.echo(
        f"{'ID':>5}  {'WHEN (UTC)':<16}  {'KIND':<7}  {'VERDICT':<8}  {'FIND':>4}  MODEL / TASK"
    )
    for run in runs:
        when = run.created_at.strftime("%Y-%m-%d %H:%M")
        who = f"{run.model} · " if run.model else ""
        typer.echo(
            f"{run.id:>5}  {when:<16}  {run.kind:<7}  {run.verdict:<8}  {run.finding_count:>4}  "
            f"{who}{_clip(run.task, 60, keep_end=run.kind == 'check')}"
        )
    return 0


@ledger_app.command("show")
def show_command(
    run_id: int = typer.Argument(..., help="The run id (from `assay ledger list`)."),
    code: bool = typer.Option(False, "--code", help="Also print each candidate's code."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    ledger: str | None = typer.Option(None, "--ledger", help=_LEDGER_HELP),
) -> int:
    """Show one run: task, candidates, findings and marked outcomes."""
    _check_format(fmt, ("text", "json"))
    with open_ledger(ledger) as opened:
        run = opened.get(run_id)
    if fmt == "json":
        _write_json(run.model_dump(mode="json"))
        return 0
    sys.stdout.write(_describe(run, code=code))
    return 0


@ledger_app.command("mark")
def mark_command(
    run_id: int = typer.Argument(..., help="The run id (from `assay ledger list`)."),
    failed: str | None = typer.Option(None, "--failed", help="What went wrong, in a sentence."),
    ok: str | None = typer.Option(None, "--ok", help="Mark it as having held up (a note)."),
    detected_after: str | None = typer.Option(
        None,
        "--detected-after",
        help="How long until it was noticed: 3d, 12h, 1d12h… (default: since the run).",
    ),
    fix: Path | None = typer.Option(
        None, "--fix", exists=True, dir_okay=False, help="The file with the fixed code."
    ),
    family: str | None = typer.Option(
        None,
        "--family",
        help="Failure family (hallucination, security, …); default: from the run's findings.",
    ),
    ledger: str | None = typer.Option(None, "--ledger", help=_LEDGER_HELP),
) -> int:
    """Record what happened to a run's code later, e.g. a bug found in production."""
    if (failed is None) == (ok is None):
        raise InvalidArgument("give exactly one of --failed 'what happened' or --ok 'note'")
    description = failed if failed is not None else ok
    if description is None:
        raise InvalidArgument("give exactly one of --failed 'what happened' or --ok 'note'")
    delay = parse_duration(detected_after) if detected_after is not None else None
    fix_code = fix.read_text(encoding="utf-8") if fix is not None else None
    with open_ledger(ledger) as opened:
        outcome = opened.mark(
            run_id,
            description=description,
            failed=failed is not None,
            family=family,
            detected_after_s=delay,
            fix_path=str(fix) if fix is not None else None,
            fix_code=fix_code,
        )
    after = format_duration(outcome.detected_after_s or 0.0)
    state = "failed" if outcome.failed else "ok"
    typer.echo(f"marked run {run_id} as {state} (detected after {after}); outcome id {outcome.id}")
    return 0


@ledger_app.command("stats")
def stats_command(
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    ledger: str | None = typer.Option(None, "--ledger", help=_LEDGER_HELP),
) -> int:
    """Counts by failure family, rule, model, task kind, and detection delay."""
    _check_format(fmt, ("text", "json"))
    with open_ledger(ledger) as opened:
        stats = opened.stats()
    if fmt == "json":
        _write_json(stats)
        return 0
    out = [f"runs: {stats['runs']['total']}"]
    out += _table("runs by kind", stats["runs"]["by_kind"])
    out += _table("runs by verdict", stats["runs"]["by_verdict"])
    out += _table("runs by model", stats["runs"]["by_model"])
    out += _table("findings by family", stats["findings"]["by_family"])
    out += _table("findings by rule", stats["findings"]["by_rule"])
    failures = stats["failures"]
    out.append(f"marked failures: {failures['total']}")
    for key in ("by_family", "by_rule", "by_model", "by_task_kind"):
        out += _table(f"failures {key.replace('_', ' ')}", failures[key])
    delay = failures["detection_delay"]
    if delay["count"]:
        out.append(
            f"detection delay: median {delay['median']}, mean {format_duration(delay['mean_s'])}, "
            f"max {format_duration(delay['max_s'])}"
        )
        out += _table("detection delay", delay["buckets"])
    typer.echo("\n".join(out))
    return 0


@ledger_app.command("export")
def export_command(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here instead of stdout."
    ),
    ledger: str | None = typer.Option(None, "--ledger", help=_LEDGER_HELP),
) -> int:
    """Every run with its code, findings and outcomes, as JSON Lines (oldest first)."""
    with open_ledger(ledger) as opened:
        lines = (
            json.dumps(run.model_dump(mode="json"), ensure_ascii=False) + "\n"
            for run in opened.export()
        )
        if output is None:
            sys.stdout.writelines(lines)
        else:
            with output.open("w", encoding="utf-8") as handle:
                handle.writelines(lines)
    return 0


def _describe(run: RunRecord, *, code: bool) -> str:
    out = [
        f"run {run.id} · {run.kind} · {run.verdict} · {run.created_at:%Y-%m-%d %H:%M:%S} UTC",
        f"task ({run.task_kind}): {run.task}",
    ]
    if run.backend or run.model:
        out.append(f"backend: {run.backend or '-'} · model: {run.model or '-'}")
    if run.duration_s is not None:
        out.append(f"duration: {run.duration_s:.2f}s")
    out.append(f"candidates ({len(run.candidates)}):")
    for c in run.candidates:
        accepted = {True: "accepted", False: "rejected", None: "-"}[c.accepted]
        chosen = " · selected" if c.selected else ""
        out.append(f"  {c.name}  sha256:{c.digest[:12]}  {accepted}{chosen}")
        if code:
            out += [f"    {line}" for line in c.code.splitlines()]
    out.append(f"findings ({len(run.findings)}):")
    out += [f"  {f.path}:{f.line} {f.rule} [{f.severity}] {f.message}" for f in run.findings]
    out.append(f"outcomes ({len(run.outcomes)}):")
    for o in run.outcomes:
        after = format_duration(o.detected_after_s) if o.detected_after_s is not None else "?"
        fix = f" · fix: {o.fix_path}" if o.fix_path else ""
        out.append(f"  {'FAILED' if o.failed else 'ok'} after {after}: {o.description}{fix}")
    return "\n".join(out) + "\n"


def _table(title: str, counts: Mapping[str, Any]) -> list[str]:
    if not counts:
        return []
    return [f"{title}:"] + [f"  {count:>6}  {key}" for key, count in counts.items()]


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise InvalidArgument(f"--format {fmt!r} is not one of {', '.join(allowed)}")


def _write_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _clip(text: str, size: int, *, keep_end: bool = False) -> str:
    flat = " ".join(text.split())
    if len(flat) <= size:
        return flat
    # Checked paths are told apart by their ends; prompts by their beginnings.
    return "…" + flat[1 - size :] if keep_end else flat[: size - 1] + "…"


def register(app: typer.Typer) -> None:
    """Add `assay ledger …` to `app`."""
    app.add_typer(ledger_app, name="ledger")
