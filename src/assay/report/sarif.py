"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF consumers.

Rule metadata (`tool.driver.rules`) comes from the rule registry, so the help text is the
same documentation `assay explain` prints. What GitHub code scanning reads, beyond the
schema: `properties.security-severity` and the ``security`` tag on security rules (so alerts
are ranked critical/high/medium/low), `properties.precision` and `problem.severity`,
`partialFingerprints` (so an alert is followed across commits; see `assay.report.fingerprint`),
URIs relative to the repository root under ``uriBaseId`` ``%SRCROOT%``, and `codeFlows`
(the taint path from a request field to the sink).
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any

from assay.model import Family, Finding, Fix, Report, Severity
from assay.report.fingerprint import FINGERPRINT_KEY, fingerprints
from assay.report.paths import repository_path
from assay.rules._registry import Rule, all_rules

__all__ = ["SARIF_SCHEMA_URI", "SRCROOT", "render_sarif", "sarif_dict", "security_severity"]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_PROBLEM_SEVERITY = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "recommendation",
}
#: A rule's confidence in the words GitHub's `precision` property takes.
_PRECISION = {"high": "high", "medium": "medium", "low": "low"}

#: CVSS-like base scores by severity, on GitHub's scale (>= 9.0 critical, 7.0-8.9 high,
#: 4.0-6.9 medium, 0.1-3.9 low).
_BASE_SCORE = {Severity.ERROR: 7.5, Severity.WARNING: 5.0, Severity.INFO: 2.0}
#: Weaknesses that hand an attacker code execution or the database (injection and unsafe
#: deserialisation): the CWE Top 25's injection entries, scored one band higher.
_EXECUTION_CWES = frozenset({77, 78, 89, 94, 95, 502, 1336})
_LINE_IN_STEP = re.compile(r"\(line (\d+)\)")


def security_severity(severity: Severity, cwe: int | None) -> str:
    """GitHub's `security-severity` (a CVSS-like score from "0.1" to "10.0") for a security
    rule of `severity` whose weakness is `cwe`."""
    score = _BASE_SCORE[severity] + (1.5 if cwe in _EXECUTION_CWES else 0.0)
    return f"{min(score, 10.0):.1f}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _rule_entry(r: Rule) -> dict[str, Any]:
    tags = [r.family.value] + ([f"external/cwe/cwe-{r.cwe}"] if r.cwe else [])
    properties: dict[str, Any] = {
        "family": r.family.value,
        "precision": _PRECISION.get(r.confidence, "medium"),
        "problem.severity": _PROBLEM_SEVERITY[r.severity],
    }
    if r.family is Family.SECURITY:
        # GitHub shows security-severity only on rules tagged "security" (the family's name).
        properties["security-severity"] = security_severity(r.severity, r.cwe)
    properties["tags"] = tags
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": _one_line(r.docs.summary)},
        "fullDescription": {"text": r.docs.sections.get("What it finds", r.docs.summary)},
        "help": {"text": r.docs.markdown(), "markdown": r.docs.markdown()},
        # The rule's section of docs/rules.md (generated from the registry) in the repository.
        "helpUri": r.help_uri,
        "defaultConfiguration": {"level": _LEVEL[r.severity]},
        "properties": properties,
    }


def _artifact(path: str, root: PurePosixPath | None, cwd: PurePosixPath | None) -> dict[str, Any]:
    """An artifactLocation for `path`: relative to the repository root under %SRCROOT%, or,
    for a file outside it, an absolute file URI."""
    where, inside = repository_path(path, root, cwd)
    if inside:
        return {"uri": where, "uriBaseId": SRCROOT}
    if where.startswith("/"):
        return {"uri": PurePosixPath(where).as_uri()}
    return {"uri": where}


def _location(artifact: dict[str, Any], line: int, message: str | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": artifact, "region": {"startLine": max(line, 1)}}
    }
    if message is not None:
        location["message"] = {"text": message}
    return location


def _code_flow(finding: Finding, artifact: dict[str, Any]) -> dict[str, Any] | None:
    """The taint path of a finding (sources, then each assignment on the way, then the
    sink) as one SARIF codeFlow; None when the evidence has no path."""
    sources = finding.evidence.get("sources")
    if not isinstance(sources, list) or not sources:
        return None
    steps: list[dict[str, Any]] = []
    for source in sources:
        if isinstance(source, dict) and isinstance(source.get("line"), int):
            text = f"source: {source.get('source', '?')} ({source.get('kind', 'input')})"
            steps.append(_location(artifact, source["line"], text))
    via = finding.evidence.get("via")
    for step in via if isinstance(via, list) else []:
        match = _LINE_IN_STEP.search(str(step))
        if match:
            steps.append(_location(artifact, int(match.group(1)), f"flows into {step}"))
    sink = finding.evidence.get("sink")
    steps.append(_location(artifact, finding.line, f"reaches {sink or 'the sink'}"))
    if len(steps) < 2:
        return None
    return {"threadFlows": [{"locations": [{"location": step} for step in steps]}]}


def _fix(fix: Fix, artifact: dict[str, Any]) -> dict[str, Any]:
    """A SARIF fix object: the finding's edits as replacements in its file (the same edits
    `assay check --fix` applies; columns 1-based as everywhere in SARIF)."""
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit.line,
                "startColumn": edit.col + 1,
                "endLine": edit.end_line,
                "endColumn": edit.end_col + 1,
            },
            "insertedContent": {"text": edit.text},
        }
        for edit in fix.edits
    ]
    return {
        "description": {"text": fix.description},
        "artifactChanges": [{"artifactLocation": artifact, "replacements": replacements}],
        "properties": {"applicability": fix.applicability},
    }


def sarif_dict(
    report: Report, *, root: str | None = None, cwd: str | None = None
) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log (one run).

    `root` is the repository root and `cwd` the directory the report's relative paths are
    relative to (both absolute); with them, every URI is relative to `root` under
    ``%SRCROOT%``. Without them, the report's relative paths are taken as relative to the
    root already. The renderer reads no files: it only rewrites path strings.
    """
    rules = all_rules()
    index = {r.id: position for position, r in enumerate(rules)}
    root_path = PurePosixPath(root) if root is not None else None
    cwd_path = PurePosixPath(cwd) if cwd is not None else root_path
    results = []
    for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True):
        artifact = _artifact(finding.path, root_path, cwd_path)
        region: dict[str, int] = {"startLine": max(finding.line, 1), "startColumn": finding.col + 1}
        if finding.end_line is not None:
            region["endLine"] = max(finding.end_line, region["startLine"])
        if finding.end_col is not None and finding.end_line is not None:
            region["endColumn"] = max(finding.end_col + 1, 1)
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": _LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
            "properties": {"family": finding.family.value, "evidence": finding.evidence},
        }
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        flow = _code_flow(finding, artifact)
        if flow is not None:
            result["codeFlows"] = [flow]
        if finding.autofix is not None:
            result["fixes"] = [_fix(finding.autofix, artifact)]
        if finding.fix:
            result["properties"]["fix"] = finding.fix
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{error.path}: {error.message}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(error.path, root_path, cwd_path)
                    }
                }
            ],
        }
        for error in report.errors
    ]
    notifications += [{"level": "warning", "message": {"text": w}} for w in report.warnings]
    notifications += [{"level": "note", "message": {"text": n}} for n in report.notes]
    driver: dict[str, Any] = {
        "name": "assay",
        "version": report.tool_version or "0",
        "rules": [_rule_entry(r) for r in rules],
    }
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "artifacts": [
                    {"location": _artifact(path, root_path, cwd_path)} for path in report.files
                ],
                "results": results,
            }
        ],
    }


def render_sarif(report: Report, *, root: str | None = None, cwd: str | None = None) -> str:
    """The report as SARIF 2.1.0 JSON text (see `sarif_dict` for `root` and `cwd`)."""
    return json.dumps(sarif_dict(report, root=root, cwd=cwd), indent=2, ensure_ascii=False) + "\n"
