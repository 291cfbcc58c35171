"""Benchmark samples scored through the batch path give the scores `score_samples` gives."""

from __future__ import annotations

from assay.batch.samples import score_samples_batched
from assay.benchmarks.humaneval import load_humaneval
from assay.benchmarks.scoring import Sample, score_samples, summarize
from assay.sandbox import Limits


def test_batched_scores_equal_the_sandbox_pools() -> None:
    problems = load_humaneval()
    samples = []
    for number in range(4):
        problem = problems[f"HumanEval/{number}"]
        samples.append(
            Sample(
                task_id=problem.task_id,
                index=0,
                program=problem.prompt + problem.canonical_solution,
            )
        )
        samples.append(
            Sample(task_id=problem.task_id, index=1, program=problem.prompt + "    return None\n")
        )
    batched = score_samples_batched(samples, problems, ray=None, jobs=2, timeout=3.0)
    pooled = score_samples(samples, problems, workers=2, limits=Limits(timeout_s=3.0))
    assert [(s.task_id, s.index, s.passed, s.status, s.reason) for s in batched] == [
        (s.task_id, s.index, s.passed, s.status, s.reason) for s in pooled
    ]
    assert [s.passed for s in batched] == [True, False] * 4
    assert summarize(batched, (1, 2)) == summarize(pooled, (1, 2))
    assert batched[1].outcome.exception is not None
    assert batched[1].outcome.exception.type == pooled[1].outcome.exception.type  # type: ignore[union-attr]
