"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF consumers.

Rule metadata (`tool.driver.rules`) comes from the rule registry, so the help text is the
same documentation `assay explain` prints.
"""

from __future__ import annotations

import json
from typing import Any

from assay.model import Report, Severity
from assay.rules._registry import all_rules

__all__ = ["SARIF_SCHEMA_URI", "render_sarif", "sarif_dict"]

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif_dict(report: Report) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log (one run)."""
    rules = all_rules()
    index = {r.id: position for position, r in enumerate(rules)}
    driver_rules = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.docs.summary},
            "fullDescription": {"text": r.docs.sections.get("What it finds", r.docs.summary)},
            "help": {"text": r.docs.markdown(), "markdown": r.docs.markdown()},
            "helpUri": r.help_uri,
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
            "properties": {
                "family": r.family.value,
                "tags": [r.family.value] + ([f"CWE-{r.cwe}"] if r.cwe else []),
            },
        }
        for r in rules
    ]
    results = []
    for finding in report.findings:
        region: dict[str, int] = {"startLine": max(finding.line, 1), "startColumn": finding.col + 1}
        if finding.end_line is not None:
            region["endLine"] = max(finding.end_line, region["startLine"])
        if finding.end_col is not None and finding.end_line is not None:
            region["endColumn"] = max(finding.end_col + 1, 1)
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": _LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path},
                        "region": region,
                    }
                }
            ],
            "properties": {"family": finding.family.value, "evidence": finding.evidence},
        }
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        if finding.fix:
            result["properties"]["fix"] = finding.fix
        results.append(result)
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{error.path}: {error.message}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": error.path}}}],
        }
        for error in report.errors
    ]
    notifications += [{"level": "warning", "message": {"text": w}} for w in report.warnings]
    notifications += [{"level": "note", "message": {"text": n}} for n in report.notes]
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "assay",
                        "version": report.tool_version or "0",
                        "informationUri": "https://github.com/assay-dev/assay",
                        "rules": driver_rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "artifacts": [{"location": {"uri": path}} for path in report.files],
                "results": results,
            }
        ],
    }


def render_sarif(report: Report) -> str:
    """The report as SARIF 2.1.0 JSON text."""
    return json.dumps(sarif_dict(report), indent=2, ensure_ascii=False) + "\n"
