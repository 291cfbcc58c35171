"""Benchmark samples scored through the batch path (what `assay bench ... --ray` runs): the
same jobs as `assay.benchmarks.scoring.score_samples`, on any executor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assay.batch.executors import Chunker
from assay.batch.items import Item
from assay.batch.run import make_executor, run_items
from assay.batch.work import Options
from assay.benchmarks.humaneval import Problem
from assay.benchmarks.scoring import Sample, SampleScore
from assay.errors import BatchError
from assay.sandbox import ExceptionInfo, Outcome, Status, WarningInfo

__all__ = ["outcome_from_line", "score_samples_batched"]


def score_samples_batched(
    samples: Sequence[Sample],
    problems: Mapping[str, Problem],
    *,
    ray: str | None,
    jobs: int | None = None,
    timeout: float = 3.0,
    preamble: str = "",
    target_chunk_s: float = 1.5,
) -> list[SampleScore]:
    """Run every sample against its task's hidden tests on the executor `ray` names (None:
    this machine); scores come back in input order, as from `score_samples`."""
    items = [
        Item(
            id=f"{sample.task_id}#{sample.index}",
            mode="score",
            payload={
                "program": sample.program,
                "tests": problems[sample.task_id].test_call(),
                "task_id": sample.task_id,
            },
        )
        for sample in samples
    ]
    executor = make_executor(
        Options(mode="score", timeout=timeout, preamble=preamble), jobs=jobs, ray=ray
    )
    try:
        chunker = Chunker(items, slots=executor.slots, target_s=target_chunk_s)
        lines = {str(line["id"]): line for line in run_items(executor, chunker)}
    finally:
        executor.close()
    scores = []
    for sample, item in zip(samples, items, strict=True):
        line = lines.get(item.key)
        if line is None:
            raise BatchError(f"no result came back for sample {item.key}")
        outcome = outcome_from_line(line)
        scores.append(
            SampleScore(
                task_id=sample.task_id,
                index=sample.index,
                passed=outcome.status is Status.OK,
                status=outcome.status,
                outcome=outcome,
            )
        )
    return scores


def outcome_from_line(line: Mapping[str, Any]) -> Outcome:
    """The sandbox `Outcome` a score line was written from (its evidence and measurements)."""
    evidence = line["result"]["outcome"]
    measured = line["measured"]
    exception = evidence["exception"]
    return Outcome(
        status=Status(evidence["status"]),
        value_repr=evidence["value_repr"],
        value=evidence["value"],
        exception=None if exception is None else ExceptionInfo(**exception),
        stdout=evidence["stdout"],
        stderr=evidence["stderr"],
        wall_s=measured["wall_s"],
        cpu_s=measured["cpu_s"],
        peak_memory_kb=measured["peak_memory_kb"],
        warnings=tuple(WarningInfo(**warning) for warning in evidence["warnings"]),
        args_after=evidence["args_after"],
    )
