"""Choose the thresholds of a ``verified`` verdict on a development set; report them on a test set.

Input: the results JSONL and summary JSON that ``bench/gen_bench.py`` writes (each task's
verdict evidence, and which tasks' selected program passes the hidden tests). The verdict is
a pure function of the saved evidence (`assay.gen.verdict.judge_result`), so this costs no
model and no sandbox time.

Procedure (fixed before looking at the test set): every policy of the grid below is judged
on the development set; among those whose verified precision there is at least
`TARGET_PRECISION` (0.95), the one with the highest verified coverage wins; ties go to the
stricter policy (more agreeing programs, then a larger share, more generated inputs, more
prompt formats).
The chosen policy is then applied, unchanged, to the test set.

    python bench/gen_verdict_thresholds.py --dev bench/results/mbpp-gen-full \\
        --test bench/results/humaneval-gen-full --out bench/results/gen-verdict-thresholds.json

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--test", type=Path, action="append", default=[])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    dev, dev_correct = _load(args.dev)
    table = []
    for values in itertools.product(*GRID.values()):
        policy = VerdictPolicy(**dict(zip(GRID, values, strict=True)))  # type: ignore[arg-type]
        table.append((policy, judge_all(dev, dev_correct, policy)))
    meeting = [
        (policy, figures)
        for policy, figures in table
        if figures["verified_precision"] is not None
        and figures["verified_precision"] >= TARGET_PRECISION
    ]
    if not meeting:
        sys.stderr.write(f"no policy of the grid reaches precision {TARGET_PRECISION} on dev\n")
        return 1
    chosen, dev_figures = max(
        meeting,
        key=lambda item: (
            item[1]["verified_coverage"],
            item[0].min_agreeing,
            item[0].min_share,
            item[0].min_generated_inputs,
            item[0].min_formats,
        ),
    )
    result: dict[str, Any] = {
        "target_precision": TARGET_PRECISION,
        "grid": GRID,
        "dev": {"set": str(args.dev), "tasks": len(dev), "figures": dev_figures},
        "chosen": chosen.as_dict(),
        "test": {},
        "dev_table": [
            {
                **policy.as_dict(),
                **{k: f[k] for k in ("verified", "verified_precision", "verified_coverage")},
            }
            for policy, f in table
        ],
    }
    for stem in args.test:
        evidence, correct = _load(stem)
        result["test"][str(stem)] = {
            "tasks": len(evidence),
            "figures": judge_all(evidence, correct, chosen),
        }
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
