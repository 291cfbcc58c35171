"""How many real LLM programs return results that change with the string hash seed?

A program that returns ``list(set(words))`` gives its words in an order that depends on
``PYTHONHASHSEED``, which Python draws anew for every process: a test comparing the list
passes in one run and fails in the next. assay's sandbox fixes the seed (results repeat),
and AS604 reruns a few inputs in a second sandbox with another seed. This script measures
that rerun on the pooled benchmark samples (``bench/behaviour_data.py`` writes them):
every distinct program runs on the inputs `assay compare` would give its task's
candidates that AS604 repeats, once under each seed, and the programs whose result
changes are counted, with their labels (re-executed for HumanEval, the task's asserts for
MBPP)::

    python bench/set_order.py            # both benchmarks, about 10 minutes on 2 cores
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

from assay.bench.humaneval import Problem, load_humaneval
from assay.bench.mbpp import load_mbpp
from assay.bench.scoring import Sample, read_samples
from assay.bench.selection import distinct_programs, read_labels
from assay.probe.inputs import generate_inputs, proposed_arguments
from assay.probe.probes import OTHER_HASH_SEED, behaviour_key, run_candidates
from assay.sandbox import Limits, Sandbox, Status
from assay.spec import extract_spec

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def measure(
    name: str,
    problems: dict[str, Problem],
    samples: list[Sample],
    truth: dict[tuple[str, int], bool],
    limit: int | None,
) -> dict[str, object]:
    """Run every distinct program of every task under both hash seeds; count the changes."""
    by_task: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_task[sample.task_id].append(sample)
    task_ids = sorted(by_task)[:limit] if limit else sorted(by_task)
    programs_total = samples_total = 0
    changed: list[dict[str, object]] = []
    limits = Limits(timeout_s=1.0, memory_mb=512)
    with Sandbox(workers=2) as box, Sandbox(workers=1, hash_seed=OTHER_HASH_SEED) as other:
        for task_id in task_ids:
            problem = problems[task_id]
            spec = extract_spec(problem.prompt, problem.entry_point)
            programs = distinct_programs(by_task[task_id])
            sources = list(programs)
            proposed = proposed_arguments(sources, spec.entry_point)
            inputs = generate_inputs(spec, budget=40, seed=0, proposed=proposed)
            runs = run_candidates(
                [(f"{task_id}#{i}", code) for i, code in enumerate(sources)],
                spec,
                inputs,
                sandbox=box,
                limits=limits,
                reseeded=other,
            )
            for code, run in zip(sources, runs, strict=True):
                positions = programs[code]
                programs_total += 1
                samples_total += len(positions)
                if any(
                    run.observations[i].outcome.status is Status.OK
                    and again.status is Status.OK
                    and run.observations[i].key != behaviour_key(again)
                    for i, again in run.reseeded
                ):
                    indices = [by_task[task_id][p].index for p in positions]
                    changed.append(
                        {
                            "task_id": task_id,
                            "samples": len(positions),
                            "labelled_correct": sum(
                                1 for i in indices if truth.get((task_id, i), False)
                            ),
                        }
                    )
    return {
        "benchmark": name,
        "tasks": len(task_ids),
        "programs": programs_total,
        "samples": samples_total,
        "programs_changing": len(changed),
        "samples_changing": sum(int(str(c["samples"])) for c in changed),
        "labelled_correct_changing": sum(int(str(c["labelled_correct"])) for c in changed),
        "tasks_with_changes": sorted({str(c["task_id"]) for c in changed}),
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
