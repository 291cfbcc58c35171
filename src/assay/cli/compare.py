"""`assay compare TASK CANDIDATE...`: which implementations of a task are right, with proof."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from assay.api import compare as api_compare
from assay.errors import InvalidArgument

__all__ = ["register"]

FORMAT_CHOICES = ("text", "json", "sarif", "markdown", "html")


def compare_command(
    task: Path = typer.Argument(
        ..., help="The task: a prompt or stub file (signature + docstring with examples)."
    ),
    candidates: list[Path] = typer.Argument(..., help="Candidate implementations (Python files)."),
    entry_point: str | None = typer.Option(
        None, "--entry-point", "-e", help="The function to compare."
    ),
    tests: list[Path] | None = typer.Option(
        None,
        "--tests",
        help="Extra test files (asserts), e.g. model-written: down-weighted evidence.",
    ),
    extra_weight: float = typer.Option(
        0.2, "--extra-weight", help="Weight of one passed extra test."
    ),
    hide_examples: bool = typer.Option(
        False, "--hide-examples", help="Ignore the task's examples."
    ),
    budget: int = typer.Option(40, "--budget", help="Generated inputs beyond the examples."),
    timeout: float = typer.Option(2.0, "--timeout", help="Seconds per call in the sandbox."),
    seed: int = typer.Option(0, "--seed", help="Seed for input generation."),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json, sarif, markdown or html."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report here instead of stdout."
    ),
    no_ledger: bool = typer.Option(
        False, "--no-ledger", help="Do not record this run in the ledger (or ASSAY_NO_LEDGER=1)."
    ),
) -> int:
    """Run every candidate on the task's examples and generated inputs, cluster them by
    behaviour, select one, and show each rejected candidate's counterexample.

    Exit code: 0 when every candidate is accepted, 1 when one is rejected, 2 on misuse."""
    if fmt not in FORMAT_CHOICES:
        raise InvalidArgument(f"--format {fmt!r} is not one of {', '.join(FORMAT_CHOICES)}")
    for path in [task, *candidates, *(tests or [])]:
        if not path.is_file():
            raise InvalidArgument(
                f"{path} is not a file; compare takes a task file and candidate files"
            )
    from assay.model import Candidate, Task
    from assay.source.discover import read_text_file

    extra = [read_text_file(path) for path in tests or []]
    # each file is read once: the texts that were compared are the ones the ledger records
    task_text = read_text_file(task)
    implementations = [Candidate(code=read_text_file(path), name=str(path)) for path in candidates]
    started = time.perf_counter()
    report = api_compare(
        Task(prompt=task_text, entry_point=entry_point),
        implementations,
        entry_point=entry_point,
        extra_tests=extra,
        extra_weight=extra_weight,
        hide_examples=hide_examples,
        budget=budget,
        timeout=timeout,
        seed=seed,
    )
    from assay.cli.ledger import record_cli_run

    record_cli_run(
        report,
        kind="compare",
        no_ledger=no_ledger,
        task=task_text,
        candidates=implementations,
        duration_s=time.perf_counter() - started,
    )
    from assay.report import render

    rendered = render(report, fmt)
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    return 0 if all(v.accepted for v in report.verdicts) else 1


def register(app: typer.Typer) -> None:
    """Add `assay compare` to `app`."""
    app.command("compare")(compare_command)
