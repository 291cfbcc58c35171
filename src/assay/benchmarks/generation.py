"""The generation path of ``assay bench``: raw model vs. assay-verified generation.

For each task, `generate_tasks` runs `assay.gen.loop.generate_verified` (draft, verify,
repair: exactly what ``assay gen`` does) through a replay backend whose fallback is the live
model, so every sample lands in the samples JSONL as it is generated and a re-run replays
it; one result line per task goes to a results JSONL (a re-run skips finished tasks).
`score_generation` then runs both programs of each task against the benchmark's hidden
tests in the sandbox:

* ``raw``: the first, greedy sample of the bare request (the model alone);
* ``assay``: the candidate assay selected (verified or not).

It reports pass@1 of both, tokens, model and wall time, and tokens per solved task.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.benchmarks.humaneval import Problem
from assay.errors import BenchmarkError
from assay.gen.draft import DraftPlan
from assay.llm.base import Backend
from assay.llm.replay import ReplayBackend
from assay.model import Task

__all__ = [
    "BENCH_PLAN",
    "TaskOutcome",
    "benchmark_tasks",
    "generate_tasks",
    "read_outcomes",
    "score_generation",
    "task_order",
]

#: The plan ``assay bench`` drafts with: the bare request greedy (the raw baseline) and
#: n-1 samples of the same prompt (cached by the server: each costs only its own tokens).
BENCH_PLAN = DraftPlan(
    n=3,
    criteria_greedy=False,
    paraphrases=0,
    model_tests=False,
    sample_from="bare",
    max_tokens=320,
)


def benchmark_tasks(problems: Mapping[str, Problem], limit: int | None = None) -> list[Task]:
    """The benchmark's problems as `Task`s in task-id order (the first `limit` of them)."""
    ordered = sorted(problems.values(), key=lambda p: task_order(p.task_id))
    chosen = ordered[:limit] if limit is not None else ordered
    return [Task(prompt=p.prompt, entry_point=p.entry_point, task_id=p.task_id) for p in chosen]


@dataclass(frozen=True, kw_only=True)
class TaskOutcome:
    """One task's generation result, before ground truth is looked at."""

    task_id: str
    raw: str
    selected: str
    verified: bool
    candidates: int
    rounds: int
    prompt_tokens: int
    completion_tokens: int
    model_seconds: float
    seconds: float

    def as_dict(self) -> dict[str, object]:
        """JSON form (one line of the results file)."""
        return dict(self.__dict__)


def read_outcomes(path: Path) -> dict[str, TaskOutcome]:
    """Task outcomes from a results JSONL, by task id (later lines win).

    Raises:
        BenchmarkError: a line is not a task outcome.
    """
    outcomes: dict[str, TaskOutcome] = {}
    if not path.exists():
        return outcomes
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                outcome = TaskOutcome(**json.loads(line))
            except (ValueError, TypeError) as error:
                raise BenchmarkError(f"{path}:{number} is not a task outcome: {error}") from error
            outcomes[outcome.task_id] = outcome
    return outcomes


def generate_tasks(
    tasks: Sequence[Task],
    backend: Backend,
    *,
    samples: Path,
    results: Path,
    plan: DraftPlan = BENCH_PLAN,
    repair_rounds: int = 1,
    repair_width: int = 1,
    on_task: Callable[[TaskOutcome, int, int], None] | None = None,
) -> dict[str, TaskOutcome]:
    """Run verified generation on every task not yet in `results`; the outcomes by task id.

    Args:
        tasks: benchmark tasks (prompt = the stub, entry point set).
        backend: the live model (asked only for samples not already in `samples`).
        samples: JSONL of recorded samples (read, and appended to).
        results: JSONL of task outcomes (read, and appended to).
        plan: what to draft per task.
        repair_rounds: repair rounds when no candidate is verified.
        repair_width: distinct failing behaviours repaired per round.
        on_task: called after each task with (outcome, tasks done, tasks planned).
    """
    from assay.gen.loop import generate_verified

    outcomes = read_outcomes(results)
    live = ReplayBackend(samples, fallback=backend)
    results.parent.mkdir(parents=True, exist_ok=True)
    for number, task in enumerate(tasks, 1):
        task_id = task.task_id or f"task-{number}"
        if task_id in outcomes:
            continue
        live.tag = task_id
        result = generate_verified(
            task, [live], plan=plan, repair_rounds=repair_rounds, repair_width=repair_width
        )
        raw = result.candidates[0].candidate.code if result.candidates else ""
        outcome = TaskOutcome(
            task_id=task_id,
            raw=raw,
            selected=result.code or raw,
            verified=result.verified,
            candidates=len(result.candidates),
            rounds=result.rounds,
            prompt_tokens=result.usage.get("prompt_tokens", 0),
            completion_tokens=result.usage.get("completion_tokens", 0),
            model_seconds=result.model_seconds,
            seconds=result.seconds,
        )
        outcomes[task_id] = outcome
        with results.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(outcome.as_dict()) + "\n")
        if on_task is not None:
            on_task(outcome, number, len(tasks))
    return outcomes


def score_generation(
    outcomes: Mapping[str, TaskOutcome],
    problems: Mapping[str, Problem],
    *,
    workers: int = 2,
    timeout: float = 3.0,
) -> dict[str, Any]:
    """Raw vs. assay pass@1 on the hidden tests, with the cost of each.

    Raises:
        BenchmarkError: an outcome's task is not in `problems`, or there are no outcomes.
    """
    from assay.benchmarks.scoring import Sample, score_samples
    from assay.sandbox import Limits

    ids = sorted(outcomes, key=task_order)
    if not ids:
        raise BenchmarkError("no generated tasks to score")
    missing = [task_id for task_id in ids if task_id not in problems]
    if missing:
        raise BenchmarkError(f"tasks not in the benchmark: {', '.join(missing[:5])}")
    rows = []
    for task_id in ids:
        rows.append(Sample(task_id=task_id, index=0, program=outcomes[task_id].raw))
        rows.append(Sample(task_id=task_id, index=1, program=outcomes[task_id].selected))
    scores = score_samples(
        rows,
        problems,
        workers=workers,
        limits=Limits(timeout_s=timeout),
        preamble="from typing import *",
    )
    raw_passed = {s.task_id for s in scores if s.index == 0 and s.passed}
    assay_passed = {s.task_id for s in scores if s.index == 1 and s.passed}
    verified = {t for t in ids if outcomes[t].verified}
    tokens = sum(o.prompt_tokens + o.completion_tokens for o in outcomes.values())
    completion = sum(o.completion_tokens for o in outcomes.values())
    total = len(ids)
    return {
        "tasks": total,
        "first_task": ids[0],
        "last_task": ids[-1],
        "raw_pass_at_1": round(len(raw_passed) / total, 4),
        "assay_pass_at_1": round(len(assay_passed) / total, 4),
        "gain_points": round(100 * (len(assay_passed) - len(raw_passed)) / total, 1),
        "raw_solved": len(raw_passed),
        "assay_solved": len(assay_passed),
        "verified": len(verified),
        "verified_and_correct": len(verified & assay_passed),
        "verified_precision": round(len(verified & assay_passed) / len(verified), 4)
        if verified
        else None,
        "fixed_by_assay": sorted(assay_passed - raw_passed, key=task_order),
        "broken_by_assay": sorted(raw_passed - assay_passed, key=task_order),
        "tokens": tokens,
        "completion_tokens": completion,
        "tokens_per_solved_task": round(tokens / len(assay_passed), 1) if assay_passed else None,
        "model_seconds": round(sum(o.model_seconds for o in outcomes.values()), 1),
        "wall_seconds": round(sum(o.seconds for o in outcomes.values()), 1),
        "repairs_done": sum(o.rounds for o in outcomes.values()),
    }


def task_order(task_id: str) -> tuple[str, int]:
    """Sort key of task ids: ``HumanEval/9`` before ``HumanEval/10``."""
    prefix, _, number = task_id.rpartition("/")
    return (prefix, int(number)) if number.isdigit() else (task_id, 0)
