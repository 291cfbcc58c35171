"""The issue-4 figures: selection and detection on pooled HumanEval and MBPP samples.

Runs, for each benchmark, with the examples visible and hidden::

    assay bench humaneval --samples bench/out/humaneval_pooled.jsonl \\
        --labels bench/out/humaneval_pooled_labels.jsonl --details ... --format json [--hide-examples]
    assay bench mbpp --samples bench/out/mbpp_pooled.jsonl \\
        --problems bench/out/mbpp_typed_problems.jsonl --details ... --format json [--hide-examples]

after building the pooled sample files with ``bench/behaviour_data.py`` (several models'
samples per task, labels re-executed in a fresh interpreter). Ground truth is only used to
score.

HumanEval is scored with the re-executed labels: they agree with HumanEval's own tests on
all but 5 of the 8,692 samples (slow HumanEval/129 programs near the time limit). MBPP is
scored with each task's own three asserts, which ``assay bench`` runs. The first of them is
the example assay is shown, and the re-executed labels of the MapCoder and LDB samples come
from other test sets: MapCoder's two asserts leave that example out, LDB's are the original
MBPP tests. So 83 MBPP programs labelled "passed" fail their task's asserts, most of them
the very example the task states (Mbpp/310: ``string_to_tuple('python 3.0')`` drops the
space), and flagging them would count as a false positive; 3 labelled "failed" pass.

MBPP's three asserts are weak: many programs pass them and are still wrong (Mbpp/472's
``check_Consecutive([2, 4, 3, 5])``). ``--only mbpp+`` scores the same samples and verdicts
with MBPP+'s ground truth instead (``assay bench mbpp --plus``: EvalPlus's base and plus
inputs against the canonical solution, on the 374 of the 397 tasks MBPP+ covers, less those
whose canonical solution is too slow for its own inputs: Mbpp/599). It is
not the default: besides its time, MBPP+ fixed some of MBPP's tests (Mbpp/461:
``upper_ctr('PYthon')`` is 2, not 1), while the typed prompts these samples answered still
state the old ones, so on those tasks the visible example and the ground truth disagree.

Prints one line per run and the targets:

* detection recall >= 0.90 at a false-positive rate <= 0.05;
* recall on wrong samples that pass the visible examples >= 0.5;
* selected pass@1 closes >= 60% of the gap between the example filter and the oracle.

Usage: ``python bench/behaviour_selection.py [--limit-tasks N] [--only humaneval|mbpp|mbpp+]
[--score]`` (``--score`` runs HumanEval's hidden tests instead of reading its labels). Results are
written to ``bench/out/behaviour_<benchmark>[_hidden].json``. Expect minutes per run on
two cores; every figure printed says which run it came from.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: What runs by default; ``--only mbpp+`` runs MBPP+ (slow: about 20 min per regime).
BENCHMARKS = ("humaneval", "mbpp")
#: MBPP+ runs every sample on its ~100 base and plus inputs and the canonical solution on
#: the same inputs, in one sandbox job: 3 s is too short for 15 of the canonical solutions.
PLUS_TIMEOUT_S = 20


def run(
    benchmark: str, out: Path, *, hidden: bool, limit: int | None, score: bool, workers: int
) -> dict[str, object]:
    """One `assay bench` run (`benchmark`: humaneval, mbpp or mbpp+); returns its summary."""
    plus = benchmark == "mbpp+"
    name = "mbpp_plus" if plus else benchmark
    benchmark = "mbpp" if plus else benchmark
    stem = f"{benchmark}_pooled"
    suffix = "_hidden" if hidden else ""
    command = [
        sys.executable,
        "-m",
        "assay",
        "bench",
        benchmark,
        "--samples",
        str(out / f"{stem}.jsonl"),
        "--details",
        str(out / f"behaviour_{name}{suffix}_details.jsonl"),
        "--workers",
        str(workers),
        "--format",
        "json",
    ]
    if benchmark == "humaneval":
        command.append("--score-only")
    else:
        command += ["--problems", str(out / "mbpp_typed_problems.jsonl")]
    if plus:
        command += ["--plus", "--timeout", str(PLUS_TIMEOUT_S)]
    if not score and benchmark == "humaneval":
        command += ["--labels", str(out / f"{stem}_labels.jsonl")]
    if hidden:
        command.append("--hide-examples")
    if limit is not None:
        command += ["--limit-tasks", str(limit)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{completed.stderr}")
    summary: dict[str, object] = json.loads(completed.stdout)
    (out / f"behaviour_{name}{suffix}.json").write_text(
        json.dumps(summary, indent=2) + "\n", encoding="utf-8"
    )
    return summary


def verdict(summary: dict[str, object]) -> str:
    """One line with the figures and whether each target is met."""
    detection = summary["detection"]
    assert isinstance(detection, dict)
    recall, fpr = detection["recall"], detection["false_positive_rate"]
    passing = detection["recall_passing_examples"]
    selected = float(summary["selected_pass_at_1"])  # type: ignore[arg-type]
    baseline = float(summary["example_filter_pass_at_1"])  # type: ignore[arg-type]
    oracle = float(summary["oracle"])  # type: ignore[arg-type]
    gap = (selected - baseline) / (oracle - baseline) if oracle > baseline else float("nan")
    return (
        f"recall {recall:.3f} (>= 0.90: {recall >= 0.9}) at FPR {fpr:.3f} (<= 0.05: {fpr <= 0.05}); "
        f"recall on wrong-but-passing-examples {passing if passing is None else round(passing, 3)} "
        f"(>= 0.5: {passing is not None and passing >= 0.5}); selected pass@1 {selected:.3f} vs example "
        f"filter {baseline:.3f} and oracle {oracle:.3f}: gap closed {gap:.1%} (>= 60%: {gap >= 0.6})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--limit-tasks", type=int, default=None)
    parser.add_argument("--only", choices=(*BENCHMARKS, "mbpp+"), default=None)
    parser.add_argument(
        "--score",
        action="store_true",
        help="run HumanEval's hidden tests instead of reading its labels",
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    subprocess.run(
        [sys.executable, str(HERE / "behaviour_data.py"), "--out", str(args.out)], check=True
    )
    for benchmark in (args.only,) if args.only else BENCHMARKS:
        for hidden in (False, True):
            summary = run(
                benchmark,
                args.out,
                hidden=hidden,
                limit=args.limit_tasks,
                score=args.score,
                workers=args.workers,
            )
            regime = "hidden examples" if hidden else "visible examples"
            print(
                f"{benchmark} ({regime}): {summary['tasks']} tasks, {summary['samples']} samples, "
                f"pass@1 {float(summary['pass_at_1']):.3f}, {summary['wall_s']} s",  # type: ignore[arg-type]
                flush=True,
            )
            print("  " + verdict(summary), flush=True)


if __name__ == "__main__":
    main()
