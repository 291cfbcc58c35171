"""`assay check` time on a 1,000-line file with every family on, as a ratio to the foundation.

Usage::

    python bench/check_all_families.py [--repeats 3] [--lines 1000]

The file is assembled deterministically from the snippets under tests/corpus/ (assistant-style
answers of every family, bad and clean) until it has at least `--lines` lines. The same run
then times the real CLI (``python -m assay check FILE --offline``) four ways, interleaved,
`--repeats` times each, keeping the fastest (snippets importing packages that are not installed
are left out, so the sandboxed probes can import the file):

* foundation: ``--select AS1 --no-dynamic`` (the static hallucination rules only);
* the foundation plus the deprecated and performance families, static;
* all families, static: ``--no-dynamic``;
* all families, dynamic: every rule including the sandboxed probes.

It prints the seconds and the ratios to the foundation's time. The ratios, not the seconds,
are the figure to compare between machines.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[1] / "tests" / "corpus"


def _importable(path: Path) -> bool:
    """Every top-level module the snippet imports is installed (so the sandboxed probes can
    import the assembled file; one missing package would make them skip it all)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tops: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            tops.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            tops.add(node.module.partition(".")[0])
    return all(importlib.util.find_spec(top) is not None for top in tops)


def build_file(lines: int, root: Path = CORPORA) -> str:
    """At least `lines` lines of Python made of importable corpus snippets, in a fixed order."""
    snippets = [p for p in sorted(root.glob("*/*.py")) if _importable(p)]
    if not snippets:
        raise SystemExit(f"no corpus snippets under {root}")
    parts: list[str] = []
    total = 0
    index = 0
    while total < lines:
        path = snippets[index % len(snippets)]
        text = path.read_text(encoding="utf-8").rstrip() + "\n\n\n"
        parts.append(f"# --- {path.parent.name}/{path.name}\n{text}")
        total += text.count("\n") + 1
        index += 1
    return "".join(parts)


def time_check(path: Path, extra: list[str]) -> float:
    """Wall-clock seconds of one ``assay check path --offline *extra`` (a fresh process)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "assay", "check", str(path), "--offline", "-f", "json", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"assay check failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


CONFIGURATIONS = {
    "foundation (--select AS1 --no-dynamic)": ["--select", "AS1", "--no-dynamic"],
    "AS1 + deprecated + performance, static": [
        "--select",
        "AS1,deprecated,performance",
        "--no-dynamic",
    ],
    "all families, static (--no-dynamic)": ["--no-dynamic"],
    "all families, dynamic probes on": [],
}


def main(argv: list[str] | None = None) -> int:
    """Build the file, time the three configurations, print seconds and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "answers.py"
        text = build_file(args.lines)
        target.write_text(text, encoding="utf-8")
        best = dict.fromkeys(CONFIGURATIONS, float("inf"))
        # Interleaved, so drift in the machine's load hits every configuration alike.
        for _ in range(args.repeats):
            for label, extra in CONFIGURATIONS.items():
                best[label] = min(best[label], time_check(target, extra))
    foundation = next(iter(best.values()))
    print(
        f"file: {text.count(chr(10))} lines assembled from tests/corpus/*/*.py; "
        f"best of {args.repeats}, interleaved"
    )
    for label, seconds in best.items():
        print(f"{label:<42} {seconds:6.2f} s   ratio {seconds / foundation:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
