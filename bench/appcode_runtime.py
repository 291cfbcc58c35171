"""The application-module corpus (issue 20, item 7): false alarms on clean code, bugs caught.

Usage::

    python bench/appcode_runtime.py                      # every module, dynamic probes on
    python bench/appcode_runtime.py invoice orders       # some modules
    python bench/appcode_runtime.py --output bench/results/appcode_baseline.json

``tests/corpus/appcode/clean/<module>.py`` is realistic application code (dataclasses,
enums, dicts of constants, env-driven config, file and network helpers, pydantic models);
``tests/corpus/appcode/buggy/<module>.py`` is the same file with one bug, and
``expectations.json`` says which function holds it, which rule ids count as catching it and
what counterexample a person should be shown.

Each file is checked the way a user checks it: ``python -m assay check --format json
--offline --no-ledger FILE``, in a subprocess whose ``PYTHONPATH`` starts with this
checkout's ``src/`` (``--src`` to measure another tree), so the figures belong to the code
of this branch and not to whatever assay is installed.

Figures:

* false alarms: runtime and disagreement findings on clean modules (the clean twins are
  correct, so each one is wrong); static findings are listed apart, they are not this
  corpus's subject;
* bugs caught: buggy twins where an expected rule fires on the expected function, with the
  counterexample assay shows; other runtime findings on buggy twins are listed too;
* seconds per file and in all.

Exit status 0 always: the figures are the output.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "corpus" / "appcode"
#: Families whose findings come from running the code: the subject of this corpus.
DYNAMIC_FAMILIES = frozenset({"runtime", "disagreement"})

Report = Mapping[str, Any]
Finding = Mapping[str, Any]


@dataclass(frozen=True)
class Expectation:
    """Where a buggy twin's bug is and what catching it means."""

    module: str
    function: str
    rules: tuple[str, ...]
    bug: str
    evidence: str


def load_expectations(path: Path) -> dict[str, Expectation]:
    """``expectations.json`` as `Expectation` by module name (keys starting with ``_`` are
    comments)."""
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: Expectation(
            module=name,
            function=entry["function"],
            rules=tuple(entry["rules"]),
            bug=entry["bug"],
            evidence=entry["evidence"],
        )
        for name, entry in sorted(raw.items())
        if not name.startswith("_")
    }


def check_file(path: Path, *, src: Path, dynamic: bool = True) -> tuple[Report, float]:
    """assay's JSON report on `path` and the wall-clock seconds it took."""
    command = [sys.executable, "-m", "assay", "check", "--format", "json", "--offline"]
    command += ["--no-ledger", str(path)]
    if not dynamic:
        command.append("--no-dynamic")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH", "")) if p)
    started = time.perf_counter()
    # assay exits 1 when it finds something; only an unreadable report is a failure here.
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    try:
        report: Report = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(
            f"assay check {path} gave no JSON report (exit {done.returncode}):\n{done.stderr}"
        ) from None
    return report, seconds


def dynamic_findings(report: Report) -> list[Finding]:
    return [f for f in report.get("findings", []) if f.get("family") in DYNAMIC_FAMILIES]


def static_findings(report: Report) -> list[Finding]:
    return [f for f in report.get("findings", []) if f.get("family") not in DYNAMIC_FAMILIES]


def counterexample(finding: Finding) -> str:
    """What a person would run to see the problem: ``input -> got`` when assay gives an
    input, the message otherwise (static rules have no input)."""
    evidence = finding.get("evidence") or {}
    if evidence.get("input"):
        got = evidence.get("got")
        # AS604 gives the two results one input had, in the order they came.
        if isinstance(got, list):
            got = " then ".join(str(g) for g in got)
        return f"{evidence['input']} -> {got}" if got else str(evidence["input"])
    return str(finding.get("message", ""))


def _identity(finding: Finding) -> tuple[object, object, str]:
    # What was observed, not which input showed it: the same TypeError for a missing
    # keyword-only argument is one observation whichever string came with it. As JSON text
    # because some evidence (AS604's two results) is a list.
    evidence = finding.get("evidence") or {}
    observed = evidence.get("got") or finding.get("message")
    return finding.get("rule"), finding.get("function"), json.dumps(observed, default=str)


def _summary(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.get("rule"),
        "function": finding.get("function"),
        "line": finding.get("line"),
        "message": finding.get("message"),
        "counterexample": counterexample(finding),
    }


def judge_pair(
    expectation: Expectation,
    clean: Report,
    buggy: Report,
    *,
    clean_seconds: float = 0.0,
    buggy_seconds: float = 0.0,
) -> dict[str, Any]:
    """One module's figures: false alarms on the clean twin, the bug caught or missed.

    A finding counts as catching the bug when it has one of the expected rules, is on the
    expected function, and the clean twin has no finding with the same rule, function and
    observed result: a false alarm both twins share says nothing about the bug.
    """
    on_clean = {_identity(f) for f in clean.get("findings", [])}
    catches = [
        f
        for f in buggy.get("findings", [])
        if f.get("rule") in expectation.rules
        and f.get("function") == expectation.function
        and _identity(f) not in on_clean
    ]
    # Findings on the buggy twin that are not the planted bug: the clean twin's false
    # alarms again, or new ones the bug causes elsewhere.
    other = [f for f in dynamic_findings(buggy) if f not in catches]
    return {
        "module": expectation.module,
        "clean": {
            "false_alarms": [_summary(f) for f in dynamic_findings(clean)],
            "static": [_summary(f) for f in static_findings(clean)],
            "errors": list(clean.get("errors", [])),
            "seconds": round(clean_seconds, 2),
        },
        "buggy": {
            "function": expectation.function,
            "expected_rules": list(expectation.rules),
            "expected_evidence": expectation.evidence,
            "caught": bool(catches),
            "caught_by": sorted({str(f.get("rule")) for f in catches}),
            "with_input": any((f.get("evidence") or {}).get("input") for f in catches),
            "counterexamples": [counterexample(f) for f in catches],
            "other_dynamic": [_summary(f) for f in other],
            "errors": list(buggy.get("errors", [])),
            "seconds": round(buggy_seconds, 2),
        },
    }


def totals(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Corpus-wide figures from `judge_pair` results."""
    false_alarms = [a for r in results for a in r["clean"]["false_alarms"]]
    by_rule: dict[str, int] = {}
    for alarm in false_alarms:
        by_rule[alarm["rule"]] = by_rule.get(alarm["rule"], 0) + 1
    caught = [r["module"] for r in results if r["buggy"]["caught"]]
    return {
        "modules": len(results),
        "clean_with_false_alarms": sum(1 for r in results if r["clean"]["false_alarms"]),
        "false_alarms": len(false_alarms),
        "false_alarms_by_rule": dict(sorted(by_rule.items())),
        "bugs_caught": len(caught),
        "bugs_caught_with_input": sum(1 for r in results if r["buggy"]["with_input"]),
        "bugs_missed": sorted(r["module"] for r in results if not r["buggy"]["caught"]),
        "seconds": round(sum(r["clean"]["seconds"] + r["buggy"]["seconds"] for r in results), 2),
    }


def render(results: Sequence[Mapping[str, Any]], summary: Mapping[str, Any]) -> str:
    """The text report: one block per module, then the totals."""
    lines: list[str] = []
    for r in results:
        clean, buggy = r["clean"], r["buggy"]
        verdict = "caught" if buggy["caught"] else "MISSED"
        lines.append(
            f"== {r['module']}: clean {len(clean['false_alarms'])} false alarm(s), "
            f"bug in {buggy['function']} {verdict} "
            f"({clean['seconds']} s + {buggy['seconds']} s)"
        )
        for alarm in clean["false_alarms"]:
            lines.append(f"   false alarm {alarm['rule']} {alarm['function']}: {alarm['message']}")
        for error in clean["errors"] + buggy["errors"]:
            lines.append(f"   assay error: {error}")
        if buggy["caught"]:
            for example in buggy["counterexamples"]:
                lines.append(f"   caught ({', '.join(buggy['caught_by'])}): {example}")
        else:
            lines.append(
                f"   wanted {'/'.join(buggy['expected_rules'])}: {buggy['expected_evidence']}"
            )
        for other in buggy["other_dynamic"]:
            lines.append(f"   buggy twin also: {other['rule']} {other['function']}")
    lines.append("")
    lines.append(
        f"false alarms on clean modules: {summary['false_alarms']} "
        f"in {summary['clean_with_false_alarms']}/{summary['modules']} modules "
        f"{summary['false_alarms_by_rule']}"
    )
    lines.append(
        f"bugs caught: {summary['bugs_caught']}/{summary['modules']} "
        f"({summary['bugs_caught_with_input']} with a counterexample input); "
        f"missed: {', '.join(summary['bugs_missed']) or 'none'}"
    )
    lines.append(f"time: {summary['seconds']} s")
    return "\n".join(lines)


def source_state(src: Path) -> dict[str, object]:
    """The last commit that changed the measured source tree, and whether it has changes
    git has not recorded (then the figures belong to no commit)."""

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(src), *args], capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    resolved = src.resolve()
    return {
        "src": str(resolved.relative_to(REPO)) if resolved.is_relative_to(REPO) else str(resolved),
        "src_commit": git("log", "-1", "--format=%H", "--", ".") or None,
        "src_uncommitted_changes": bool(git("status", "--porcelain", "--", ".")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to check (default: all)")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="assay source tree")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--output", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    expectations = load_expectations(args.corpus / "expectations.json")
    unknown = sorted(set(args.modules) - set(expectations))
    if unknown:
        parser.error(f"no such module(s): {', '.join(unknown)}")
    results = []
    for name in args.modules or sorted(expectations):
        clean, clean_seconds = check_file(args.corpus / "clean" / f"{name}.py", src=args.src)
        buggy, buggy_seconds = check_file(args.corpus / "buggy" / f"{name}.py", src=args.src)
        results.append(
            judge_pair(
                expectations[name],
                clean,
                buggy,
                clean_seconds=clean_seconds,
                buggy_seconds=buggy_seconds,
            )
        )
    summary = totals(results)
    print(render(results, summary))
    if args.output:
        payload = {
            "command": "python bench/appcode_runtime.py " + " ".join(argv or sys.argv[1:]),
            **source_state(args.src),
            "python": sys.version.split()[0],
            "totals": summary,
            "modules": results,
        }
        args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
