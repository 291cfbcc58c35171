"""The generation mode of ``assay bench``: raw model vs. assay-verified generation."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assay.benchmarks.generation import (
    TaskOutcome,
    bench_plan,
    benchmark_tasks,
    generate_tasks,
    score_generation,
)
from assay.benchmarks.humaneval import Problem
from assay.errors import InvalidArgument

__all__ = ["generation_bench", "render_summary"]


def generation_bench(
    benchmark: str,
    problems: Mapping[str, Problem],
    *,
    backend: str,
    model: str | None,
    n: int,
    repair: int,
    limit_tasks: int | None,
    save_samples: Path | None,
    workers: int,
    timeout: float,
    fmt: str,
    progress: bool,
) -> int:
    """Generate for the first `limit_tasks` tasks (in task-id order), score raw vs. assay
    pass@1 on the hidden tests, print the summary. Samples are recorded to (and replayed
    from) `save_samples`; task outcomes go to ``<save_samples>.results.jsonl``."""
    from assay.llm import make_backend

    if n < 1:
        raise InvalidArgument(f"-n {n} must be at least 1")
    tasks = benchmark_tasks(problems, limit_tasks)
    samples = save_samples or Path(f"{benchmark}-samples.jsonl")
    results = samples.with_name(samples.stem + ".results.jsonl")
    plan = bench_plan(benchmark, n)
    started = time.monotonic()

    def report(outcome: TaskOutcome, done: int, total: int) -> None:
        if progress:
            sys.stderr.write(
                f"[{done}/{total}] {outcome.task_id} verified={outcome.verified} "
                f"candidates={outcome.candidates} repair_rounds={outcome.rounds} "
                f"tokens={outcome.prompt_tokens + outcome.completion_tokens}\n"
            )

    engine = make_backend(backend, model=model)
    try:
        outcomes = generate_tasks(
            tasks,
            engine,
            samples=samples,
            results=results,
            plan=plan,
            repair_rounds=repair,
            on_task=report,
        )
    finally:
        engine.close()
    wanted = {t.task_id for t in tasks}
    summary = {
        "benchmark": benchmark,
        "backend": backend,
        "n": n,
        "repair_rounds": repair,
        **score_generation(
            {k: v for k, v in outcomes.items() if k in wanted},
            problems,
            workers=workers,
            timeout=timeout,
        ),
        "samples_file": str(samples),
        "results_file": str(results),
        "this_run_wall_seconds": round(time.monotonic() - started, 1),
    }
    sys.stdout.write(
        json.dumps(summary, indent=2) + "\n" if fmt == "json" else render_summary(summary)
    )
    return 0


def render_summary(summary: Mapping[str, Any]) -> str:
    """The text form of a generation benchmark summary."""
    solved = summary["assay_solved"]

    def share(level: str) -> str:
        precision = summary[f"{level}_precision"]
        shown = "-" if precision is None else f"{precision:.3f}"
        return f"{summary[level]} {level} (precision {shown})"

    lines = [
        f"{summary['benchmark']}: {summary['tasks']} tasks ({summary['first_task']} .. "
        f"{summary['last_task']}), backend {summary['backend']}, n={summary['n']}, "
        f"repair rounds {summary['repair_rounds']}",
        f"  raw pass@1, bare completion:  {summary['raw_bare_pass_at_1']:.4f}",
        f"  raw pass@1, plain request:    {summary['raw_plain_pass_at_1']:.4f}",
        f"  raw pass@1 (the better one):  {summary['raw_pass_at_1']:.4f} ({summary['raw_solved']} tasks)",
        f"  assay pass@1 (selected):      {summary['assay_pass_at_1']:.4f} ({solved} tasks)",
        f"  gain over the better raw: {summary['gain_points']:+.1f} points",
        f"  verdicts: {share('verified')}, {share('plausible')}, {share('rejected')}; "
        f"verified coverage {summary['verified_coverage']}",
        f"  tokens: {summary['tokens']} ({summary['completion_tokens']} generated); "
        f"per solved task: {summary['tokens_per_solved_task']}",
        f"  model time {summary['model_seconds']} s, wall time {summary['wall_seconds']} s",
        f"  fixed by assay: {', '.join(summary['fixed_by_assay']) or '-'}",
        f"  broken by assay: {', '.join(summary['broken_by_assay']) or '-'}",
    ]
    return "\n".join(lines) + "\n"
