"""Generation benchmark on recorded samples: fair raw vs. assay, verdict precision, cost.

Runs `assay.benchmarks.generation.generate_tasks` (what ``assay bench --backend`` runs) on the
tasks whose drafting samples are already recorded (``bench/gen_draft_samples.py`` records
them), replaying every sample from a snapshot of the samples file (drafting can go on appending to
it). Repair samples depend on the evidence, so they are kept apart in ``--repairs FILE``:
replayed from there, and asked of the live model only with ``--live`` (offline, a task whose
repair was never recorded is left out and named on stderr; ``--repair 0`` needs no model).
Then scores with the hidden tests and writes the summary.

    python bench/gen_bench.py humaneval bench/results/humaneval-qwen0.5b-n8-samples.jsonl \\
        --results bench/results/humaneval-gen-full.results.jsonl --summary bench/results/humaneval-gen-full.json
    python bench/gen_bench.py humaneval ... --first-wave 2   # stop drafting early (issue 25 item 3)
    python bench/gen_bench.py humaneval ... --first-wave 3 --doubt 3 --live  # spend it on doubt

Samples drawn for a task still in doubt (``--doubt``) are not part of the drafting plan, so,
like repairs, they are kept in ``--repairs FILE`` and need ``--live`` the first time.

A results file is resumable: finished tasks are not run again (delete it to re-run).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

from assay.benchmarks.generation import (
    bench_plan,
    benchmark_tasks,
    generate_tasks,
    read_outcomes,
    score_generation,
    task_order,
)
from assay.errors import BackendError
from assay.gen.draft import DraftPlan, draft
from assay.gen.verdict import VerdictPolicy
from assay.llm.base import Completion, Params, Request
from assay.llm.replay import ReplayBackend
from assay.model import Task


def _snapshot(samples: Path) -> Path:
    """A copy of `samples` without a last line still being written."""
    text = samples.read_text(encoding="utf-8")
    copy = Path(tempfile.mkdtemp(prefix="gen-bench-")) / samples.name
    copy.write_text(text[: text.rfind("\n") + 1], encoding="utf-8")
    return copy


class _Layered:
    """Drafting samples from one replay file, everything else (repairs) from another."""

    def __init__(self, drafts: ReplayBackend, repairs: ReplayBackend | None) -> None:
        self.drafts = drafts
        self.repairs = repairs
        self.name = "replay"
        self.model = repairs.model if repairs is not None else drafts.model

    def generate(self, request: Request, params: Params) -> list[Completion]:
        """Recorded drafting samples, else the repairs file (and its live fallback)."""
        try:
            return self.drafts.generate(request, params)
        except BackendError:
            if self.repairs is None:
                raise
            return self.repairs.generate(request, params)

    def close(self) -> None:
        """Close the repairs backend (and so the live model)."""
        if self.repairs is not None:
            self.repairs.close()


def _recorded_tasks(samples: Path, tasks: list[Task], plan: DraftPlan) -> list[Task]:
    """The tasks every drafting sample of `plan` is recorded for."""
    replay = ReplayBackend(samples)
    ready = []
    for task in tasks:
        try:
            draft(task, replay, plan, [])
        except BackendError:
            continue
        ready.append(task)
    return ready


def _policy(spec: str) -> VerdictPolicy:
    """The `VerdictPolicy` of ``name=value,...`` (assay's default thresholds elsewhere)."""
    defaults = VerdictPolicy().as_dict()
    values: dict[str, float] = {}
    for part in filter(None, spec.split(",")):
        name, _, value = part.partition("=")
        if name not in defaults:
            raise SystemExit(f"--policy: unknown threshold {name!r}; known: {sorted(defaults)}")
        # Each threshold keeps its default's type (a count stays an int).
        values[name] = type(defaults[name])(value)
    return VerdictPolicy(**values)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=("humaneval", "mbpp"))
    parser.add_argument("samples", type=Path)
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--summary", type=Path)
    parser.add_argument("--ids", help="task numbers, e.g. 0-163")
    parser.add_argument("--first-wave", type=int, help="sampled candidates before stopping early")
    parser.add_argument("--doubt", type=int, default=0, help="more samples for results in doubt")
    parser.add_argument("--repair", type=int, default=1)
    parser.add_argument("--repairs", type=Path, help="JSONL of repair samples (read, appended)")
    parser.add_argument("--live", action="store_true", help="ask the local model for repairs")
    parser.add_argument(
        "--policy",
        default="",
        help="verdict thresholds, e.g. min_share=0.7,min_formats=1 (default: assay's); the "
        "policy decides which results are in doubt, so it changes which doubt samples are drawn",
    )
    args = parser.parse_args()
    if args.benchmark == "humaneval":
        from assay.benchmarks.humaneval import load_humaneval

        problems = load_humaneval()
    else:
        from assay.benchmarks.mbpp import load_mbpp

        problems = load_mbpp()
    tasks = benchmark_tasks(problems)
    if args.ids:
        numbers: set[int] = set()
        for part in args.ids.split(","):
            low, _, high = part.partition("-")
            numbers.update(range(int(low), int(high or low) + 1))
        tasks = [t for t in tasks if task_order(t.task_id or "")[1] in numbers]
    samples = _snapshot(args.samples)
    ready = _recorded_tasks(samples, tasks, bench_plan(args.benchmark))
    plan = dataclasses.replace(
        bench_plan(args.benchmark), first_wave=args.first_wave, doubt_samples=args.doubt
    )
    policy = _policy(args.policy)
    fallback = None
    if args.live:
        from assay.llm import make_backend

        fallback = make_backend("local", threads=1)
    repairs = None
    if args.repairs is not None and (fallback is not None or args.repairs.exists()):
        repairs = ReplayBackend(args.repairs, fallback=fallback)
    backend = _Layered(ReplayBackend(samples), repairs)

    def report(outcome, done: int, total: int) -> None:  # type: ignore[no-untyped-def]
        sys.stderr.write(f"[{done}/{total}] {outcome.task_id} {outcome.level}\n")

    outcomes = read_outcomes(args.results)
    for task in ready:
        if task.task_id in outcomes:
            continue
        try:
            outcomes.update(
                generate_tasks(
                    [task],
                    backend,
                    samples=samples,
                    results=args.results,
                    plan=plan,
                    repair_rounds=args.repair,
                    policy=policy,
                    on_task=report,
                )
            )
        except BackendError as error:
            sys.stderr.write(f"{task.task_id}: {error}; run again with --live\n")
    backend.close()
    wanted = {t.task_id for t in ready}
    chosen = {k: v for k, v in outcomes.items() if k in wanted}
    summary = {
        "benchmark": args.benchmark,
        "first_wave": args.first_wave,
        "doubt_samples": args.doubt,
        "repair_rounds": args.repair,
        "policy": policy.as_dict(),
        "tasks_run": sorted(chosen, key=task_order),
        **score_generation(chosen, problems),
    }
    text = json.dumps(summary, indent=1)
    if args.summary:
        args.summary.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
