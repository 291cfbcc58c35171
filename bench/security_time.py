"""The security family's time beside Bandit's own run, on the same files, in the same run.

Usage::

    python bench/security_time.py                              # /work/realcode-pkgs, 3 rounds
    python bench/security_time.py --corpus DIR --repeat 5 --json

Each round runs, one after the other, as separate processes on one core:

* ``bandit -r DIR -f json -q`` (Bandit as its users run it: default profile, every test);
* ``python -m assay check DIR --select security --offline --no-dynamic --no-cache -j 1
  --format json`` (assay's security family: Bandit relayed in-process plus AS301-AS330);
* the same with ``--select AS300`` (only the relayed Bandit), which separates what assay's
  own rules cost from what running Bandit inside assay costs.

It prints each round and the medians, with the ratios to Bandit's median. Wall times depend on
the machine's load (take final figures on a quiet machine); the ratios are what count.
Exit status 0 always: the figures are the output.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path("/work/realcode-pkgs")


def _commands(corpus: Path) -> dict[str, list[str]]:
    assay = [
        sys.executable, "-m", "assay", "check", str(corpus), "--offline", "--no-dynamic",
        "--no-cache", "--no-ledger", "-j", "1", "--format", "json",
    ]  # fmt: skip
    return {
        "bandit": [sys.executable, "-m", "bandit", "-r", str(corpus), "-f", "json", "-q"],
        "assay_security": [*assay, "--select", "security"],
        "assay_bandit_only": [*assay, "--select", "AS300"],
    }


def _seconds(command: list[str]) -> float:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    # exit status 1 means "found something" for both tools; only a crash is an error
    completed = subprocess.run(command, capture_output=True, env=environment, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode not in {0, 1}:
        raise SystemExit(f"{command[:4]} failed: {completed.stderr.decode()[-2000:]}")
    return elapsed


def measure(corpus: Path, repeat: int) -> dict[str, Any]:
    """Seconds per round for each command, their medians, and ratios to Bandit's median."""
    rounds: dict[str, list[float]] = {name: [] for name in _commands(corpus)}
    for _ in range(repeat):
        for name, command in _commands(corpus).items():
            rounds[name].append(round(_seconds(command), 2))
    medians = {name: round(statistics.median(times), 2) for name, times in rounds.items()}
    return {
        "corpus": str(corpus),
        "rounds": rounds,
        "median_seconds": medians,
        "ratio_to_bandit": {
            name: round(seconds / medians["bandit"], 2) for name, seconds in medians.items()
        },
    }


def main() -> None:
    """Time both tools and print the figures (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    result = measure(arguments.corpus, arguments.repeat)
    if arguments.json:
        print(json.dumps(result, indent=2))
        return
    for name, times in result["rounds"].items():
        print(
            f"{name:18} rounds {times}  median {result['median_seconds'][name]:7.2f} s  "
            f"x{result['ratio_to_bandit'][name]:.2f} Bandit"
        )


if __name__ == "__main__":
    main()
