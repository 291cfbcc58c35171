"""A report exercising every part of the HTML page: findings beside code, a counterexample,
a timing series, candidates, clusters, trust tiers, errors and warnings."""

from __future__ import annotations

from assay.model import (
    Family,
    FileError,
    Finding,
    FunctionReview,
    Report,
    Severity,
    TrustTier,
    Verdict,
)

SOURCE = '''import os
import subprocess


def dedupe(items):
    """Remove duplicates, keeping order.

    >>> dedupe([3, 1, 3])
    [3, 1]
    """
    seen = []
    out = []
    for item in items:
        if item not in seen:
            seen.append(item)
            out.append(item)
    return out


def run(cmd):
    return subprocess.run(cmd, shell=True)


def parts(path):
    return os.path.splitall(path)
'''


def sample_report() -> Report:
    findings = [
        Finding(
            rule="AS101",
            family=Family.HALLUCINATION,
            severity=Severity.ERROR,
            path="tool.py",
            line=25,
            col=11,
            message="os.path.splitall does not exist",
            evidence={
                "missing": "os.path.splitall",
                "closest": ["os.path.split", "os.path.splitext"],
            },
            fix="use os.path.split or pathlib.Path(path).parts",
            function="parts",
        ),
        Finding(
            rule="AS301",
            family=Family.SECURITY,
            severity=Severity.ERROR,
            path="tool.py",
            line=21,
            col=11,
            message="subprocess.run(..., shell=True) with a caller-supplied command",
            evidence={"sink": "subprocess.run", "argument": "cmd", "cwe": 78},
            function="run",
        ),
        Finding(
            rule="AS509",
            family=Family.PERFORMANCE,
            severity=Severity.WARNING,
            path="tool.py",
            line=14,
            col=11,
            message="dedupe grows quadratically: 'item not in seen' scans a list",
            evidence={
                "complexity": "O(n^2)",
                "timings": [
                    {"n": 1000, "seconds": 0.004},
                    {"n": 2000, "seconds": 0.016},
                    {"n": 4000, "seconds": 0.063},
                    {"n": 8000, "seconds": 0.251},
                ],
            },
            fix="keep a set of seen items",
            function="dedupe",
        ),
        Finding(
            rule="AS601",
            family=Family.RUNTIME,
            severity=Severity.ERROR,
            path="tool.py",
            line=5,
            col=0,
            message="dedupe([3, 1, 3]) returned [3, 1, 3], its docstring says [3, 1]",
            evidence={"input": "dedupe([3, 1, 3])", "expected": "[3, 1]", "got": "[3, 1, 3]"},
            function="dedupe",
        ),
        Finding(
            rule="AS701",
            family=Family.DISAGREEMENT,
            severity=Severity.WARNING,
            path="gpt-4#2",
            line=1,
            col=0,
            message="gpt-4#2 disagrees with the winning cluster on dedupe([])",
            evidence={"input": "dedupe([])", "output": "None", "winner_output": "[]"},
            candidate="gpt-4#2",
        ),
    ]
    return Report(
        tool_version="0.1.0",
        files=["tool.py", "broken.py"],
        findings=findings,
        errors=[
            FileError(path="broken.py", message="does not parse: invalid syntax", line=3, col=4)
        ],
        warnings=["the sandbox ran without a network namespace"],
        sources={"tool.py": SOURCE},
        verdicts=[
            Verdict(
                candidate="gpt-4#0",
                accepted=True,
                score=0.92,
                cluster=0,
                selected=True,
                examples_passed=3,
                examples_total=3,
                executions=40,
                summary="agrees with 3 others",
            ),
            Verdict(
                candidate="gpt-4#1",
                accepted=True,
                score=0.92,
                cluster=0,
                examples_passed=3,
                examples_total=3,
                executions=40,
            ),
            Verdict(
                candidate="gpt-4#2",
                accepted=False,
                score=0.1,
                cluster=1,
                examples_passed=2,
                examples_total=3,
                executions=40,
                findings=[findings[-1]],
                summary="returns None on an empty list",
            ),
        ],
        clusters=[
            {
                "id": 0,
                "size": 2,
                "members": ["gpt-4#0", "gpt-4#1"],
                "representative": "gpt-4#0",
                "score": 0.92,
                "winner": True,
                "examples_passed": 3,
                "examples_total": 3,
                "extra_passed": 2,
                "extra_total": 4,
                "distinguishing": [],
            },
            {
                "id": 1,
                "size": 1,
                "members": ["gpt-4#2"],
                "representative": "gpt-4#2",
                "score": 0.1,
                "winner": False,
                "examples_passed": 2,
                "examples_total": 3,
                "distinguishing": [
                    {"input": "dedupe([])", "output": "None", "winner_output": "[]"}
                ],
            },
        ],
        functions=[
            FunctionReview(
                path="tool.py",
                function="run",
                line=20,
                tier=TrustTier.SECURITY_SENSITIVE,
                reasons=["runs a shell command"],
                checklist=["Is cmd ever built from user input?", "Can shell=False be used?"],
            ),
            FunctionReview(
                path="tool.py",
                function="dedupe",
                line=5,
                tier=TrustTier.PERFORMANCE_CRITICAL,
                reasons=["loop over input with list membership"],
                checklist=["What is the largest input?"],
            ),
            FunctionReview(
                path="tool.py",
                function="parts",
                line=24,
                tier=TrustTier.LOGIC,
                reasons=["branches on input"],
                checklist=["Check Windows paths"],
            ),
        ],
    )
