"""How many real LLM programs return results that change with the string hash seed?

A program that returns ``list(set(words))`` gives its words in an order that depends on
``PYTHONHASHSEED``, which Python draws anew for every process: a test comparing the list
passes in one run and fails in the next. assay's sandbox fixes the seed (results repeat),
and AS604 reruns a few inputs in a second sandbox with another seed. This script measures
that rerun on the pooled benchmark samples (``bench/behaviour_data.py`` writes them):
each task's distinct programs are cross-checked as `assay compare` does it (same inputs,
same rerun), and the programs AS604 reports as changing under the other seed are counted,
with their labels (re-executed for HumanEval, the task's asserts for MBPP)::

    python bench/set_order.py            # both benchmarks, about 13 minutes on 2 cores
    python bench/set_order.py --limit-tasks 20

Writes ``bench/results/set_order.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from assay.behaviour.crosscheck import CandidateSource, crosscheck
from assay.behaviour.probes import OTHER_HASH_SEED
from assay.behaviour.spec import extract_spec
from assay.benchmarks.humaneval import Problem, load_humaneval
from assay.benchmarks.mbpp import load_mbpp
from assay.benchmarks.scoring import Sample, read_samples
from assay.benchmarks.selection import distinct_programs, read_labels
from assay.sandbox import Sandbox

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def measure(
    name: str,
    problems: dict[str, Problem],
    samples: list[Sample],
    truth: dict[tuple[str, int], bool],
    limit: int | None,
) -> dict[str, object]:
    """Cross-check every task's distinct programs as `assay compare` does, with the rerun
    under another hash seed, and count the programs AS604 reports."""
    by_task: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_task[sample.task_id].append(sample)
    task_ids = sorted(by_task)[:limit] if limit else sorted(by_task)
    programs_total = samples_total = in_process = 0
    # (task id, samples, samples labelled correct) per program whose result changed
    changed: list[tuple[str, int, int]] = []
    with Sandbox(workers=2) as box, Sandbox(workers=1, hash_seed=OTHER_HASH_SEED) as other:
        for task_id in task_ids:
            problem = problems[task_id]
            programs = distinct_programs(by_task[task_id])
            result = crosscheck(
                extract_spec(problem.prompt, problem.entry_point),
                [
                    CandidateSource(f"{task_id}#{i}", code, len(positions))
                    for i, (code, positions) in enumerate(programs.items())
                ],
                timeout_s=1.0,
                sandbox=box,
                reseeded=other,
            )
            for positions, verdict in zip(programs.values(), result.verdicts, strict=True):
                programs_total += 1
                samples_total += len(positions)
                reported = [f for f in verdict.findings if f.rule == "AS604"]
                if any("hash_seeds" in f.evidence for f in reported):
                    indices = [by_task[task_id][p].index for p in positions]
                    right = sum(1 for i in indices if truth.get((task_id, i), False))
                    changed.append((task_id, len(positions), right))
                elif reported:
                    in_process += 1
    return {
        "benchmark": name,
        "tasks": len(task_ids),
        "programs": programs_total,
        "samples": samples_total,
        "programs_changing": len(changed),
        "samples_changing": sum(samples for _, samples, _ in changed),
        "labelled_correct_changing": sum(right for _, _, right in changed),
        "tasks_with_changes": sorted({task_id for task_id, _, _ in changed}),
        # AS604 stops at the first repeat that differs: a program already changing within
        # one process is counted here, not above
        "programs_changing_within_a_process": in_process,
    }


def main(argv: list[str] | None = None) -> int:
    """Measure both benchmarks and write the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-tasks", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = []
    for name, problems in (
        ("humaneval", load_humaneval()),
        ("mbpp", load_mbpp(OUT / "mbpp_typed_problems.jsonl")),
    ):
        pooled = OUT / f"{name}_pooled.jsonl"
        if not pooled.exists():
            raise SystemExit(f"{pooled} is missing: run python bench/behaviour_data.py first")
        samples = read_samples(pooled, problems)
        truth = read_labels(OUT / f"{name}_pooled_labels.jsonl")
        results.append(measure(name, problems, samples, truth, args.limit_tasks))
        print(json.dumps(results[-1]), file=sys.stderr)
    summary = {"results": results, "wall_s": round(time.perf_counter() - started, 1)}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "set_order.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
