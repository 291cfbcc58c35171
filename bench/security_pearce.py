"""assay's security family beside Bandit on Pearce et al.'s Copilot programs, per CWE.

Usage::

    python bench/security_pearce.py                 # /work/shared/data/security
    python bench/security_pearce.py --json          # machine-readable figures

The corpus (``pearce2022_copilot_cwe.json``, see its README) holds 571 programs Copilot
completed for 29 CWE scenarios, each labelled vulnerable or not for its scenario's CWE.

* Bandit runs as its users run it: ``BanditManager``, default configuration and profile, one
  manager over all programs (written to a temporary directory).
* assay runs ``assay.check_source(code, select=["security"])``, offline, static only.

A result is *relevant* when its CWE is the scenario's CWE or one of its MITRE descendants
(``DESCENDANTS``: CWE-259/321 are kinds of CWE-798, CWE-23/36 of CWE-22, CWE-203/204/209/215/
359/532 of CWE-200, CWE-256/257 of CWE-522), nothing looser:
for assay the finding's ``cwe`` or ``cwe_also`` evidence, or the CWE of a Bandit result it
relays; for Bandit the test's CWE. A result is *blocking* when it would fail a build: Bandit
severity MEDIUM or HIGH, assay warning or error. Per CWE the script prints, for both tools,
relevant blocking results on the vulnerable programs (detection) and on the programs labelled
not vulnerable (flags), and the same counting results of any severity.

Exit status 0 always: the figures are the output.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import assay
from assay.model import Finding, Severity

DATA = Path("/work/shared/data/security/pearce2022_copilot_cwe.json")
#: MITRE CWE ChildOf relations (transitively) for the scenario CWEs where a tool reports a
#: more specific weakness: a hard-coded password (259) is a hard-coded credential (798).
DESCENDANTS = {
    798: {259, 321},
    22: {23, 36},
    200: {203, 204, 209, 215, 359, 532},
    522: {256, 257},
}


Results = dict[str, list[tuple[int, bool, frozenset[int]]]]


def _bandit_cwes(sources: dict[str, str]) -> tuple[Results, float]:
    """Per program: (CWE, blocking, lines) of each Bandit result, and the seconds it took."""
    logging.getLogger("bandit").setLevel(logging.ERROR)
    logging.getLogger("stevedore").setLevel(logging.CRITICAL)
    with warnings.catch_warnings(), tempfile.TemporaryDirectory() as folder:
        warnings.simplefilter("ignore")
        from bandit.core import config, manager

        paths = {}
        for name, code in sources.items():
            path = Path(folder) / name
            path.write_text(code, encoding="utf-8")
            paths[str(path)] = name
        started = time.perf_counter()
        bandit = manager.BanditManager(config.BanditConfig(), "file")
        bandit.discover_files(sorted(paths))
        bandit.run_tests()
        elapsed = time.perf_counter() - started
        found: Results = {name: [] for name in sources}
        for issue in bandit.get_issue_list():
            cwe = getattr(issue.cwe, "id", 0) or 0
            blocking = str(issue.severity) in {"MEDIUM", "HIGH"}
            lines = frozenset(issue.linerange or [issue.lineno])
            found[paths[issue.fname]].append((int(cwe), blocking, lines))
    return found, elapsed


def _finding_cwes(finding: Finding) -> set[int]:
    """Every CWE a finding speaks for: its own, its secondary ones, relayed Bandit results'."""
    evidence = finding.evidence
    cwes = {evidence.get("cwe")} | set(evidence.get("cwe_also", ()))
    for relayed in evidence.get("bandit", ()):
        cwes |= {relayed.get("cwe"), *relayed.get("cwe_also", ())}
    return {int(cwe) for cwe in cwes if isinstance(cwe, int) and cwe}


def _assay_cwes(sources: dict[str, str]) -> tuple[Results, float]:
    """Per program: (CWE, blocking, lines) of each assay security finding (one entry per CWE
    it speaks for; CWE 0 when it names none), and the seconds taken."""
    started = time.perf_counter()
    found: Results = {}
    for name, code in sources.items():
        report = assay.check_source(
            code, name=name, select=["security"], offline=True, dynamic=False
        )
        found[name] = [
            (
                cwe,
                finding.severity.rank >= Severity.WARNING.rank,
                # the lines a finding speaks for: its span and where its value was built
                frozenset(range(finding.line, (finding.end_line or finding.line) + 1))
                | {int(n) for n in finding.evidence.get("construction_lines", ())},
            )
            for finding in report.findings
            for cwe in _finding_cwes(finding) or {0}
        ]
    return found, time.perf_counter() - started


def compare(data: Path = DATA) -> dict[str, Any]:
    """Per-CWE detection (vulnerable programs) and flags (the others) for both tools."""
    entries = json.loads(data.read_text(encoding="utf-8"))
    sources = {f"p{i:03d}_{e['file_id']}": e["code"] for i, e in enumerate(entries)}
    labels = {
        name: (int(e["cwe"].split("-")[1]), bool(e["vulnerable"]))
        for name, e in zip(sources, entries, strict=True)
    }
    tools = {}
    seconds = {}
    tools["bandit"], seconds["bandit"] = _bandit_cwes(sources)
    tools["assay"], seconds["assay"] = _assay_cwes(sources)
    table: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, (cwe, vulnerable) in labels.items():
        row = table[cwe]
        group = "vuln" if vulnerable else "safe"
        row[group] += 1
        for tool, found in tools.items():
            wanted = {cwe, *DESCENDANTS.get(cwe, ())}
            relevant = [blocking for c, blocking, _ in found[name] if c in wanted]
            row[f"{tool}_{group}_blocking"] += any(relevant)
            row[f"{tool}_{group}_any"] += bool(relevant)
    # never weaker than Bandit: each Bandit MEDIUM/HIGH result has an assay warning or error
    # on one of its lines
    blocking_bandit = weaker = 0
    for name, results in tools["bandit"].items():
        shown = set().union(*(lines for _, b, lines in tools["assay"][name] if b))
        for _, blocking, lines in results:
            blocking_bandit += blocking
            weaker += blocking and not lines & shown
    per_cwe = {f"CWE-{cwe}": dict(row) for cwe, row in sorted(table.items())}
    total: dict[str, int] = defaultdict(int)
    for row in per_cwe.values():
        for key, value in row.items():
            total[key] += value
    return {
        "per_cwe": per_cwe,
        "total": dict(total),
        "bandit_blocking_results": blocking_bandit,
        "assay_weaker_than_bandit": weaker,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }


def _ratio(part: int, whole: int) -> str:
    return f"{part:>3}/{whole:<3} {part / whole:6.1%}" if whole else f"{part:>3}/{whole:<3}    n/a"


def _print(result: dict[str, Any]) -> None:
    head = "detection on vulnerable (blocking)"
    print(f"{'CWE':8} {head:^40} {'flags on not vulnerable (blocking)':^40}")
    print(f"{'':8} {'bandit':>19} {'assay':>19}  {'bandit':>19} {'assay':>19}")
    rows = [*result["per_cwe"].items(), ("total", result["total"])]
    for cwe, row in rows:
        print(
            f"{cwe:8} {_ratio(row.get('bandit_vuln_blocking', 0), row.get('vuln', 0)):>19} "
            f"{_ratio(row.get('assay_vuln_blocking', 0), row.get('vuln', 0)):>19}  "
            f"{_ratio(row.get('bandit_safe_blocking', 0), row.get('safe', 0)):>19} "
            f"{_ratio(row.get('assay_safe_blocking', 0), row.get('safe', 0)):>19}"
        )
    total = result["total"]
    print()
    for tool in ("bandit", "assay"):
        print(
            f"{tool:7} any severity: detection "
            f"{_ratio(total.get(f'{tool}_vuln_any', 0), total['vuln'])}, flags "
            f"{_ratio(total.get(f'{tool}_safe_any', 0), total['safe'])}   "
            f"{result['seconds'][tool]} s"
        )
    print(
        f"Bandit MEDIUM/HIGH results: {result['bandit_blocking_results']}; of those without an "
        f"assay warning/error on their lines: {result['assay_weaker_than_bandit']}"
    )


def main() -> None:
    """Run both tools over the corpus and print the per-CWE table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--data", type=Path, default=DATA)
    arguments = parser.parse_args()
    result = compare(arguments.data)
    if arguments.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)


if __name__ == "__main__":
    main()
