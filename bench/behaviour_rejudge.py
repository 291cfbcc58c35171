"""Dump the sandbox runs of a behaviour benchmark once, then re-judge them offline in seconds.

Changing how candidates are clustered, scored or flagged (`assay.behaviour.crosscheck.judge`) does not
need the sandbox again: the runs (every candidate on every input) can be kept and judged
anew. This is how the issue-4 changes were measured before each full
``bench/behaviour_selection.py`` run::

    python bench/behaviour_rejudge.py dump humaneval visible /tmp/he.pkl
    python bench/behaviour_rejudge.py dump mbpp visible /tmp/mb.pkl
    python bench/behaviour_rejudge.py judge /tmp/he.pkl /tmp/mb.pkl

``dump`` runs `assay.benchmarks.selection.judge_samples` itself (the same spec, candidates, budget, limits) and stores,
per task, what `judge` received plus the samples each program stands for and their ground
truth (``--truth labels``: the pooled files' re-executed labels; ``tests``: the problems'
own hidden tests; ``plus``: MBPP+'s base and plus inputs against the canonical solution,
on the tasks MBPP+ covers; by default what ``behaviour_selection.py`` uses: labels for
HumanEval, tests for MBPP). ``--only`` limits it to some task ids (to re-dump the tasks an
input-generation change touches and merge them with ``merge``). ``judge`` judges them as
the bench does (`task_judgements`, `selection_metrics`) and prints the figures and the
tasks whose selected sample is wrong although a right one exists. Input-generation
changes need a new dump. The pickles are local, trusted files; never load one from
elsewhere.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import assay.behaviour.crosscheck as crosscheck_module
from assay.benchmarks.scoring import read_samples, score_samples
from assay.benchmarks.selection import (
    Judgement,
    distinct_programs,
    judge_samples,
    selection_metrics,
    task_judgements,
)
from assay.sandbox import Limits

OUT = Path(__file__).resolve().parent / "out"


def _problems(benchmark: str) -> dict[str, Any]:
    if benchmark == "humaneval":
        from assay.benchmarks.humaneval import load_humaneval

        return dict(load_humaneval())
    from assay.benchmarks.mbpp import load_mbpp

    return dict(load_mbpp(OUT / "mbpp_typed_problems.jsonl"))


def dump(benchmark: str, hidden: bool, dest: Path, truth: str, only: set[str]) -> None:
    """Run every task's candidates as the bench does and pickle what `judge` receives."""
    problems = _problems(benchmark)
    samples = read_samples(OUT / f"{benchmark}_pooled.jsonl", problems)
    if only:
        samples = [s for s in samples if s.task_id in only]
    passed: dict[tuple[str, int], bool] = {}
    if truth == "labels":
        with (OUT / f"{benchmark}_pooled_labels.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                passed[(row["task_id"], row["sample_index"])] = bool(row["passed"])
    else:
        scored = problems
        if truth == "plus":
            from assay.benchmarks.mbpp import load_mbpp

            scored = load_mbpp(OUT / "mbpp_typed_problems.jsonl", plus=True)
            samples = [s for s in samples if s.task_id in scored]
        scores = score_samples(
            samples,
            scored,
            workers=2,
            limits=Limits(timeout_s=20.0 if truth == "plus" else 3.0),
            preamble="from typing import *",
        )
        passed = {(s.task_id, s.index): s.passed for s in scores}
    calls: list[tuple[Any, ...]] = []
    original = crosscheck_module.judge

    def spy(spec: Any, inputs: Any, runs: Any, candidates: Any, **options: Any) -> Any:
        calls.append((spec, tuple(inputs), tuple(runs), tuple(candidates), options))
        return original(spec, inputs, runs, candidates, **options)

    # the bench's own loop, so the dump holds exactly what the bench judges
    crosscheck_module.judge = spy
    try:
        judge_samples(samples, problems, hide_examples=hidden)
    finally:
        crosscheck_module.judge = original
    by_task: dict[str, list[Any]] = defaultdict(list)
    for sample in samples:
        by_task[sample.task_id].append(sample)
    stored = []
    for call in calls:
        task_id = call[4]["path"]
        task_samples = by_task[task_id]
        indices = [
            [task_samples[p].index for p in positions]
            for positions in distinct_programs(task_samples).values()
        ]
        truth = {(task_id, i): passed[(task_id, i)] for ids in indices for i in ids}
        stored.append((task_id, *call, indices, truth))
    with dest.open("wb") as handle:
        pickle.dump(stored, handle)
    print(f"{dest}: {len(stored)} tasks")


def judge(path: Path) -> None:
    """Re-judge a dump with the current `judge` and print the bench's figures
    (`selection_metrics`) and the tasks selected wrongly although a right sample exists."""
    with path.open("rb") as handle:
        stored = pickle.load(handle)  # a local file this script wrote
    judgements: list[Judgement] = []
    truth: dict[tuple[str, int], bool] = {}
    missed: list[str] = []
    oracle = 0
    for task_id, spec, inputs, runs, candidates, options, indices, task_truth in stored:
        result = crosscheck_module.judge(spec, inputs, runs, candidates, **options)
        task = task_judgements(task_id, indices, result)
        judgements += task
        truth.update(task_truth)
        exists = any(task_truth.values())
        oracle += exists
        if exists and not any(j.selected and task_truth[(task_id, j.index)] for j in task):
            missed.append(task_id)
    metrics = selection_metrics(judgements, truth)
    detection, counts = metrics["detection"], metrics["counts"]
    selected, filtered = metrics["selected_pass_at_1"], metrics["example_filter_pass_at_1"]
    best = oracle / len(stored)
    gap = (selected - filtered) / (best - filtered) if best > filtered else float("nan")
    print(
        f"{path.name}: recall {detection['recall']:.4f} ({counts['flagged_wrong']}/"
        f"{counts['wrong']}), FPR {detection['false_positive_rate']:.4f} "
        f"({counts['flagged_correct']}), recall_passing_examples "
        f"{detection['recall_passing_examples']:.3f}, selected {selected:.4f}, "
        f"filter {filtered:.3f}, oracle {best:.3f}, gap closed {gap:.1%}"
    )
    print(f"  wrong selection: {' '.join(missed)}")


def merge(base: Path, update: Path, dest: Path) -> None:
    """`base` with the tasks that `update` holds replaced by `update`'s."""
    with base.open("rb") as handle:
        stored = pickle.load(handle)  # a local file this script wrote
    with update.open("rb") as handle:
        newer = {row[0]: row for row in pickle.load(handle)}
    with dest.open("wb") as handle:
        pickle.dump([newer.get(row[0], row) for row in stored], handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump")
    dumping.add_argument("benchmark", choices=["humaneval", "mbpp"])
    dumping.add_argument("regime", choices=["visible", "hidden"])
    dumping.add_argument("dest", type=Path)
    dumping.add_argument(
        "--truth",
        choices=["labels", "tests", "plus"],
        default=None,
        help="default: as behaviour_selection.py scores (HumanEval labels, MBPP tests); "
        "plus: MBPP+'s inputs against the canonical solution (MBPP+'s tasks only)",
    )
    dumping.add_argument("--only", default="", help="comma-separated task ids")
    judging = commands.add_parser("judge")
    judging.add_argument("dumps", type=Path, nargs="+")
    merging = commands.add_parser("merge")
    merging.add_argument("base", type=Path)
    merging.add_argument("update", type=Path)
    merging.add_argument("dest", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        only = {task for task in args.only.split(",") if task}
        truth = args.truth or ("labels" if args.benchmark == "humaneval" else "tests")
        dump(args.benchmark, args.regime == "hidden", args.dest, truth, only)
    elif args.command == "judge":
        for path in args.dumps:
            judge(path)
    else:
        merge(args.base, args.update, args.dest)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
