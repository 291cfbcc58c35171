"""Record the samples of ``assay bench``'s generation plan for many tasks (model time only).

Drafting is the expensive part of a generation benchmark (the model), verification the
cheap one (the sandbox); this script only drafts, task after task, through a replay
backend whose fallback is the live model, so every sample lands in the samples JSONL as it
is generated and an interrupted run resumes where it stopped. ``assay bench ... --backend
local --save-samples FILE`` then replays them (and asks the model only for repairs).

    python bench/gen_draft_samples.py humaneval bench/results/humaneval-qwen0.5b-n8-samples.jsonl
    python bench/gen_draft_samples.py mbpp bench/results/mbpp-qwen0.5b-samples.jsonl --ids 511-610
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from assay.benchmarks.generation import bench_plan, benchmark_tasks, task_order
from assay.gen.draft import draft
from assay.llm import make_backend
from assay.llm.replay import ReplayBackend


def _wanted(spec: str | None, ids: list[str]) -> list[str]:
    if not spec:
        return ids
    numbers: set[int] = set()
    for part in spec.split(","):
        low, _, high = part.partition("-")
        numbers.update(range(int(low), int(high or low) + 1))
    return [i for i in ids if task_order(i)[1] in numbers]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", choices=("humaneval", "mbpp"))
    parser.add_argument("samples", type=Path)
    parser.add_argument("--ids", help="task numbers, e.g. 80-163,0-79 (in that order)")
    parser.add_argument("--threads", type=int, help="model threads (default: by the load)")
    args = parser.parse_args()
    if args.benchmark == "humaneval":
        from assay.benchmarks.humaneval import load_humaneval

        problems = load_humaneval()
    else:
        from assay.benchmarks.mbpp import load_mbpp

        problems = load_mbpp()
    tasks = {t.task_id: t for t in benchmark_tasks(problems)}
    order: list[str] = []
    for part in (args.ids or "").split(",") if args.ids else [""]:
        order += [i for i in _wanted(part or None, list(tasks)) if i not in order]
    plan = bench_plan(args.benchmark)
    live = ReplayBackend(args.samples, fallback=make_backend("local", threads=args.threads))
    try:
        for number, task_id in enumerate(order, 1):
            started = time.monotonic()
            before = live.misses
            live.tag = task_id
            drafts = draft(tasks[task_id], live, plan, [])
            sys.stderr.write(
                f"[{number}/{len(order)}] {task_id}: {live.misses - before} new samples, "
                f"{drafts.usage.completion_tokens} generated tokens, "
                f"{time.monotonic() - started:.1f} s\n"
            )
            sys.stderr.flush()
    finally:
        live.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
