"""`assay bench mbpp` and the selection/detection mode of `assay bench humaneval`.

Both print exactly: ``tasks``, ``samples``, ``pass_at_1``, ``pass_at_k``, ``oracle``,
``selected_pass_at_1``, ``detection`` {``recall``, ``false_positive_rate``, ``precision``,
``recall_passing_examples``} and ``wall_s``, plus ``benchmark``, ``hide_examples``,
``labels``, ``example_filter_pass_at_1`` (the docstring-example filter, the baseline to
beat) and ``counts``. See `assay.benchmarks.selection` for the definitions.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import typer

from assay.benchmarks.humaneval import Problem
from assay.benchmarks.scoring import Sample, read_samples, reference_failures
from assay.errors import BenchmarkError, InvalidArgument
from assay.sandbox import Limits

__all__ = ["mbpp_command", "parse_ks", "selection_bench"]


def selection_bench(
    benchmark: str,
    problems: Mapping[str, Problem],
    rows: Sequence[Sample],
    *,
    labels: Path | None,
    ks: Sequence[int],
    workers: int,
    timeout: float,
    preamble: str,
    hide_examples: bool,
    details: Path | None,
    limit_tasks: int | None,
    progress: bool,
    fmt: str,
) -> int:
    """Score and judge `rows`, print the summary in `fmt` (json or text); returns 0."""
    from assay.benchmarks.selection import first_tasks, read_labels, run_bench

    summary = run_bench(
        benchmark,
        problems,
        first_tasks(rows, limit_tasks),
        labels=read_labels(labels) if labels is not None else None,
        ks=ks,
        workers=workers,
        timeout_s=timeout,
        preamble=preamble,
        hide_examples=hide_examples,
        details=details,
        progress=progress,
    )
    sys.stdout.write(_render(summary, fmt))
    return 0


def _render(summary: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(summary, indent=2) + "\n"

    def number(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.4f}"

    detection = summary["detection"]
    regime = "examples hidden" if summary["hide_examples"] else "examples visible"
    lines = [
        f"{summary['benchmark']} ({regime}, truth from {summary['labels']}): "
        f"{summary['samples']} samples over {summary['tasks']} tasks in {summary['wall_s']} s",
        *(f"  pass@{key}: {value:.4f}" for key, value in summary["pass_at_k"].items()),
        f"  oracle (a correct sample exists): {summary['oracle']:.4f}",
        f"  example filter pass@1 (baseline): {summary['example_filter_pass_at_1']:.4f}",
        f"  selected pass@1: {summary['selected_pass_at_1']:.4f}",
        f"  detection recall: {number(detection['recall'])}",
        f"  detection false-positive rate: {number(detection['false_positive_rate'])}",
        f"  detection precision: {number(detection['precision'])}",
        f"  recall on wrong samples passing the examples: {number(detection['recall_passing_examples'])}",
    ]
    return "\n".join(lines) + "\n"


def parse_ks(value: str) -> list[int]:
    """The ``--k`` option: distinct positive integers, ascending.

    Raises:
        InvalidArgument: `value` is not a comma-separated list of positive integers.
    """
    try:
        ks = sorted({int(part) for part in value.split(",") if part.strip()})
    except ValueError:
        raise InvalidArgument(
            f"--k {value!r} must be comma-separated integers, e.g. 1,10,100"
        ) from None
    if not ks or ks[0] < 1:
        raise InvalidArgument(f"--k {value!r} must list positive integers")
    return ks


def mbpp_command(
    samples: Path | None = typer.Option(
        None, "--samples", help="JSONL(.gz) of {task_id: 'Mbpp/<n>', completion|solution}."
    ),
    problems_path: Path | None = typer.Option(
        None,
        "--problems",
        help="mbpp.jsonl(.gz) or its directory (default: ../shared/data/mbpp_problems).",
    ),
    workers: int = typer.Option(2, "--workers", "-j", help="Sandbox workers."),
    timeout: float = typer.Option(3.0, "--timeout", help="Seconds per sample's test run."),
    k: str = typer.Option(
        "1,10,100", "--k", help="pass@k values to report (when every task has >= k samples)."
    ),
    preamble: str = typer.Option(
        "from typing import *", "--preamble", help="Code run before each program."
    ),
    details: Path | None = typer.Option(None, "--details", help="Write one JSONL line per sample."),
    hide_examples: bool = typer.Option(
        False, "--hide-examples", help="Strip the visible test from the prompt."
    ),
    limit_tasks: int | None = typer.Option(
        None, "--limit-tasks", help="Only the first N tasks of the samples file."
    ),
    labels: Path | None = typer.Option(
        None, "--labels", help="Ground truth JSONL instead of running the tests."
    ),
    plus: bool = typer.Option(
        False,
        "--plus",
        help="Score with MBPP+ (EvalPlus's base and plus inputs against the canonical "
        "solution) instead of MBPP's asserts; only the tasks MBPP+ covers. Use a larger "
        "--timeout (e.g. 20): each sample runs on about 100 inputs.",
    ),
    progress: bool = typer.Option(False, "--progress", help="One line per task on stderr."),
    fmt: str = typer.Option("text", "--format", "-f", help="json or text."),
    backend: str | None = typer.Option(
        None, "--backend", help="Generate with this model (local, ...): raw vs assay pass@1."
    ),
    model: str | None = typer.Option(None, "--model", help="Model name or .gguf path."),
    n: int = typer.Option(3, "-n", help="With --backend: candidates per task."),
    repair: int = typer.Option(1, "--repair", help="With --backend: repair rounds per task."),
    save_samples: Path | None = typer.Option(
        None, "--save-samples", help="With --backend: record samples here (a re-run replays them)."
    ),
) -> int:
    """MBPP: score samples against all of a task's tests (hidden), and let assay select and
    flag them seeing only the task text and its first test (EvalPlus's prompt). With
    --backend, generate first and compare the bare model's greedy pass@1 with assay's."""
    from assay.benchmarks.mbpp import load_mbpp

    if fmt not in ("json", "text"):
        raise InvalidArgument(f"--format {fmt!r} is not one of json, text")
    ks = parse_ks(k)
    problems = load_mbpp(problems_path, plus=plus)
    if backend is not None:
        from assay.cli._bench_generation import generation_bench

        return generation_bench(
            "mbpp",
            problems,
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
    if samples is None:
        raise InvalidArgument(
            "pass --samples FILE to score samples, or --backend local to generate"
        )
    if plus:
        # Completions are read against every task; MBPP+ scores the tasks it covers.
        every = read_samples(samples, load_mbpp(problems_path))
        rows = [row for row in every if row.task_id in problems]
        if len(rows) < len(every):
            left_out = len({row.task_id for row in every} - set(problems))
            typer.echo(f"--plus: {left_out} tasks MBPP+ does not cover were left out", err=True)
    else:
        rows = read_samples(samples, problems)
    from assay.benchmarks.selection import first_tasks

    rows = first_tasks(rows, limit_tasks)
    if labels is None:
        rows = _scorable(rows, problems, workers=workers, timeout=timeout, preamble=preamble)
    return selection_bench(
        "mbpp+" if plus else "mbpp",
        problems,
        rows,
        labels=labels,
        ks=ks,
        workers=workers,
        timeout=timeout,
        preamble=preamble,
        hide_examples=hide_examples,
        details=details,
        limit_tasks=None,
        progress=progress,
        fmt=fmt,
    )


def _scorable(
    rows: Sequence[Sample],
    problems: Mapping[str, Problem],
    *,
    workers: int,
    timeout: float,
    preamble: str,
) -> list[Sample]:
    """`rows` without the tasks whose canonical solution fails their own test, which are
    named on stderr (such a test fails right programs too)."""
    broken = reference_failures(
        problems,
        (row.task_id for row in rows),
        workers=workers,
        limits=Limits(timeout_s=timeout),
        preamble=preamble,
    )
    if not broken:
        return list(rows)
    named = ", ".join(f"{task} ({score.reason})" for task, score in sorted(broken.items()))
    typer.echo(
        f"{len(broken)} tasks whose canonical solution fails its own test were left out: {named}",
        err=True,
    )
    kept = [row for row in rows if row.task_id not in broken]
    if not kept:
        raise BenchmarkError(
            "no task is left to score: every canonical solution fails its own test; "
            "check the problems file, or raise --timeout"
        )
    return kept
