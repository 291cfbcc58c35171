"""Selection and detection on a benchmark: how well assay picks and flags without the tests.

For every task, the task's N samples are cross-checked (`assay.behaviour.crosscheck`) using only
what a user would have: the prompt (or, with ``hide_examples``, the prompt without its
examples). Each sample gets ``selected`` (exactly one per task) and ``flagged`` (not
accepted). Ground truth (the benchmark's hidden tests, or labels given by the caller) is
used afterwards, only to score:

* ``selected_pass_at_1``: the share of tasks whose selected sample is correct;
* ``detection``: ``recall`` (wrong samples flagged / wrong samples), ``false_positive_rate``
  (correct samples flagged / correct samples), ``precision`` (wrong / flagged) and
  ``recall_passing_examples`` (recall on the wrong samples that pass the task's docstring
  examples: the ones an example filter lets through);
* ``example_filter_pass_at_1``: the baseline, the expected pass rate of a random sample
  among those passing the docstring examples (all samples when none does).

Identical programs are run once and counted as often as they were submitted.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.behaviour.crosscheck import CandidateSource, CrossCheck, crosscheck
from assay.behaviour.spec import extract_spec, strip_examples
from assay.benchmarks.humaneval import Problem
from assay.benchmarks.scoring import Sample
from assay.errors import BenchmarkError, InvalidArgument
from assay.sandbox import Limits, Sandbox

__all__ = [
    "Judgement",
    "distinct_programs",
    "first_tasks",
    "judge_samples",
    "read_labels",
    "run_bench",
    "selection_metrics",
    "task_judgements",
    "write_details",
]


@dataclass(frozen=True, kw_only=True)
class Judgement:
    """assay's view of one sample, before ground truth is looked at."""

    task_id: str
    index: int
    selected: bool
    flagged: bool
    passes_examples: bool
    score: float


def judge_samples(
    samples: Sequence[Sample],
    problems: Mapping[str, Problem],
    *,
    hide_examples: bool = False,
    workers: int = 2,
    budget: int = 40,
    timeout_s: float = 1.0,
    preamble: str = "from typing import *",
    progress: bool = False,
) -> list[Judgement]:
    """Cross-check each task's samples and return one judgement per sample (input order).

    Args:
        samples: every task's samples (``Sample.index`` numbers them per task).
        problems: the benchmark's problems; only ``prompt`` and ``entry_point`` are read.
        hide_examples: strip the prompt's examples before assay sees it.
        workers: sandbox workers.
        budget: generated inputs per task.
        timeout_s: per-call limit in the sandbox.
        preamble: code run before every sample (the benchmarks' harnesses import typing).
        progress: print one line per task on stderr.
    """
    by_task: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_task[sample.task_id].append(sample)
    judged: dict[tuple[str, int], Judgement] = {}
    with Sandbox(workers=workers) as box:
        for number, (task_id, task_samples) in enumerate(by_task.items(), 1):
            for judgement in _judge_task(
                problems[task_id], task_samples, box, hide_examples, budget, timeout_s, preamble
            ):
                judged[(judgement.task_id, judgement.index)] = judgement
            if progress:
                sys.stderr.write(
                    f"[{number}/{len(by_task)}] {task_id}: {len(task_samples)} samples\n"
                )
    return [judged[(s.task_id, s.index)] for s in samples]


def distinct_programs(samples: Sequence[Sample]) -> dict[str, list[int]]:
    """Each distinct program among `samples` -> the positions of the samples that submit it.

    Programs are compared and judged exactly as they are scored, but for trailing
    whitespace: a program whose first line is indented does not run, and stripping it
    here would let assay judge a different program from the one the hidden tests fail.
    """
    programs: dict[str, list[int]] = {}
    for position, sample in enumerate(samples):
        programs.setdefault(sample.program.rstrip() + "\n", []).append(position)
    return programs


def _judge_task(
    problem: Problem,
    samples: Sequence[Sample],
    box: Sandbox,
    hide_examples: bool,
    budget: int,
    timeout_s: float,
    preamble: str,
) -> list[Judgement]:
    full = extract_spec(problem.prompt, problem.entry_point)
    spec = full
    if hide_examples:
        spec = extract_spec(
            strip_examples(problem.prompt, problem.entry_point), problem.entry_point
        )
    programs = distinct_programs(samples)
    candidates = [
        CandidateSource(f"{problem.task_id}#{samples[p[0]].index}", code, len(p))
        for code, p in programs.items()
    ]
    # With hidden examples, the docstring examples still run, weightless, so the baseline
    # (the example filter) can be measured; they never influence assay's decisions.
    shadow = full.trusted_examples if hide_examples else ()
    result = crosscheck(
        spec,
        candidates,
        extra_tests=shadow,
        extra_weight=0.0,
        budget=budget,
        timeout_s=timeout_s,
        sandbox=box,
        preamble=preamble,
        path=problem.task_id,
    )
    indices = [[samples[p].index for p in positions] for positions in programs.values()]
    return task_judgements(problem.task_id, indices, result)


def task_judgements(
    task_id: str, sample_indices: Sequence[Sequence[int]], result: CrossCheck
) -> list[Judgement]:
    """One judgement per sample from a task's cross-check, whose i-th candidate is the
    distinct program submitted as the samples ``sample_indices[i]`` (the first of them
    stands for the program when it is selected)."""
    judgements: list[Judgement] = []
    for indices, verdict, run in zip(sample_indices, result.verdicts, result.runs, strict=True):
        checks = [c for c in run.examples if c.example.trusted and c.passed is not None]
        passes = all(c.passed for c in checks) and run.imported
        for rank, index in enumerate(indices):
            judgements.append(
                Judgement(
                    task_id=task_id,
                    index=index,
                    selected=verdict.selected and rank == 0,
                    flagged=not verdict.accepted,
                    passes_examples=passes,
                    score=verdict.score,
                )
            )
    return judgements


def selection_metrics(
    judgements: Iterable[Judgement], passed: Mapping[tuple[str, int], bool]
) -> dict[str, Any]:
    """Selection, detection and baseline figures from judgements and ground truth."""
    per_task: dict[str, list[tuple[Judgement, bool]]] = defaultdict(list)
    for judgement in judgements:
        per_task[judgement.task_id].append(
            (judgement, passed[(judgement.task_id, judgement.index)])
        )
    wrong = correct = caught = false_alarms = wrong_passing = caught_passing = 0
    selected_ok = 0.0
    baseline = 0.0
    for rows in per_task.values():
        selected_ok += sum(1 for j, ok in rows if j.selected and ok)
        filtered = [ok for j, ok in rows if j.passes_examples] or [ok for _, ok in rows]
        baseline += sum(filtered) / len(filtered)
        for judgement, ok in rows:
            if ok:
                correct += 1
                false_alarms += judgement.flagged
            else:
                wrong += 1
                caught += judgement.flagged
                if judgement.passes_examples:
                    wrong_passing += 1
                    caught_passing += judgement.flagged
    tasks = len(per_task) or 1
    flagged = caught + false_alarms
    return {
        "selected_pass_at_1": selected_ok / tasks,
        "example_filter_pass_at_1": baseline / tasks,
        "detection": {
            "recall": caught / wrong if wrong else None,
            "false_positive_rate": false_alarms / correct if correct else None,
            "precision": caught / flagged if flagged else None,
            "recall_passing_examples": caught_passing / wrong_passing if wrong_passing else None,
        },
        "counts": {
            "wrong": wrong,
            "correct": correct,
            "flagged_wrong": caught,
            "flagged_correct": false_alarms,
            "wrong_passing_examples": wrong_passing,
            "flagged_wrong_passing_examples": caught_passing,
        },
    }


def read_labels(path: Path) -> dict[tuple[str, int], bool]:
    """Ground truth given by the caller: JSONL rows ``{"task_id", "sample_index", "passed"}``
    (e.g. re-executed labels), used instead of running the hidden tests."""
    labels: dict[tuple[str, int], bool] = {}
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                if not isinstance(row, dict) or not {"task_id", "sample_index", "passed"} <= set(
                    row
                ):
                    raise BenchmarkError(
                        f"{path}:{number}: a label needs task_id, sample_index and passed"
                    )
                labels[(str(row["task_id"]), int(row["sample_index"]))] = bool(row["passed"])
    except (OSError, ValueError) as error:
        raise BenchmarkError(f"cannot read labels from {path}: {error}") from error
    return labels


def first_tasks(samples: Sequence[Sample], limit: int | None) -> list[Sample]:
    """The samples of the first `limit` tasks in order of appearance (all when None)."""
    if limit is None:
        return list(samples)
    if limit < 1:
        raise InvalidArgument(f"--limit-tasks {limit} must be at least 1")
    kept = list(dict.fromkeys(sample.task_id for sample in samples))
    chosen = set(kept[:limit])
    return [s for s in samples if s.task_id in chosen]


def write_details(
    path: Path, judgements: Sequence[Judgement], passed: Mapping[tuple[str, int], bool]
) -> None:
    """One JSONL line per sample: ``{"task_id", "sample_index", "selected", "flagged", "passed"}``."""
    with path.open("w", encoding="utf-8") as out:
        for j in judgements:
            row = {
                "task_id": j.task_id,
                "sample_index": j.index,
                "selected": j.selected,
                "flagged": j.flagged,
                "passed": passed[(j.task_id, j.index)],
            }
            out.write(json.dumps(row) + "\n")


def run_bench(
    benchmark: str,
    problems: Mapping[str, Problem],
    samples: Sequence[Sample],
    *,
    labels: Mapping[tuple[str, int], bool] | None = None,
    ks: Sequence[int] = (1, 10, 100),
    workers: int = 2,
    timeout_s: float = 3.0,
    probe_timeout_s: float = 1.0,
    preamble: str = "from typing import *",
    hide_examples: bool = False,
    details: Path | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Score `samples` (hidden tests, or `labels` when given), then judge them with assay.

    Returns the summary with the keys ``tasks``, ``samples``, ``pass_at_1``, ``pass_at_k``,
    ``oracle``, ``selected_pass_at_1``, ``detection`` {``recall``, ``false_positive_rate``,
    ``precision``, ``recall_passing_examples``} and ``wall_s``, plus ``benchmark``,
    ``example_filter_pass_at_1`` (the baseline), ``hide_examples``, ``labels`` (where ground
    truth came from) and ``counts``.
    """
    import time

    from assay.benchmarks.scoring import SampleScore, pass_at_k, score_samples

    started = time.monotonic()
    if labels is None:
        scores: list[SampleScore] = score_samples(
            samples,
            problems,
            workers=workers,
            limits=Limits(timeout_s=timeout_s),
            preamble=preamble,
        )
        truth = {(s.task_id, s.index): s.passed for s in scores}
        source = "hidden tests"
    else:
        missing = [(s.task_id, s.index) for s in samples if (s.task_id, s.index) not in labels]
        if missing:
            raise BenchmarkError(f"no label for {len(missing)} samples, e.g. {missing[0]}")
        truth = dict(labels)
        source = "given labels"
    judgements = judge_samples(
        samples,
        problems,
        hide_examples=hide_examples,
        workers=workers,
        timeout_s=probe_timeout_s,
        preamble=preamble,
        progress=progress,
    )
    per_task: dict[str, list[bool]] = defaultdict(list)
    for sample in samples:
        per_task[sample.task_id].append(truth[(sample.task_id, sample.index)])
    fewest = min(len(r) for r in per_task.values())
    estimates = {
        str(k): sum(pass_at_k(len(r), sum(r), k) for r in per_task.values()) / len(per_task)
        for k in sorted({1, *ks})
        if k <= fewest
    }
    metrics = selection_metrics(judgements, truth)
    if details is not None:
        write_details(details, judgements, truth)
    return {
        "benchmark": benchmark,
        "tasks": len(per_task),
        "samples": len(samples),
        "pass_at_1": estimates["1"],
        "pass_at_k": estimates,
        "oracle": sum(1 for r in per_task.values() if any(r)) / len(per_task),
        "selected_pass_at_1": metrics["selected_pass_at_1"],
        "detection": metrics["detection"],
        "example_filter_pass_at_1": metrics["example_filter_pass_at_1"],
        "counts": metrics["counts"],
        "hide_examples": hide_examples,
        "labels": source,
        "wall_s": round(time.monotonic() - started, 3),
    }
