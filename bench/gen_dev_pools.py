"""A development set for the ``verified`` thresholds: candidate pools of real LLM programs on MBPP.

Model time is scarce, so besides the MBPP tasks the embedded model drafted
(``bench/gen_bench.py mbpp``), the thresholds are chosen on pools built from the programs
other models wrote for MBPP, recorded in ../shared/data (Reflexion, MapCoder, LDB and
Qwen2.5-Coder runs, pooled and labelled by ``bench/behaviour_data.py``: every label is the
program re-executed with its task's tests in a fresh interpreter). For each MultiPL-E typed
MBPP task (the prompts those programs were written from, the first test shown in the
docstring) this script builds a pool, runs assay's selection and verdict on it
(`assay.gen.loop.verify_candidates`: the cross-check, selection and evidence of ``assay
gen``, no model) and records the verdict evidence and whether the selected program is
correct: it is run with the task's tests here, in one convention for every source (the
pooled re-executed labels, from each source's own harness, are kept beside it). No
HumanEval task is read.

Two kinds of pool (``--pool``):

* ``mixed``: ``--size`` programs (default 8) drawn, seeded per task, from every model's
  programs for the task (GPT-4 and GPT-4-Turbo runs, gpt-3.5-turbo, Gemini-Pro,
  CodeLlama-34B, StarCoder-15B, Qwen2.5-Coder 1.5B/7B base): strong and weak models mixed;
* ``gpt4``: the seven GPT-4-family programs (three Reflexion runs, four MapCoder
  strategies): one model family asked several ways, the closer analogue of one model's
  samples.

Each program's prompt format is its source's prompting strategy (the two plain GPT-4 runs
are one format). Agreement between programs of different models is more independent
evidence than agreement between samples of one small model, which share its
misreadings; the ``gpt4`` pool shows how much of the precision survives when the
agreeing programs come from one family.

Spending where it pays (issue 25 item 3), replayed on the mixed pools: with
``--first-wave K`` only the first K programs of the pool are judged, and drafting "stops"
when they settle the task as ``assay gen`` does (`assay.gen.loop.settles`: verified under the
default policy, every program agreeing); otherwise the whole pool is judged,
plus ``--doubt D`` more programs of the task (drawn after the pool in the same seeded order)
while the result is still short of ``verified``. ``candidates`` in each result line is the
number of programs the task used, the cost of the plan in candidates.

Writes ``<out>.results.jsonl`` (one `TaskOutcome` line per task, resumable) and
``<out>.json`` (the summary, in the form ``bench/gen_verdict_thresholds.py --dev`` reads).

    python bench/gen_dev_pools.py --pool mixed --out bench/results/mbpp-dev-pools-mixed
    python bench/gen_dev_pools.py --pool gpt4 --out bench/results/mbpp-dev-pools-gpt4
    python bench/gen_dev_pools.py --pool mixed --first-wave 5 --doubt 3 \\
        --out bench/results/mbpp-dev-pools-wave5-doubt3
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from behaviour_data import DEFAULT_DATA, mbpp_samples, typed_mbpp_problems  # noqa: E402

from assay.benchmarks.generation import (  # noqa: E402
    TaskOutcome,
    read_outcomes,
    task_order,
    verdict_figures,
)
from assay.benchmarks.humaneval import Problem  # noqa: E402
from assay.benchmarks.mbpp import load_mbpp  # noqa: E402
from assay.benchmarks.scoring import Sample, score_samples  # noqa: E402
from assay.gen.loop import GenerationResult, settles, verify_candidates  # noqa: E402
from assay.gen.prompts import extract_code  # noqa: E402
from assay.model import Candidate, Task  # noqa: E402
from assay.sandbox import Limits  # noqa: E402

#: Sources of the GPT-4 family (GPT-4 in Reflexion's runs, GPT-4-Turbo in MapCoder's).
GPT4_SOURCES = ("reflexion/", "mapcoder/GPT4_")


def prompt_format(origin: str) -> str:
    """The prompting strategy a pooled program came from: its source file, the two plain
    GPT-4 runs (``simple_mbpp_py`` and ``simple_mbpp_py2``) being one format."""
    name = origin.rsplit("/", 1)[-1].removesuffix(".jsonl.gz")
    return re.sub(r"simple_mbpp_py\d$", "simple_mbpp_py", name)


def load_tasks(data: Path, scratch: Path) -> tuple[dict[str, Task], dict[str, Problem]]:
    """The typed MBPP tasks by ``Mbpp/<n>`` (stub + docstring + the first test, visible) and
    the same tasks as benchmark problems (with every test, hidden: used only to score)."""
    typed_mbpp_problems(data, scratch)
    problems = load_mbpp(scratch / "mbpp_typed_problems.jsonl")
    tasks = {
        task_id: Task(prompt=p.prompt, entry_point=p.entry_point, task_id=task_id)
        for task_id, p in problems.items()
    }
    return tasks, problems


def score(outcomes: dict[str, TaskOutcome], problems: dict[str, Problem]) -> dict[str, set[str]]:
    """The tasks whose selected program (``assay``) and whose pool's first program
    (``first``) pass the task's tests, run here in the sandbox in one convention (``from
    typing import *`` + program + tests): the selected program's pooled label comes from its
    source's harness, which differs between sources (see ../shared/data/README.md)."""
    kinds = ("first", "assay")
    rows = [
        Sample(task_id=task_id, index=index, program=program)
        for task_id, outcome in outcomes.items()
        for index, program in enumerate((outcome.raw, outcome.selected))
        if program
    ]
    scores = score_samples(
        rows, problems, limits=Limits(timeout_s=3.0), preamble="from typing import *"
    )
    return {
        kind: {s.task_id for s in scores if s.index == index and s.passed}
        for index, kind in enumerate(kinds)
    }


def build_pools(
    data: Path, tasks: dict[str, Task], kind: str, size: int, seed: int
) -> dict[str, list[tuple[Candidate, bool]]]:
    """Each task's programs as (candidate, its re-executed label) in a fixed, seeded order:
    the pool is the first `size` of them (``mixed``) or all of them (``gpt4``); the rest of a
    mixed list is the reserve that ``--doubt`` draws from."""
    programs: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for task_id, program, origin, passed in mbpp_samples(data):
        if task_id in tasks:
            programs[task_id].append((program, origin, passed))
    pools = {}
    for task_id, rows in programs.items():
        if kind == "gpt4":
            chosen = [r for r in rows if r[1].startswith(GPT4_SOURCES)]
        else:
            chosen = random.Random(f"{seed}:{task_id}").sample(rows, len(rows))
        entry = tasks[task_id].entry_point
        pools[task_id] = [
            (
                Candidate(
                    code=extract_code(program, entry_point=entry),
                    name=f"c{index}",
                    backend="recorded",
                    model=origin,
                    sample_index=index,
                    prompt_variant=prompt_format(origin),
                ),
                passed,
            )
            for index, (program, origin, passed) in enumerate(chosen)
        ]
    return pools


def judge_pool(
    task: Task,
    programs: list[tuple[Candidate, bool]],
    size: int,
    first_wave: int | None,
    doubt: int,
) -> tuple[list[tuple[Candidate, bool]], GenerationResult]:
    """The programs a task used and the verdict on them: the first wave alone when it is
    verified, else the pool of `size`, then `doubt` more while still not verified."""
    if first_wave is not None and first_wave < size:
        wave = programs[:first_wave]
        result = verify_candidates(task, [c for c, _ in wave])
        if settles(result.verdict):
            return wave, result
    pool = programs[:size]
    result = verify_candidates(task, [c for c, _ in pool])
    if doubt and not result.verified and len(programs) > size:
        pool = programs[: size + doubt]
        result = verify_candidates(task, [c for c, _ in pool])
    return pool, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pool", choices=("mixed", "gpt4"), default="mixed")
    parser.add_argument("--size", type=int, default=8, help="programs per mixed pool")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, help="the first N tasks (in task order) only")
    parser.add_argument("--first-wave", type=int, help="programs judged before stopping early")
    parser.add_argument("--doubt", type=int, default=0, help="more programs while in doubt")
    parser.add_argument("--out", type=Path, required=True, help="stem of the output files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gen-dev-pools-") as scratch:
        tasks, problems = load_tasks(args.data, Path(scratch))
    pools = build_pools(args.data, tasks, args.pool, args.size, args.seed)
    order = sorted(pools, key=task_order)[: args.limit]
    results = args.out.with_name(args.out.name + ".results.jsonl")
    outcomes = read_outcomes(results)
    labels_file = args.out.with_name(args.out.name + ".labels.jsonl")
    labels: dict[str, dict[str, Any]] = {}
    if labels_file.exists():
        for line in labels_file.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            labels[row["task_id"]] = row
    for number, task_id in enumerate(order, 1):
        if task_id in outcomes and task_id in labels:
            continue
        programs = pools[task_id]
        size = args.size if args.pool == "mixed" else len(programs)
        started = time.perf_counter()
        pool, result = judge_pool(tasks[task_id], programs, size, args.first_wave, args.doubt)
        label_of = {c.name: passed for c, passed in pool}
        selected = result.selected or ""
        outcome = TaskOutcome(
            task_id=task_id,
            raw=pool[0][0].code,
            selected=result.code or "",
            verified=result.verified,
            candidates=len(pool),
            rounds=0,
            prompt_tokens=0,
            completion_tokens=0,
            model_seconds=0.0,
            seconds=round(time.perf_counter() - started, 3),
            level=result.verdict.level.value,
            evidence=result.verdict.evidence.model_dump(),
        )
        outcomes[task_id] = outcome
        labels[task_id] = {
            "task_id": task_id,
            "selected": selected,
            "correct": bool(label_of.get(selected, False)),
            "pool_correct": sum(passed for _, passed in pool),
            "pool": [[c.model, passed] for c, passed in pool],
        }
        with results.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(outcome.as_dict()) + "\n")
        with labels_file.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(labels[task_id]) + "\n")
        sys.stderr.write(f"[{number}/{len(order)}] {task_id} {outcome.level}\n")
    done = [t for t in order if t in outcomes and t in labels]
    passed = score({t: outcomes[t] for t in done}, problems)
    correct = passed["assay"]
    summary = {
        "benchmark": "mbpp-typed",
        "pool": args.pool,
        "size": args.size if args.pool == "mixed" else None,
        "seed": args.seed,
        "first_wave": args.first_wave,
        "doubt": args.doubt,
        "tasks": len(done),
        "first_task": done[0] if done else None,
        "last_task": done[-1] if done else None,
        "candidates_per_task": round(sum(outcomes[t].candidates for t in done) / len(done), 3)
        if done
        else None,
        "candidates_per_solved_task": round(
            sum(outcomes[t].candidates for t in done) / len(correct), 3
        )
        if correct
        else None,
        "tasks_run": done,
        "pool_has_correct": sum(labels[t]["pool_correct"] > 0 for t in done),
        "first_candidate_pass_at_1": round(len(passed["first"]) / len(done), 4) if done else None,
        "assay_pass_at_1": round(len(correct) / len(done), 4) if done else None,
        "pooled_label_agrees": sum(labels[t]["correct"] == (t in correct) for t in done),
        **verdict_figures({t: outcomes[t].level for t in done}, correct),
        "passed": {kind: sorted(found, key=task_order) for kind, found in passed.items()},
    }
    text = json.dumps(summary, indent=1)
    args.out.with_name(args.out.name + ".json").write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps({k: v for k, v in summary.items() if k != "passed"}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
