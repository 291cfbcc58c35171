"""`assay gen` (verified generation, and with ``--edit`` verified rewrites of an existing
function: `assay.cli._edit`) and `assay complete` (checked fill-in-the-middle).

Exit codes of `assay gen`: 0 the result is verified, 1 it is only plausible or rejected (the
best candidate is still shown, with what evidence is missing), 2 assay itself failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

from assay.errors import InvalidArgument
from assay.gen.loop import GenerationResult
from assay.model import Finding, Severity

__all__ = ["complete_command", "gen_command", "register", "render_generation"]

EXIT_VERIFIED = 0
EXIT_UNVERIFIED = 1


@contextmanager
def _progress(enabled: bool) -> Iterator[object]:
    """A rich status line on stderr that each stage message replaces."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:

        def quiet(stage: str, message: str) -> None:
            if enabled:
                console.print(f"[dim]{stage}:[/dim] {message}", highlight=False)

        yield quiet
        return
    with console.status("starting", spinner="dots") as status:

        def update(stage: str, message: str) -> None:
            status.update(f"[bold]{stage}[/bold] {message}")

        yield update


def gen_command(
    request: str = typer.Argument(
        ...,
        help="What to write (text), or a task file (.py stub, .json task, text); with --edit, "
        "the instruction.",
    ),
    entry_point: str | None = typer.Option(
        None, "--entry-point", "-e", help="The function to write."
    ),
    n: int = typer.Option(5, "-n", help="Candidates per backend."),
    backend: list[str] | None = typer.Option(
        None,
        "--backend",
        "-b",
        help="local (embedded CPU model), openai[:URL], anthropic[:MODEL] or replay:FILE; repeat to cross-validate models.",
    ),
    model: str | None = typer.Option(
        None, "--model", "-m", help="Model name or .gguf path for the backends."
    ),
    repair: int = typer.Option(1, "--repair", help="Repair rounds when nothing is verified."),
    criteria: list[str] | None = typer.Option(
        None, "--criteria", "-c", help="An acceptance criterion (repeatable)."
    ),
    tier: str | None = typer.Option(
        None,
        "--tier",
        help="Default criteria of: boilerplate, logic, security-sensitive, performance-critical.",
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write the selected code to this file (with --edit: the edited file, if accepted).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
    no_ledger: bool = typer.Option(
        False,
        "--no-ledger",
        help="Neither learn from past failures in the ledger nor record this run (or ASSAY_NO_LEDGER=1).",
    ),
    edit: str | None = typer.Option(
        None,
        "--edit",
        help="FILE:FUNCTION — rewrite this function of a file as REQUEST says; accepted only "
        "when its behaviour matches the original's (or the change is allowed).",
    ),
    allow_change: bool = typer.Option(
        False, "--allow-change", help="With --edit: the behaviour may change (shown, not rejected)."
    ),
    write: bool = typer.Option(
        False, "--write", help="With --edit: apply an accepted rewrite to FILE in place."
    ),
) -> int:
    """Generate a function with a model, verify every candidate (static rules, sandboxed
    runs, cross-check), repair with the evidence, and print the best one with its evidence.
    With --edit FILE:FUNCTION, rewrite that function instead: only a rewrite that behaves
    like the original on the same inputs is accepted, shown as a unified diff."""
    from assay.api import generate
    from assay.model import TrustTier

    if fmt not in ("text", "json"):
        raise InvalidArgument(f"--format {fmt!r} is not one of text, json")
    if n < 1:
        raise InvalidArgument(f"-n {n} must be at least 1")
    if edit is not None:
        from assay.cli._edit import run_edit

        with _progress(not quiet) as say:
            return run_edit(
                edit,
                request,
                backends=backend or ["local"],
                model=model,
                n=n,
                repair=repair,
                allow_change=allow_change,
                write=write,
                output=output,
                fmt=fmt,
                progress=say,  # type: ignore[arg-type]
            )
    if allow_change or write:
        raise InvalidArgument("--allow-change and --write go with --edit FILE:FUNCTION")
    chosen_tier = None
    if tier is not None:
        try:
            chosen_tier = TrustTier(tier)
        except ValueError:
            valid = ", ".join(t.value for t in TrustTier)
            raise InvalidArgument(f"--tier {tier!r} is not one of {valid}") from None
    from assay.cli.ledger import lessons_for_cli, record_cli_generation
    from assay.gen.loop import load_task

    # On the command line a request that names an existing file is that task file.
    named = Path(request) if "\n" not in request and len(request) < 4096 else None
    task = load_task(
        named if named is not None and named.is_file() else request, entry_point=entry_point
    )
    # Failures recorded for similar past tasks become explicit acceptance criteria.
    lessons = lessons_for_cli(task.prompt, no_ledger=no_ledger)
    with _progress(not quiet) as say:
        result = generate(
            task,
            backends=backend or ["local"],
            model=model,
            n=n,
            repair=repair,
            criteria=[*(criteria or []), *lessons],
            entry_point=entry_point,
            tier=chosen_tier,
            progress=say,  # type: ignore[arg-type]
        )
    record_cli_generation(result, no_ledger=no_ledger)
    if output is not None and result.code is not None:
        output.write_text(result.code, encoding="utf-8")
    if fmt == "json":
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_generation(result))
    return EXIT_VERIFIED if result.verified else EXIT_UNVERIFIED


def render_generation(result: GenerationResult) -> str:
    """The text report of a generation run: verdict, code, candidates, evidence, cost."""
    lines: list[str] = []
    judged = result.verdict
    head = judged.level.value.upper()
    lines.append(f"{head}: {result.selected or 'no candidate'} for `{result.task.entry_point}`")
    lines += [f"  why: {r}" for r in judged.reasons]
    lines += [f"  missing: {m}" for m in judged.missing]
    lines += [f"  you can add: {a}" for a in judged.advice]
    if result.code is not None:
        lines += ["", result.code.rstrip(), ""]
    lines.append("candidates:")
    for item in result.candidates:
        verdict = item.verdict
        mark = "*" if item.candidate.name == result.selected else " "
        if verdict is None:
            state = "not run"
        else:
            state = (
                f"{'passes' if item.verified else 'accepted' if verdict.accepted else 'rejected'}"
                f", examples {verdict.examples_passed}/{verdict.examples_total}"
                f", cluster {verdict.cluster}, score {verdict.score:.3f}"
            )
        errors = sum(1 for f in item.static_findings if f.severity is Severity.ERROR)
        static = (
            f", {len(item.static_findings)} static findings ({errors} errors)"
            if item.static_findings
            else ""
        )
        lines.append(
            f" {mark} {item.candidate.name:<12} {item.candidate.prompt_variant or '':<12} {state}{static}"
        )
    if result.evidence:
        lines += ["", "evidence against the selected candidate:"]
        lines += [f"  {_finding_line(f)}" for f in result.evidence]
    if result.criteria:
        lines += ["", "acceptance criteria:"] + [f"  - {c}" for c in result.criteria]
    if result.model_tests:
        lines.append(f"model-written tests (down-weighted evidence): {len(result.model_tests)}")
    lines += [f"warning: {w}" for w in result.warnings]
    usage = result.usage
    lines.append(
        f"\ncost: {usage.get('prompt_tokens', 0)} prompt + {usage.get('completion_tokens', 0)} completion tokens, "
        f"model {result.model_seconds:.1f} s, total {result.seconds:.1f} s, repair rounds {result.rounds}"
    )
    return "\n".join(lines) + "\n"


def _finding_line(finding: Finding) -> str:
    text = f"{finding.rule} {finding.severity.value}: {finding.message}"
    data = finding.evidence
    shown = {k: data[k] for k in ("input", "expected", "got") if k in data}
    if shown:
        text += " " + json.dumps(shown, ensure_ascii=False, default=str)
    return text


def complete_command(
    target: str | None = typer.Argument(
        None, help="FILE:LINE — complete at the start of LINE (1-based)."
    ),
    prefix: str | None = typer.Option(
        None, "--prefix", help="Code before the gap (instead of FILE:LINE)."
    ),
    suffix: str = typer.Option("", "--suffix", help="Code after the gap (with --prefix)."),
    backend: str = typer.Option(
        "local", "--backend", "-b", help="local, openai[:URL], anthropic or replay:FILE."
    ),
    model: str | None = typer.Option(None, "--model", "-m", help="Model name or .gguf path."),
    max_tokens: int = typer.Option(160, "--max-tokens", help="Most tokens to generate."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the completed file here."
    ),
    no_dynamic: bool = typer.Option(
        False, "--no-dynamic", help="Static rules only (no sandboxed probes)."
    ),
) -> int:
    """Fill in code at a point in a file (FIM), then check the completed file: static rules
    and sandboxed probes; findings in the completed function are shown with the code."""
    from assay.gen.complete import complete_at

    if fmt not in ("text", "json"):
        raise InvalidArgument(f"--format {fmt!r} is not one of text, json")
    path: Path | None = None
    if prefix is None:
        if target is None:
            raise InvalidArgument("pass FILE:LINE, or --prefix (and --suffix)")
        path, before, after = _split_file(target)
    else:
        before, after = prefix, suffix
    result = complete_at(
        before,
        after,
        backend=backend,
        model=model,
        max_tokens=max_tokens,
        path=str(path) if path else "<completion>",
        dynamic=not no_dynamic,
    )
    if output is not None:
        output.write_text(result.source, encoding="utf-8")
    if fmt == "json":
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        parse_failed = any(e.kind == "parse" for e in result.errors)
        # Without a parse tree the enclosing function is unknown, not "module level".
        where = result.function or ("enclosing code unknown" if parse_failed else "module level")
        lines = [f"completed {result.path} at line {result.line} ({where}):", ""]
        lines += [f"+ {line}" for line in result.inserted.splitlines()] or ["+ (nothing)"]
        lines.append("")
        if result.truncated:
            lines.append(
                f"warning: the completion stopped at the --max-tokens limit ({max_tokens}) "
                "and is cut off; raise --max-tokens"
            )
        for error in result.errors:
            at = f":{error.line}" if error.line else ""
            lines.append(f"error: {error.path}{at}: {error.message}")
        if result.findings:
            lines.append(f"{len(result.findings)} findings in the completed code:")
            lines += [
                f"  {result.path}:{f.line}:{f.col + 1} {_finding_line(f)}" for f in result.findings
            ]
        elif result.clean:
            lines.append("no findings in the completed code")
        else:
            lines.append("the completed code could not be checked fully; see above")
        lines.append(
            f"cost: {result.usage.get('prompt_tokens', 0)} prompt + "
            f"{result.usage.get('completion_tokens', 0)} completion tokens"
        )
        sys.stdout.write("\n".join(lines) + "\n")
    if result.errors or result.truncated:
        return 1
    return 1 if any(f.severity.rank >= Severity.WARNING.rank for f in result.findings) else 0


def _split_file(target: str) -> tuple[Path, str, str]:
    name, sep, line_text = target.rpartition(":")
    if not sep or not line_text.isdigit():
        raise InvalidArgument(f"{target!r} must be FILE:LINE, e.g. src/app.py:42")
    from assay.source.discover import read_text_file

    path = Path(name)
    text = read_text_file(path)
    lines = text.splitlines(keepends=True)
    line = int(line_text)
    if not 1 <= line <= len(lines) + 1:
        raise InvalidArgument(f"line {line} is outside {path} (1..{len(lines) + 1})")
    return path, "".join(lines[: line - 1]), "".join(lines[line - 1 :])


def register(app: typer.Typer) -> None:
    """Add `gen` and `complete` to `app`."""
    app.command("gen")(gen_command)
    app.command("complete")(complete_command)
