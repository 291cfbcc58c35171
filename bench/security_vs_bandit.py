"""Bandit alone versus assay's security family, on the same fixtures, in the same run.

Usage::

    python bench/security_vs_bandit.py            # tests/corpus/security
    python bench/security_vs_bandit.py --json     # machine-readable figures

The corpus is ``tests/corpus/security/``: assistant-style answers with a ``# vuln`` comment
on each vulnerable line, and their clean twins (``manifest.json`` lists ``[]`` for a twin).
Neither tool reads those comments.

* Bandit runs as its users run it: ``BanditManager`` with the default configuration and
  profile (every test, every severity), one manager for all files.
* assay runs ``assay.check(path, select=["security"])`` (Bandit relayed in-process as AS300,
  plus AS301-AS314), offline, static only.

A tool *detects* a vulnerable file when one of its results covers a ``# vuln`` line (Bandit:
the issue's line range; assay: the finding's line span). A clean twin is a *false positive*
when the tool reports anything on it; the figures are also given counting only results that
would fail a build (Bandit severity MEDIUM or HIGH; assay warning or error).

Exit status 0 always: the figures are the output.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
import warnings
from pathlib import Path
from typing import Any

import assay
from assay.model import Severity

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "security"


def vulnerable_lines(path: Path) -> set[int]:
    """Lines carrying a ``# vuln`` marker."""
    return {
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "# vuln" in line
    }


def run_bandit(paths: list[Path]) -> tuple[dict[str, list[dict[str, Any]]], float]:
    """Bandit's issues per file (default config and profile) and the seconds it took."""
    logging.getLogger("bandit").setLevel(logging.ERROR)
    logging.getLogger("stevedore").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from bandit.core import config, manager

        started = time.perf_counter()
        bandit = manager.BanditManager(config.BanditConfig(), "file")
        bandit.discover_files([str(p) for p in paths])
        bandit.run_tests()
    elapsed = time.perf_counter() - started
    issues: dict[str, list[dict[str, Any]]] = {str(p): [] for p in paths}
    for issue in bandit.get_issue_list():
        issues.setdefault(issue.fname, []).append(
            {
                "test_id": issue.test_id,
                "severity": str(issue.severity),
                "lines": list(issue.linerange) or [issue.lineno],
            }
        )
    return issues, elapsed


def run_assay(paths: list[Path]) -> tuple[dict[str, list[dict[str, Any]]], float]:
    """assay's security findings per file and the seconds it took."""
    started = time.perf_counter()
    found: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        report = assay.check(path, select=["security"], offline=True, dynamic=False)
        if report.errors:
            raise SystemExit(f"{path.name}: {report.errors[0].message}")
        found[str(path)] = [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "lines": list(range(f.line, (f.end_line or f.line) + 1)),
            }
            for f in report.findings
        ]
    return found, time.perf_counter() - started


def compare(corpus: Path = CORPUS) -> dict[str, Any]:
    """Per-file detection for both tools, recall, and false positives on clean twins."""
    manifest: dict[str, list[str]] = json.loads((corpus / "manifest.json").read_text())
    paths = [corpus / name for name in sorted(manifest)]
    bandit, bandit_seconds = run_bandit(paths)
    ours, assay_seconds = run_assay(paths)
    rows = []
    for path in paths:
        marked = vulnerable_lines(path)
        b_results = bandit.get(str(path), [])
        a_results = ours.get(str(path), [])
        rows.append(
            {
                "file": path.name,
                "vulnerable": bool(manifest[path.name]),
                "expected": manifest[path.name],
                "bandit": sorted({r["test_id"] for r in b_results if marked & set(r["lines"])}),
                "assay": sorted({r["rule"] for r in a_results if marked & set(r["lines"])}),
                "bandit_any": len(b_results),
                "bandit_blocking": sum(r["severity"] in {"MEDIUM", "HIGH"} for r in b_results),
                "assay_any": len(a_results),
                "assay_blocking": sum(
                    Severity(r["severity"]).rank >= Severity.WARNING.rank for r in a_results
                ),
            }
        )
    vulnerable = [r for r in rows if r["vulnerable"]]
    clean = [r for r in rows if not r["vulnerable"]]
    return {
        "files": len(rows),
        "vulnerable_files": len(vulnerable),
        "clean_twins": len(clean),
        "bandit_detected": sum(bool(r["bandit"]) for r in vulnerable),
        "assay_detected": sum(bool(r["assay"]) for r in vulnerable),
        "bandit_fp_files": sum(r["bandit_any"] > 0 for r in clean),
        "bandit_fp_files_blocking": sum(r["bandit_blocking"] > 0 for r in clean),
        "assay_fp_files": sum(r["assay_any"] > 0 for r in clean),
        "assay_fp_files_blocking": sum(r["assay_blocking"] > 0 for r in clean),
        "bandit_seconds": round(bandit_seconds, 2),
        "assay_seconds": round(assay_seconds, 2),
        "rows": rows,
    }


def _print(result: dict[str, Any]) -> None:
    print(f"{'file':30} {'expected':16} {'bandit (on # vuln line)':26} assay (on # vuln line)")
    for row in result["rows"]:
        if row["vulnerable"]:
            print(
                f"{row['file']:30} {','.join(row['expected']):16} "
                f"{','.join(row['bandit']) or '-- missed':26} {','.join(row['assay']) or '-- missed'}"
            )
    print()
    print(f"{'clean twin':30} {'bandit results':26} assay findings")
    for row in result["rows"]:
        if not row["vulnerable"]:
            print(
                f"{row['file']:30} {row['bandit_any']:>3} ({row['bandit_blocking']} MEDIUM+)"
                f"{'':11} {row['assay_any']:>3} ({row['assay_blocking']} warning+)"
            )
    vulnerable, clean = result["vulnerable_files"], result["clean_twins"]
    print()
    for tool in ("bandit", "assay"):
        detected = result[f"{tool}_detected"]
        print(
            f"{tool:7} recall {detected}/{vulnerable} = {detected / vulnerable:.1%}   "
            f"FP clean twins {result[f'{tool}_fp_files']}/{clean} (blocking: "
            f"{result[f'{tool}_fp_files_blocking']}/{clean})   {result[f'{tool}_seconds']} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    arguments = parser.parse_args()
    result = compare(arguments.corpus)
    if arguments.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)


if __name__ == "__main__":
    main()
