"""Attribute recall on method-chain hallucinations whose receiver type the source does not state.

Usage::

    python bench/method_chain_corpus.py [--json bench/results/method_chains.json]

`bench/data/method_chains/` holds, per library (requests, pandas, numpy, httpx, SQLAlchemy),
a file of hallucinated methods, attributes and keyword arguments on call results, subscripts,
chains, ``with ... as x`` names and local functions' results (each line that must be reported
ends with ``# expect: AS103`` or ``# expect: AS104``) and a clean twin where nothing may be.
Each file is checked offline with the hallucination family only. Recall counts expected
(line, rule) pairs found; a false alarm is an AS103/AS104 finding on a line that does not
expect it (in either file). The libraries must be installed: a missing one is reported and
skipped, never counted as a miss.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import assay

CORPUS = Path(__file__).resolve().parent / "data" / "method_chains"
_EXPECT = re.compile(r"#\s*expect:\s*(AS\d{3})")
_RULES = {"AS103", "AS104"}
_MODULES = {
    "requests": "requests",
    "pandas": "pandas",
    "numpy": "numpy",
    "httpx": "httpx",
    "sqlalchemy": "sqlalchemy",
}


def _expected(source: str) -> set[tuple[int, str]]:
    return {
        (number, match.group(1))
        for number, line in enumerate(source.splitlines(), start=1)
        if (match := _EXPECT.search(line))
    }


def evaluate(corpus: Path = CORPUS) -> dict[str, object]:
    """Per-library recall, false alarms and check time."""
    libraries: dict[str, dict[str, object]] = {}
    for library, module in _MODULES.items():
        if importlib.util.find_spec(module) is None:
            libraries[library] = {"skipped": f"{module} is not installed"}
            continue
        row: dict[str, object] = {"expected": 0, "found": 0, "false_alarms": [], "missed": []}
        seconds = 0.0
        for kind in ("bad", "clean"):
            path = corpus / f"{library}_{kind}.py"
            source = path.read_text(encoding="utf-8")
            expected = _expected(source)
            started = time.perf_counter()
            report = assay.check_source(
                source, select=["hallucination"], offline=True, name=path.name
            )
            seconds += time.perf_counter() - started
            got = {(f.line, f.rule) for f in report.findings if f.rule in _RULES}
            row["expected"] = int(str(row["expected"])) + len(expected)
            row["found"] = int(str(row["found"])) + len(expected & got)
            missed = row["missed"]
            alarms = row["false_alarms"]
            assert isinstance(missed, list) and isinstance(alarms, list)
            missed += [f"{path.name}:{line} {rule}" for line, rule in sorted(expected - got)]
            alarms += [
                f"{path.name}:{f.line} {f.rule} {f.message}"
                for f in report.findings
                if f.rule in _RULES and (f.line, f.rule) not in expected
            ]
        row["seconds"] = round(seconds, 2)
        libraries[library] = row
    counted = [r for r in libraries.values() if "skipped" not in r]
    expected_total = sum(int(str(r["expected"])) for r in counted)
    found_total = sum(int(str(r["found"])) for r in counted)
    alarms_total = sum(len(r["false_alarms"]) for r in counted)  # type: ignore[arg-type]
    return {
        "libraries": libraries,
        "expected": expected_total,
        "found": found_total,
        "recall": found_total / expected_total if expected_total else 1.0,
        "false_alarms": alarms_total,
    }


def main() -> int:
    """Print the figures (and write them as JSON when asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = evaluate()
    for library, row in result["libraries"].items():  # type: ignore[attr-defined]
        if "skipped" in row:
            print(f"{library:<11} skipped: {row['skipped']}")
            continue
        print(
            f"{library:<11} recall {row['found']}/{row['expected']}, "
            f"false alarms {len(row['false_alarms'])}, {row['seconds']} s"
        )
        for line in row["missed"]:
            print(f"    missed {line}")
        for line in row["false_alarms"]:
            print(f"    FALSE ALARM {line}")
    print(
        f"total: recall {result['found']}/{result['expected']} = {result['recall']:.1%}, "
        f"false alarms {result['false_alarms']}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
