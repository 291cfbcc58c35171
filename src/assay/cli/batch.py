"""`assay batch IN.jsonl --out OUT.jsonl`: verify many items, one verdict line each, on this
machine or on a Ray cluster."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from assay.batch import MODES, batch
from assay.errors import InvalidArgument

__all__ = ["register"]


def batch_command(
    source: Path = typer.Argument(..., help="JSONL input: one object with a unique id a line."),
    out: Path = typer.Option(..., "--out", "-o", help="JSONL output: one line per input id."),
    mode: str = typer.Option(
        "score",
        "--mode",
        "-m",
        help="score {id, program, tests|task_id}, check {id, path|source} or compare "
        "{id, task, candidates}.",
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", help="Items at once (sandbox workers or Ray actors); default: CPUs."
    ),
    ray: str | None = typer.Option(
        None, "--ray", help="Run on Ray: 'auto' starts a local runtime, or a cluster address."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Keep the lines OUT holds and run only the other ids."
    ),
    timeout: float | None = typer.Option(
        None, "--timeout", help="Seconds per scored program (default 3) or compare call (2)."
    ),
    preamble: str = typer.Option(
        "", "--preamble", help="Score: code run before each program, e.g. 'from typing import *'."
    ),
    offline: bool = typer.Option(False, "--offline", help="Check: never ask a package index."),
    dynamic: bool | None = typer.Option(
        None, "--dynamic/--no-dynamic", help="Check: run sandboxed probes (default: settings)."
    ),
    budget: int = typer.Option(40, "--budget", help="Compare: generated inputs per task."),
    seed: int = typer.Option(0, "--seed", help="Compare: seed of input generation."),
    progress: bool | None = typer.Option(
        None, "--progress/--no-progress", help="Progress bar on stderr (default: on a terminal)."
    ),
) -> int:
    """Verify every item of IN and append one JSON line per id to OUT as results arrive;
    print a summary (JSON) on stdout. Results do not depend on the executor or -j.

    Exit code: 0 when the batch completed, 2 when it could not run."""
    if mode not in MODES:
        raise InvalidArgument(f"--mode {mode!r} is not one of {', '.join(MODES)}")
    summary = batch(
        source,
        out,
        mode=mode,
        jobs=jobs,
        ray=ray,
        resume=resume,
        timeout=timeout,
        preamble=preamble,
        offline=offline or None,
        dynamic=dynamic,
        budget=budget,
        seed=seed,
        progress=sys.stderr.isatty() if progress is None else progress,
    )
    sys.stdout.write(json.dumps(summary.to_json()) + "\n")
    return 0


def register(app: typer.Typer) -> None:
    """Add `assay batch` to `app`."""
    app.command("batch")(batch_command)
