"""Reports with known contents, built directly (independent of which rules exist)."""

from __future__ import annotations

from assay.model import Candidate, Family, Finding, Report, Severity, Verdict

CODE = "import os\n\ndef parts(path):\n    return os.path.splitall(path)\n"


def finding(
    rule: str = "AS101", *, family: Family = Family.HALLUCINATION, **extra: object
) -> Finding:
    fields: dict[str, object] = {
        "rule": rule,
        "family": family,
        "severity": Severity.ERROR,
        "path": "parts.py",
        "line": 4,
        "col": 11,
        "message": "os.path.splitall does not exist",
        "evidence": {"missing": "os.path.splitall", "closest": ["os.path.split"]},
    }
    fields.update(extra)
    return Finding.model_validate(fields)


def check_report(*findings: Finding) -> Report:
    return Report(
        tool_version="0.1.0",
        files=["parts.py"],
        findings=list(findings),
        sources={"parts.py": CODE},
    )


def gen_report() -> tuple[Report, list[Candidate]]:
    good = Candidate(
        code="def add(a, b):\n    return a + b\n", name="c0", backend="replay", model="m1"
    )
    bad = Candidate(
        code="def add(a, b):\n    return a - b\n", name="c1", backend="replay", model="m1"
    )
    wrong = finding(
        "AS601",
        family=Family.RUNTIME,
        path="c1",
        line=2,
        candidate="c1",
        message="add(1, 2) returned -1, expected 3",
    )
    report = Report(
        tool_version="0.1.0",
        verdicts=[
            Verdict(candidate="c0", accepted=True, score=1.0, cluster=0, selected=True),
            Verdict(candidate="c1", accepted=False, score=0.0, cluster=1, findings=[wrong]),
        ],
        findings=[wrong],
    )
    return report, [good, bad]
