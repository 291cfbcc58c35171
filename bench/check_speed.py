"""Wall time of `assay check` against `ruff check` on the same files, in the same run.

Usage::

    python bench/check_speed.py [--repeat 3]

Targets: a generated 1,000-line module (realistic helpers using the standard library and
numpy) and assay's own ``src/``. Each command runs as a user would run it (a fresh process,
``--offline --no-dynamic`` for assay, ``--isolated --no-cache`` for ruff). assay is timed
twice: with an empty cache directory (cold: installed packages are introspected) and with
the cache the cold run left (warm: the usual case from the second run on). The figure is the
ratio of medians, assay / ruff; absolute seconds depend on the machine and its load.

Run it from a checkout nobody edits meanwhile (``git worktree add /tmp/bench <rev>``, then
``PYTHONPATH=/tmp/bench/src``): the result cache keys on assay's own files, so an edit during
the run turns the "warm" run into a cold one. On a loaded machine compare the CPU seconds
(load hardly moves them) as well as the wall times.

The default run (static rules and the sandboxed probes) is timed on the 1,000-line module
against the static run of the same file, both without the result cache (issue 19 item 7: at
most 2x); ``--against OTHER_SRC`` times another tree's ``src/`` the same way in the same run
(A/B of a change: ``git worktree add /tmp/old <rev>``, then ``--against /tmp/old/src``).

Every process runs as an installed tool runs: with byte-code. assay is installed editable here,
and this workplace sets ``PYTHONDONTWRITEBYTECODE=1``, so without care each assay process
recompiled its ~160 modules (about 0.4 s) while Bandit and ruff, installed from wheels, did
not; the script compiles assay's package once (what ``pip install`` of a wheel does) and
drops that variable from the children's environment.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _user_environment(**overrides: str) -> dict[str, str]:
    """The environment of a user's shell: byte-code on, plus `overrides`."""
    import os

    env = {**os.environ, **overrides}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("ASSAY_NO_CACHE", None)
    return env


def _byte_compile() -> None:
    """Compile assay's package as a wheel install would (an editable install does not)."""
    import compileall

    import assay

    compileall.compile_dir(Path(assay.__file__).parent, quiet=1)


_BLOCK = '''
def load_records_{n}(path: str) -> list[dict]:
    """Read JSON lines from `path`, skipping blank lines."""
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line:
                records.append(json.loads(line))
    return records


def summarise_{n}(values: list[float]) -> dict[str, float]:
    """Mean, median and spread of `values`."""
    data = np.asarray(values, dtype=float)
    return {{
        "mean": float(np.mean(data)),
        "median": statistics.median(values),
        "norm": float(np.linalg.norm(data)),
    }}


def newest_{n}(folder: str, suffix: str = ".log") -> str | None:
    """The most recently modified file in `folder` with `suffix`."""
    candidates = sorted(Path(folder).glob(f"*{{suffix}}"), key=os.path.getmtime)
    return str(candidates[-1]) if candidates else None


class Cache{n}:
    """A tiny LRU cache."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self.items: collections.OrderedDict[str, object] = collections.OrderedDict()

    def get(self, key: str) -> object | None:
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        return None
'''

_HEADER = """import collections
import json
import os
import statistics
from pathlib import Path

import numpy as np
"""


def thousand_line_module() -> str:
    """A deterministic module of at least 1,000 lines."""
    parts = [_HEADER]
    n = 0
    while sum(p.count("\n") for p in parts) < 1000:
        parts.append(textwrap.dedent(_BLOCK).format(n=n))
        n += 1
    return "".join(parts)


def _time(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(
            f"{' '.join(command)} failed ({completed.returncode}):\n{completed.stderr[-2000:]}"
        )
    return elapsed


def measure(target: Path, repeat: int, extra: list[str]) -> dict[str, float]:
    """Median seconds for ruff, cold assay and warm assay on `target`."""

    assay = [
        sys.executable,
        "-m",
        "assay",
        "check",
        str(target),
        "--offline",
        "--no-dynamic",
        "--format",
        "json",
        *extra,
    ]
    ruff = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", str(target)]
    ruff_times, cold, warm = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="assay-bench-cache-") as cache:
            env = _user_environment(ASSAY_CACHE_DIR=cache, ASSAY_OFFLINE="1")
            ruff_times.append(_time(ruff, env))
            cold.append(_time(assay, env))
            warm.append(_time(assay, env))
    return {
        "ruff": statistics.median(ruff_times),
        "assay_cold": statistics.median(cold),
        "assay_warm": statistics.median(warm),
    }


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MiB of `command`. The CPU time (user +
    system) counts the process and the children it waited for (``-j`` workers, Bandit's and
    jedi's subprocesses): unlike wall time it hardly moves with the machine's load. The peak
    is of the process alone (forked workers are not counted, so assay's figure is run with
    ``-j 1`` beside it)."""
    import os

    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        stderr = process.stderr.read() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed ({code}):\n{stderr[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def corpus(target: Path, repeat: int) -> dict[str, float]:
    """Issue 19's corpus figures: Bandit, ruff and assay (static; cold with an empty cache,
    warm on the unchanged tree; -j 1 and all cores), medians of `repeat` runs."""

    base = [sys.executable, "-m", "assay", "check", str(target), "--offline", "--no-dynamic"]
    base += ["--format", "json", "--no-ledger"]
    commands = {
        "bandit": [sys.executable, "-m", "bandit", "-r", "-q", "-f", "json", str(target)],
        "ruff": [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", str(target)],
        "assay_cold_j1": [*base, "-j", "1"],
        "assay_cold": base,
    }
    times: dict[str, list[float]] = {name: [] for name in [*commands, "assay_warm"]}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    memory: dict[str, list[float]] = {name: [] for name in times}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="assay-bench-cache-") as cache:
            env = _user_environment(ASSAY_CACHE_DIR=cache, ASSAY_OFFLINE="1")
            for name, command in commands.items():
                if name.startswith("assay_cold"):
                    # Each cold run starts from an empty cache.
                    shutil.rmtree(Path(cache) / "check", ignore_errors=True)
                seconds, processor, mib = _run(command, env)
                times[name].append(seconds)
                cpu[name].append(processor)
                memory[name].append(mib)
            seconds, processor, mib = _run(base, env)
            times["assay_warm"].append(seconds)
            cpu["assay_warm"].append(processor)
            memory["assay_warm"].append(mib)
    result = {f"{name}_s": statistics.median(values) for name, values in times.items()}
    result.update({f"{name}_cpu": statistics.median(v) for name, v in cpu.items()})
    result.update({f"{name}_mib": statistics.median(v) for name, v in memory.items()})
    return result


def dynamic_cost(module: Path, repeat: int, trees: dict[str, Path]) -> dict[str, float]:
    """Median seconds of the static run and of the default run (static + the dynamic stages)
    of `module`, without the result cache, per source tree in `trees` (``{label: src}``);
    the runs alternate, so load drifts hit every figure alike."""
    base = [sys.executable, "-m", "assay", "check", str(module), "--offline", "--no-ledger"]
    base += ["--no-cache", "--format", "json", "-j", "1"]
    commands = {"static": [*base, "--no-dynamic"], "default": base}
    times: dict[str, list[float]] = {}
    for label, src in trees.items():
        env = _user_environment(PYTHONPATH=str(src))
        _run(commands["static"], env)  # byte-compile that tree, fill the knowledge caches
        for _ in range(repeat):
            for kind, command in commands.items():
                times.setdefault(f"{label}_{kind}", []).append(_run(command, env)[0])
    return {name: statistics.median(values) for name, values in times.items()}


def small_file(repeat: int) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds for `assay check` on a 4-line file, end to end (a fresh process):
    static only and the default run (static + the sandboxed probes), each cold (empty cache)
    and warm; and the interpreter alone (``python -c pass``: site and .pth files), the floor
    under every figure."""
    with tempfile.TemporaryDirectory(prefix="assay-bench-") as scratch:
        file = Path(scratch) / "four.py"
        file.write_text("def double(x: int) -> int:\n    return 2 * x\n\n\n", encoding="utf-8")
        env = _user_environment(ASSAY_CACHE_DIR=scratch, ASSAY_OFFLINE="1")
        base = [sys.executable, "-m", "assay", "check", str(file), "--no-ledger"]

        def median_of(command: list[str]) -> tuple[float, float]:
            runs = [_run(command, env) for _ in range(repeat)]
            return (
                statistics.median(wall for wall, _, _ in runs),
                statistics.median(cpu for _, cpu, _ in runs),
            )

        result = {"python alone": median_of([sys.executable, "-c", "pass"])}
        for label, command in (("static", [*base, "--no-dynamic"]), ("default", base)):
            result[f"{label} cold"] = median_of([*command, "--no-cache"])
            _run(command, env)
            result[f"{label} warm"] = median_of(command)
        return result


def _print_dynamic_cost(repeat: int, against: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="assay-bench-") as scratch:
        module = Path(scratch) / "thousand_lines.py"
        module.write_text(thousand_line_module(), encoding="utf-8")
        trees = {"this": ROOT / "src"}
        if against is not None:
            trees["against"] = against.resolve()
        cost = dynamic_cost(module, repeat, trees)
    for label in trees:
        static, default = cost[f"{label}_static"], cost[f"{label}_default"]
        print(
            f"1,000-line module ({label} {trees[label]}): static {static:.2f}s, default "
            f"(dynamic probes) {default:.2f}s (x{default / static:.2f} the static time)"
        )


def main(argv: list[str] | None = None) -> int:
    """Print one line per target with the seconds and the ratios to ruff."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="Also time Bandit, ruff and assay on this tree (issue 19: the real-code corpus).",
    )
    parser.add_argument(
        "--corpus-only",
        action="store_true",
        help="Only the 4-line file and the corpus (issue 19's targets), not the 1,000-line "
        "file and assay's src/.",
    )
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        help="Another tree's src/ to time the dynamic run of the 1,000-line module with, too.",
    )
    parser.add_argument(
        "--dynamic-only",
        action="store_true",
        help="Only the default (dynamic) run against the static run of the 1,000-line module.",
    )
    args = parser.parse_args(argv)
    _byte_compile()
    if not args.corpus_only:
        _print_dynamic_cost(args.repeat, args.against)
    if args.dynamic_only:
        return 0
    four = small_file(args.repeat)
    print(
        "4-line file, end to end (wall, CPU): "
        + ", ".join(f"{name} {wall:.2f}s {cpu:.2f}s" for name, (wall, cpu) in four.items())
    )
    if args.corpus is not None:
        figures = corpus(args.corpus, args.repeat)
        bandit, ruff = figures["bandit_s"], figures["ruff_s"]
        bandit_cpu = figures["bandit_cpu"]
        print(
            f"corpus {args.corpus}: bandit {bandit:.2f}s (CPU {bandit_cpu:.2f}s) "
            f"{figures['bandit_mib']:.0f} MiB, ruff {ruff:.2f}s"
        )
        for name in ("assay_cold_j1", "assay_cold", "assay_warm"):
            seconds, processor = figures[name + "_s"], figures[name + "_cpu"]
            print(
                f"  {name}: {seconds:.2f}s (x{seconds / bandit:.2f} bandit, x{seconds / ruff:.1f} "
                f"ruff), CPU {processor:.2f}s (x{processor / bandit_cpu:.2f} bandit's), "
                f"{figures[name + '_mib']:.0f} MiB (x{figures[name + '_mib'] / figures['bandit_mib']:.2f} bandit)"
            )
    if args.corpus_only:
        return 0
    startup = statistics.median(
        _time([sys.executable, "-m", "assay", "rules"], _user_environment())
        for _ in range(args.repeat)
    )
    print(f"assay start-up alone (`assay rules`): {startup:.2f}s")
    with tempfile.TemporaryDirectory(prefix="assay-bench-") as scratch:
        module = Path(scratch) / "thousand_lines.py"
        module.write_text(thousand_line_module(), encoding="utf-8")
        lines = module.read_text(encoding="utf-8").count("\n")
        targets = {f"{lines}-line file": module, "assay src/": ROOT / "src"}
        for label, target in targets.items():
            for rules, extra in (
                ("all static rules", []),
                ("hallucination only", ["--select", "hallucination"]),
            ):
                result = measure(target, args.repeat, extra)
                print(
                    f"{label}, {rules}: ruff {result['ruff']:.2f}s, assay warm "
                    f"{result['assay_warm']:.2f}s (x{result['assay_warm'] / result['ruff']:.1f}), "
                    f"assay cold {result['assay_cold']:.2f}s "
                    f"(x{result['assay_cold'] / result['ruff']:.1f})"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
