"""Does the cost of `assay check` grow linearly with the input? (issue 28 item 6)

Usage::

    python bench/hostile_scaling.py [--sizes 1000,2000,4000,25000] [--timeout 600]
        [--modes static,default] [--src SRC] [--no-big]

Generates one module per size with that many small, fully hinted functions (each a few lines
with a branch and a docstring), and one 20 MB module, then runs ``assay check`` on each as a
user would (a fresh process; ``--offline --no-ledger --format json``; ``--no-dynamic`` for
the static mode, nothing more for the default mode). For every run it prints the wall time
and the peak resident memory of the assay process, then the ratios against the smallest
size of the same mode in the same run: linear cost means the time ratio follows the size
ratio (2, 4, 25), quadratic cost means its square (4, 16, 625). Absolute seconds depend on the
machine and its load; the ratios are the figure. A run that does not finish within
``--timeout`` seconds is reported as such (and its ratio as a lower bound).

The 20 MB module is over the default ``max-file-bytes`` (5 MB), so the figure for it is the
cost of reporting the cap: it must be about that of a tiny file, not gigabytes.

``--src`` runs another checkout's ``src/`` (e.g. a ``git worktree`` of an older commit) for
before/after figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_FUNCTION = '''

def clamp_{n}(value: int, low: int, high: int) -> int:
    """Limit `value` to the range [low, high]."""
    if value < low:
        return low
    return min(value, high)
'''


@dataclass(frozen=True)
class Run:
    """One `assay check` process: what it checked, how long it took, how much it held."""

    label: str
    mode: str
    size: int
    seconds: float
    peak_mb: float
    finished: bool
    summary: str


def _module(functions: int) -> str:
    return '"""Generated helpers."""\n' + "".join(_FUNCTION.format(n=n) for n in range(functions))


def _big_module(megabytes: int) -> str:
    # Valid Python made of one repeated assignment: the point is the size, not the content.
    line = "value = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]\n"
    return '"""Generated data."""\n' + line * (megabytes * 1_000_000 // len(line) + 1)


def _run(path: Path, *, mode: str, src: Path, timeout: float, label: str, size: int) -> Run:
    command = [sys.executable, "-m", "assay", "check", str(path), "--offline", "--no-ledger"]
    command += ["--format", "json"]
    if mode == "static":
        command.append("--no-dynamic")
    env = {**os.environ, "PYTHONPATH": str(src), "ASSAY_OFFLINE": "1", "ASSAY_NO_LEDGER": "1"}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=path.parent
        )
        finished = True
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                finished = False
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
    summary = _summary(output) if finished else f"killed after {timeout:g} s"
    # ru_maxrss is in KiB on Linux: the largest resident set of the assay process itself.
    return Run(label, mode, size, seconds, usage.ru_maxrss / 1024, finished, summary)


def _summary(output: str) -> str:
    start = output.find("{")
    try:
        report = json.loads(output[start:])
    except ValueError:
        return "no JSON report: " + output.strip().splitlines()[-1][:200] if output else "empty"
    errors = report.get("errors", [])
    messages = "; ".join(f"{e.get('kind')}: {e.get('message', '')[:90]}" for e in errors[:2])
    return f"{len(report.get('findings', []))} findings, {len(errors)} errors" + (
        f" ({messages})" if messages else ""
    )


def main(argv: list[str] | None = None) -> int:
    """Run the scaling bench and print every run and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,4000,25000")
    parser.add_argument("--modes", default="static,default")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--no-big", action="store_true", help="skip the 20 MB module")
    args = parser.parse_args(argv)
    sizes = [int(part) for part in args.sizes.split(",")]
    modes = [part for part in args.modes.split(",") if part]
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="assay-scaling-") as folder:
        base = Path(folder)
        targets: list[tuple[str, int, Path]] = []
        for size in sizes:
            path = base / f"functions_{size}" / "module.py"
            path.parent.mkdir()
            path.write_text(_module(size), encoding="utf-8")
            targets.append((f"{size} functions ({path.stat().st_size:,} bytes)", size, path))
        if not args.no_big:
            path = base / "big" / "data.py"
            path.parent.mkdir()
            path.write_text(_big_module(20), encoding="utf-8")
            targets.append((f"20 MB module ({path.stat().st_size:,} bytes)", 0, path))
        for mode in modes:
            for label, size, path in targets:
                run = _run(
                    path, mode=mode, src=args.src, timeout=args.timeout, label=label, size=size
                )
                runs.append(run)
                print(
                    f"{mode:8} {label:40} {run.seconds:8.1f} s {run.peak_mb:8.0f} MB  "
                    f"{run.summary}",
                    flush=True,
                )
    print("\nratios against the smallest size of the same mode (same run):")
    for mode in modes:
        sized = [run for run in runs if run.mode == mode and run.size]
        if not sized:
            continue
        first = sized[0]
        for run in sized[1:]:
            bound = "" if run.finished else ">="
            print(
                f"{mode:8} {run.size / first.size:6.1f}x functions: "
                f"time {bound}{run.seconds / first.seconds:6.1f}x, "
                f"peak memory {bound}{run.peak_mb / first.peak_mb:5.1f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
