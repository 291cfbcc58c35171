"""What each Bandit test costs and produces, as assay runs Bandit (issue 19 item 5).

Usage::

    python bench/bandit_cost.py [TREE ...]     # default: tests/corpus/security

Every Bandit test of the default profile (including those assay skips, marked ``skipped``)
runs over every ``.py`` file under the trees (the same in-process visitor assay's adapter
drives), each test function timed on its own. One line per test id: results by Bandit
severity (LOW / MEDIUM / HIGH) and the seconds its function took. The blacklist tests (B3xx, B4xx) share one function, ``B001``, whose time is
shown once; their results are counted under their own ids. The last lines give the time of
``ast.parse`` alone and of the whole visit, so the parse's share is visible.

Exit status 0 always: the figures are the output.
"""

from __future__ import annotations

import argparse
import ast
import collections
import functools
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assay.rules.security._bandit import _BANDIT_SKIPPED, _bandit, _nosec_lines

ROOT = Path(__file__).resolve().parents[1]


def _timed(test: Callable[..., Any], seconds: collections.Counter[str]) -> Callable[..., Any]:
    """`test` with its running time added to `seconds[test id]`; Bandit's attributes kept."""

    @functools.wraps(test)
    def run(*args: Any) -> Any:
        start = time.perf_counter()
        try:
            return test(*args)
        finally:
            seconds[test._test_id] += time.perf_counter() - start

    return run


def measure(files: list[Path]) -> dict[str, Any]:
    """Per test id: results by severity and seconds; plus parse and whole-visit seconds."""
    (node_visitor, meta_ast, metrics, _), _ = _bandit()
    from bandit.core import config, test_set

    tests = test_set.BanditTestSet(config.BanditConfig(), {})
    seconds: collections.Counter[str] = collections.Counter()
    timed = {kind: [_timed(t, seconds) for t in funcs] for kind, funcs in tests.tests.items()}
    original, tests.tests = tests.tests, timed
    results: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    parse = visit = 0.0
    try:
        for path in files:
            source = path.read_text(encoding="utf-8", errors="replace")
            start = time.perf_counter()
            try:
                ast.parse(source)
            except (SyntaxError, ValueError):
                continue
            parse += time.perf_counter() - start
            counts = metrics.Metrics()
            counts.begin(str(path))
            visitor = node_visitor.BanditNodeVisitor(
                str(path), io.BytesIO(source.encode("utf-8")), meta_ast.BanditMetaAst(), tests,
                False, _nosec_lines(source), counts,
            )  # fmt: skip
            start = time.perf_counter()
            visitor.process(source)
            visit += time.perf_counter() - start
            for result in visitor.tester.results:
                results[result.test_id][str(result.severity)] += 1
    finally:
        tests.tests = original
    return {"results": results, "seconds": seconds, "parse": parse, "visit": visit}


def main(argv: list[str] | None = None) -> int:
    """Print one line per Bandit test, then the parse and visit totals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, default=[ROOT / "tests/corpus/security"])
    args = parser.parse_args(argv)
    files = sorted(f for tree in args.trees for f in tree.rglob("*.py"))
    figures = measure(files)
    ids = sorted(set(figures["results"]) | set(figures["seconds"]))
    print(f"{len(files)} files; test: LOW MEDIUM HIGH results, seconds")
    for test_id in ids:
        found = figures["results"].get(test_id, collections.Counter())
        spent = figures["seconds"].get(test_id)
        cost = f"{spent:.3f}s" if spent is not None else "(in B001)"
        skipped = " (skipped by assay)" if test_id in _BANDIT_SKIPPED else ""
        print(f"{test_id}: {found['LOW']} {found['MEDIUM']} {found['HIGH']}, {cost}{skipped}")
    print(f"all tests {sum(figures['seconds'].values()):.3f}s")
    print(f"ast.parse {figures['parse']:.3f}s; whole visit {figures['visit']:.3f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
