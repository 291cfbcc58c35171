"""Deprecations mined from installed libraries: counts, cold mining time and cache-hit time.

Usage::

    python bench/mined_deprecations.py [--json bench/results/mined_deprecations.json]
                                       [--show 3] [libraries ...]

For each distribution (default: ten data/ML libraries installable here; one that is not
installed is reported and skipped), mining runs cold into an empty cache directory (wall and
CPU seconds: on a loaded machine the CPU figure is the stable one), then the index is read
back from the disk cache in a fresh look-up (the hit time). It prints the counts per status
(deprecated, removed), how many entries state a since-version, a removal version and a
replacement, and `--show` entries per library to read by hand.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from assay.knowledge import mined

DEFAULT = (
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "matplotlib",
    "seaborn",
    "requests",
    "sqlalchemy",
    "pydantic",
    "networkx",
)


def measure(distribution: str, show: int) -> dict[str, object]:
    """Cold and cached figures for one installed distribution."""
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return {"skipped": "not installed"}
    mined.mined_for.cache_clear()
    wall, cpu = time.perf_counter(), time.process_time()
    index = mined.mined_for(distribution)
    cold_wall, cold_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert index is not None
    mined.mined_for.cache_clear()
    wall = time.perf_counter()
    again = mined.mined_for(distribution)
    hit = time.perf_counter() - wall
    assert again is not None and again.entries.keys() == index.entries.keys()
    entries = sorted(index.entries.values(), key=lambda e: e.symbol)
    statuses = Counter(e.status for e in entries)
    hows = Counter(e.how.split("(")[0] for e in entries)
    step = max(1, len(entries) // show) if show else 0
    sample = entries[::step][:show] if step else []
    return {
        "version": version,
        "entries": len(entries),
        "deprecated": statuses["deprecated"],
        "removed": statuses["removed"],
        "with_since": sum(1 for e in entries if e.since),
        "with_removed_in": sum(1 for e in entries if e.removed_in),
        "with_replacement": sum(1 for e in entries if e.replacement),
        "how": dict(hows.most_common()),
        "files": index.files,
        "parsed": index.parsed,
        "cold_wall_s": round(cold_wall, 2),
        "cold_cpu_s": round(cold_cpu, 2),
        "hit_s": round(hit, 4),
        "sample": [
            {
                "symbol": e.symbol,
                "status": e.status,
                "how": e.how,
                "message": e.message[:200],
                "since": e.since,
                "removed_in": e.removed_in,
                "replacement": e.replacement,
                "at": f"{e.file}:{e.line}",
            }
            for e in sample
        ],
    }


def main() -> int:
    """Print one line per library (and the samples); write JSON when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("libraries", nargs="*", default=list(DEFAULT))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--show", type=int, default=3, help="entries per library to print")
    args = parser.parse_args()
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="assay-mined-") as scratch:
        os.environ["ASSAY_CACHE_DIR"] = scratch
        for library in args.libraries:
            row = measure(library, args.show)
            results[library] = row
            if "skipped" in row:
                print(f"{library:<13} skipped: {row['skipped']}")
                continue
            print(
                f"{library:<13} {row['version']:<8} {row['entries']:>4} mined "
                f"({row['deprecated']} deprecated, {row['removed']} removed; since "
                f"{row['with_since']}, removal {row['with_removed_in']}, replacement "
                f"{row['with_replacement']}); {row['parsed']}/{row['files']} files parsed; "
                f"cold {row['cold_wall_s']} s wall / {row['cold_cpu_s']} s CPU, "
                f"cache hit {row['hit_s']} s"
            )
            for item in row["sample"]:  # type: ignore[attr-defined]
                print(
                    f"    {item['status']:<10} {item['symbol']} [{item['how']}] "
                    f"since={item['since']} removed={item['removed_in']} "
                    f"use={item['replacement']}: {item['message'][:110]}"
                )
    total = sum(int(str(r.get("entries", 0))) for r in results.values())
    print(f"total mined: {total}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
