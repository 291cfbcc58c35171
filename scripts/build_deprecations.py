"""Validate src/assay/knowledge/data/deprecations.toml and cross-check it against this interpreter.

Usage::

    python scripts/build_deprecations.py          # validate + cross-check, exit 1 on problems

The table is curated by hand (every record cites its source). This script is the re-runnable
step that keeps it honest: it parses and indexes the table exactly as assay does, then, for
stdlib records whose removal version is <= the running Python, checks that the name is really
gone, and for those not yet removed, that it still exists (so a typo in a symbol shows up).
Only the standard library is imported, never third-party packages.
"""

from __future__ import annotations

import importlib
import sys
import warnings

from assay.knowledge.deprecations import ApiRecord, load_table, parse_version


def _exists(symbol: str) -> bool | None:
    """Whether `symbol` exists in this interpreter's stdlib (None when undecidable)."""
    parts = symbol.split(".")
    for split in range(len(parts), 0, -1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                obj: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def _check(record: ApiRecord) -> str | None:
    if record.package != "python" or record.kind in {"keyword-argument"} or record.when:
        return None
    exists = _exists(record.symbol)
    removed = record.removed_in and sys.version_info[:2] >= parse_version(record.removed_in)
    if removed and exists:
        return f"{record.symbol}: listed as removed in {record.removed_in} but exists here"
    if not removed and exists is False and record.kind != "method-on-receiver":
        return f"{record.symbol}: not removed before {record.removed_in} but missing here"
    return None


def main() -> int:
    table = load_table()
    problems = [p for p in (_check(r) for r in table.records) if p]
    by_package: dict[str, int] = {}
    for record in table.records:
        by_package[record.package] = by_package.get(record.package, 0) + 1
    print(f"{len(table.records)} records, {len(table.types)} receiver types")
    for package, count in sorted(by_package.items()):
        print(f"  {package:<22} {count}")
    for problem in problems:
        print(f"problem: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
