"""The generation path of ``assay bench``: raw model vs. assay-verified generation.

For each task, `generate_tasks` runs `assay.gen.loop.generate_verified` (draft, verify,
repair: exactly what ``assay gen`` does) through a replay backend whose fallback is the live
model, so every sample lands in the samples JSONL as it is generated and a re-run replays
it; one result line per task goes to a results JSONL (a re-run skips finished tasks).
`score_generation` then runs the programs of each task against the benchmark's hidden
tests in the sandbox:

* ``raw``: the model alone, greedy, with room for the whole function (`FAIR_MAX_TOKENS`),
  cleaned exactly as assay cleans its own candidates (`assay.gen.prompts.extract_code`: the
  code block, without module-level demo and test code), in both prompt formats: ``bare``
  (the stub as the start of the answer, a completion) and ``plain`` (the plain instruction,
  no prefill). The fair raw baseline is the better of the two, and the gain is measured
  against it;
* ``assay``: the candidate assay selected, with its verdict (verified, plausible, rejected).

It reports pass@1 of each, the precision and coverage of each verdict level, tokens, model
and wall time, and tokens per solved task. Hidden tests are only used here, after selection.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.benchmarks.humaneval import Problem
from assay.errors import BenchmarkError, InvalidArgument
from assay.gen.draft import DraftPlan
from assay.gen.verdict import DEFAULT_POLICY, VerdictPolicy
from assay.llm.base import Backend
from assay.llm.replay import ReplayBackend
from assay.model import Task

__all__ = [
    "BENCH_PLAN",
    "FAIR_MAX_TOKENS",
    "TaskOutcome",
    "bench_plan",
    "benchmark_tasks",
    "generate_tasks",
    "read_outcomes",
    "score_generation",
    "task_order",
    "verdict_figures",
]

#: Room for a whole raw answer, per benchmark: the longest reference solution plus its prompt
#: (docstring) in the benchmark, and at least 768 tokens. Measured with the embedded model's
#: tokenizer (``bench/gen_token_budget.py``): HumanEval 557 (HumanEval/129), MBPP 2,161
#: (Mbpp/493; the next longest is 375). A greedy answer that runs on costs up to this many
#: tokens, so the budget is the benchmark's own, not the larger of the two.
FAIR_MAX_TOKENS = {"humaneval": max(768, 557), "mbpp": max(768, 2161)}


def bench_plan(benchmark: str, n: int = 9) -> DraftPlan:
    """The plan ``assay bench`` drafts with: the two raw baselines greedy with room for the
    whole function (the bare request, completing the stub; the plain instruction), then
    n-2 samples of the bare prompt (cached by the server: each costs only its own tokens).

    Raises:
        InvalidArgument: `benchmark` has no measured token budget.
    """
    if benchmark not in FAIR_MAX_TOKENS:
        raise InvalidArgument(
            f"no token budget for benchmark {benchmark!r}; choose one of {sorted(FAIR_MAX_TOKENS)}"
        )
    return DraftPlan(
        n=n,
        criteria_greedy=False,
        plain_greedy=True,
        paraphrases=0,
        model_tests=False,
        sample_from="bare",
        max_tokens=320,
        greedy_max_tokens=FAIR_MAX_TOKENS[benchmark],
    )


#: The HumanEval plan (kept as a constant for callers that bench HumanEval).
BENCH_PLAN = bench_plan("humaneval")


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
    #: The plain-instruction raw answer ("" when the plan drew none).
    raw_plain: str = ""
    #: The verdict level and the evidence it rests on (`assay.gen.verdict.VerdictEvidence`).
    level: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    stopped_early: bool = False

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
    policy: VerdictPolicy = DEFAULT_POLICY,
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
        policy: the thresholds of a ``verified`` verdict (and of stopping early).
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
            task,
            [live],
            plan=plan,
            repair_rounds=repair_rounds,
            repair_width=repair_width,
            policy=policy,
        )
        raw = result.candidates[0].candidate.code if result.candidates else ""
        plain = next(
            (
                item.candidate.code
                for item in result.candidates
                if item.candidate.prompt_variant == "plain-v1"
            ),
            "",
        )
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
            raw_plain=plain,
            level=result.verdict.level.value,
            evidence=result.verdict.evidence.model_dump(),
            stopped_early=result.stopped_early,
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
    """Raw (both prompt formats) vs. assay pass@1 on the hidden tests, the precision and
    coverage of each verdict level, and the cost. ``passed`` lists, per program kind, the
    tasks whose program passed (for offline verdict studies).

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
    kinds = ("bare", "plain", "assay")
    rows = []
    for task_id in ids:
        outcome = outcomes[task_id]
        for index, program in enumerate((outcome.raw, outcome.raw_plain, outcome.selected)):
            if program:
                rows.append(Sample(task_id=task_id, index=index, program=program))
    scores = score_samples(
        rows,
        problems,
        workers=workers,
        limits=Limits(timeout_s=timeout),
        preamble="from typing import *",
    )
    passed = {
        kind: {s.task_id for s in scores if s.index == i and s.passed}
        for i, kind in enumerate(kinds)
    }
    total = len(ids)
    fair_kind = max(("bare", "plain"), key=lambda kind: len(passed[kind]))
    raw_passed = passed[fair_kind]
    assay_passed = passed["assay"]
    tokens = sum(o.prompt_tokens + o.completion_tokens for o in outcomes.values())
    completion = sum(o.completion_tokens for o in outcomes.values())
    return {
        "tasks": total,
        "first_task": ids[0],
        "last_task": ids[-1],
        "raw_bare_pass_at_1": round(len(passed["bare"]) / total, 4),
        "raw_plain_pass_at_1": round(len(passed["plain"]) / total, 4),
        "raw_format": fair_kind,
        "raw_pass_at_1": round(len(raw_passed) / total, 4),
        "assay_pass_at_1": round(len(assay_passed) / total, 4),
        "gain_points": round(100 * (len(assay_passed) - len(raw_passed)) / total, 1),
        "raw_solved": len(raw_passed),
        "assay_solved": len(assay_passed),
        **verdict_figures(
            {t: outcomes[t].level or ("verified" if outcomes[t].verified else "") for t in ids},
            assay_passed,
        ),
        "fixed_by_assay": sorted(assay_passed - raw_passed, key=task_order),
        "broken_by_assay": sorted(raw_passed - assay_passed, key=task_order),
        "tokens": tokens,
        "completion_tokens": completion,
        "tokens_per_solved_task": round(tokens / len(assay_passed), 1) if assay_passed else None,
        "model_seconds": round(sum(o.model_seconds for o in outcomes.values()), 1),
        "wall_seconds": round(sum(o.seconds for o in outcomes.values()), 1),
        "wall_seconds_per_task": round(sum(o.seconds for o in outcomes.values()) / total, 1),
        "wall_seconds_per_solved_task": round(
            sum(o.seconds for o in outcomes.values()) / len(assay_passed), 1
        )
        if assay_passed
        else None,
        "stopped_early": sum(o.stopped_early for o in outcomes.values()),
        "repairs_done": sum(o.rounds for o in outcomes.values()),
        "passed": {kind: sorted(found, key=task_order) for kind, found in passed.items()},
    }


def verdict_figures(levels: Mapping[str, str], correct: set[str]) -> dict[str, Any]:
    """How many tasks got each verdict level, and the share of them that is correct
    (precision); verified coverage is the share of all tasks verified."""
    figures: dict[str, Any] = {}
    total = len(levels)
    for level in ("verified", "plausible", "rejected"):
        chosen = {t for t, found in levels.items() if found == level}
        right = len(chosen & correct)
        figures[level] = len(chosen)
        figures[f"{level}_and_correct"] = right
        figures[f"{level}_precision"] = round(right / len(chosen), 4) if chosen else None
    figures["verified_coverage"] = round(figures["verified"] / total, 4) if total else None
    return figures


def task_order(task_id: str) -> tuple[str, int]:
    """Sort key of task ids: ``HumanEval/9`` before ``HumanEval/10``."""
    prefix, _, number = task_id.rpartition("/")
    return (prefix, int(number)) if number.isdigit() else (task_id, 0)
