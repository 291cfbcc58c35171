"""Choose the thresholds of a ``verified`` verdict on a development set; report them on a test set.

Input: the results JSONL and summary JSON that ``bench/gen_bench.py`` writes (each task's
verdict evidence, and which tasks' selected program passes the hidden tests). The verdict is
a pure function of the saved evidence (`assay.gen.verdict.judge_result`), so this costs no
model and no sandbox time.

Procedure (fixed before looking at the test set): every policy of the grid below is judged
on each development set (``--dev``, repeatable: e.g. the MBPP pools of other models' programs
that ``bench/gen_dev_pools.py`` builds, mixed and GPT-4-only); the policies whose verified
precision is at least `TARGET_PRECISION` (0.95) on every development set qualify, and the one
with the highest mean verified coverage over them wins. Ties go to the *simpler* policy: the
fewest thresholds above the grid's lowest value, then the lowest thresholds (a rule a user
can read off the evidence, and no strictness the development set did not ask for).
``--check`` sets are judged with the chosen policy but do not choose (e.g. the few MBPP tasks
the embedded model drafted: too few to choose on, but the pools closest to ``assay gen``'s);
the chosen policy is then applied, unchanged, to the ``--test`` sets.

    python bench/gen_verdict_thresholds.py --dev bench/results/mbpp-gen-dev90-final \\
        --dev bench/results/mbpp-dev-pools-mixed --dev bench/results/mbpp-dev-pools-gpt4 \\
        --check bench/results/mbpp-gen-dev90-final2 --check bench/results/mbpp-gen-test \\
        --test bench/results/humaneval-gen-final2 --out bench/results/gen-verdict-thresholds.json

The first development set is the embedded model's own (the 90 MBPP validation tasks drafted
with ``assay bench``'s plan, four doubt samples and one repair round): one small model's
samples share its misreadings, which the pools of other models' programs cannot show. The
policy decides which results get doubt samples, so a dev run is only valid for the policy
that ran it (``bench/gen_bench.py --policy``): ``mbpp-gen-dev90-final`` is the run of the
first round's choice, and ``mbpp-gen-dev90-final2`` (a check) the run of the policy chosen
on it. The
pools' evidence was saved before samples were counted, so a ``min_sample_share`` above 0
cannot qualify there (their samples read as 0).

(``--dev X`` reads ``X.results.jsonl`` and ``X.json``.)
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Any

from assay.benchmarks.generation import read_outcomes, verdict_figures
from assay.gen.verdict import TARGET_PRECISION, VerdictEvidence, VerdictPolicy, judge_result

#: The grid: small on purpose (each value a round number a reader can reason about).
GRID = {
    "min_agreeing": (1, 2, 3, 4, 5),
    "min_share": (0.0, 0.3, 0.5, 0.7),
    "min_generated_inputs": (0, 3),
    "min_examples": (1,),
    "min_formats": (1, 2),
    "min_distinct_answers": (1, 2),
    "min_sample_share": (0.0, 0.5, 0.6, 0.7, 0.8),
}


def _load(stem: Path) -> tuple[dict[str, VerdictEvidence], set[str]]:
    outcomes = read_outcomes(stem.with_name(stem.name + ".results.jsonl"))
    summary = json.loads(stem.with_name(stem.name + ".json").read_text(encoding="utf-8"))
    scored = set(summary["tasks_run"])
    evidence = {
        task_id: VerdictEvidence(**outcome.evidence)
        for task_id, outcome in outcomes.items()
        if task_id in scored and outcome.evidence
    }
    return evidence, set(summary["passed"]["assay"])


def judge_all(
    evidence: dict[str, VerdictEvidence], correct: set[str], policy: VerdictPolicy
) -> dict[str, Any]:
    """The verdict figures of `policy` on saved evidence."""
    levels = {t: judge_result(e, policy).level.value for t, e in evidence.items()}
    return verdict_figures(levels, correct)


def simplicity(policy: VerdictPolicy) -> tuple[int, tuple[float, ...]]:
    """The tie-break key (smaller is simpler): thresholds above the grid's lowest value,
    then the thresholds themselves."""
    values = policy.as_dict()
    raised = sum(values[name] > min(choices) for name, choices in GRID.items())
    return raised, tuple(values[name] for name in GRID)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, action="append", required=True)
    parser.add_argument("--check", type=Path, action="append", default=[])
    parser.add_argument("--test", type=Path, action="append", default=[])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    devs = {str(stem): _load(stem) for stem in args.dev}
    table = []
    for values in itertools.product(*GRID.values()):
        policy = VerdictPolicy(**dict(zip(GRID, values, strict=True)))  # type: ignore[arg-type]
        table.append((policy, {name: judge_all(ev, ok, policy) for name, (ev, ok) in devs.items()}))
    meeting = [
        (policy, figures)
        for policy, figures in table
        if all(
            f["verified_precision"] is not None and f["verified_precision"] >= TARGET_PRECISION
            for f in figures.values()
        )
    ]
    if not meeting:
        sys.stderr.write(f"no policy of the grid reaches precision {TARGET_PRECISION} on dev\n")
        return 1

    def coverage(figures: dict[str, dict[str, Any]]) -> float:
        return float(sum(f["verified_coverage"] for f in figures.values())) / len(figures)

    best = max(coverage(figures) for _, figures in meeting)
    tied = [item for item in meeting if coverage(item[1]) == best]
    chosen, dev_figures = min(tied, key=lambda item: simplicity(item[0]))
    result: dict[str, Any] = {
        "target_precision": TARGET_PRECISION,
        "grid": GRID,
        "dev": {name: {"tasks": len(devs[name][0]), "figures": dev_figures[name]} for name in devs},
        "qualifying_policies": len(meeting),
        "tied_at_best_coverage": len(tied),
        "chosen": chosen.as_dict(),
        "check": {},
        "test": {},
        "dev_table": [
            {
                **policy.as_dict(),
                **{
                    f"{Path(name).name}:{k}": f[k]
                    for name, f in figures.items()
                    for k in ("verified", "verified_precision", "verified_coverage")
                },
            }
            for policy, figures in table
        ],
    }
    for key, stems in (("check", args.check), ("test", args.test)):
        for stem in stems:
            evidence, correct = _load(stem)
            result[key][str(stem)] = {
                "tasks": len(evidence),
                "figures": judge_all(evidence, correct, chosen),
            }
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps({k: v for k, v in result.items() if k != "dev_table"}, indent=1))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
