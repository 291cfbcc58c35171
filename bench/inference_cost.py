"""Time the static stage adds per file by receiver-type inference (jedi), as a ratio.

Usage::

    git worktree add /tmp/kn-base <commit before inference>
    python bench/inference_cost.py --base /tmp/kn-base/src --files-from /tmp/sample.txt [--repeat 3]

Runs ``assay check --offline --no-dynamic --no-cache -j 1 --format json`` on the same files
with assay's sources from `--base` (no inference) and from this tree, alternately, `--repeat`
times each, after one untimed warm-up run each (the introspection disk cache is then warm for
both: the figure is the inference, not the first description of a package). Prints the
median wall times, their ratio, the added seconds per file, and the AS103/AS104 findings each
side reported (the inferred ones are new; none may disappear).
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

ROOT = Path(__file__).resolve().parents[1]


def _run(src: Path, files: list[str], extra: list[str]) -> tuple[float, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(src), "ASSAY_OFFLINE": "1"}
    command = [sys.executable, "-m", "assay", "check", "--offline", "--no-dynamic"]
    command += ["--no-cache", "-j", "1", "--format", "json", *extra, *files]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    report = json.loads(done.stdout)
    found = sorted(
        f"{f['path']}:{f['line']} {f['rule']} {f['message'][:120]}"
        for f in report["findings"]
        if f["rule"] in {"AS103", "AS104"}
    )
    return seconds, found


def main() -> int:
    """Print the medians, the ratio and the findings that differ."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="src/ of assay without it")
    parser.add_argument("--files-from", type=Path, required=True, help="one path a line")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--select", default="", help="e.g. hallucination (default: all static)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    files = [f for f in args.files_from.read_text(encoding="utf-8").split() if f]
    extra = ["--select", args.select] if args.select else []
    here = ROOT / "src"
    _run(args.base, files, extra)
    _run(here, files, extra)
    base_times: list[float] = []
    new_times: list[float] = []
    base_found: list[str] = []
    new_found: list[str] = []
    for _ in range(args.repeat):
        seconds, base_found = _run(args.base, files, extra)
        base_times.append(seconds)
        seconds, new_found = _run(here, files, extra)
        new_times.append(seconds)
    base, new = statistics.median(base_times), statistics.median(new_times)
    added = sorted(set(new_found) - set(base_found))
    lost = sorted(set(base_found) - set(new_found))
    result = {
        "files": len(files),
        "select": args.select or "all static",
        "base_s": [round(t, 2) for t in base_times],
        "with_inference_s": [round(t, 2) for t in new_times],
        "ratio": round(new / base, 2),
        "added_s_per_file": round((new - base) / len(files), 3),
        "new_findings": added,
        "lost_findings": lost,
    }
    print(
        f"{len(files)} files, {result['select']}: without inference {base:.2f} s, with "
        f"{new:.2f} s (median of {args.repeat}): x{result['ratio']}, "
        f"+{result['added_s_per_file']} s per file"
    )
    for line in added:
        print(f"  new: {line}")
    for line in lost:
        print(f"  LOST: {line}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
