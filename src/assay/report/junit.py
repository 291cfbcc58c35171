"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure): one test
suite per file, one failing test case per finding, a passing case for a clean file and an
error case for a file that could not be checked."""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape

from assay.model import FileError, Finding, Report

__all__ = ["render_junit"]

#: Characters XML 1.0 cannot hold even escaped; a checked file's text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _attr(text: str) -> str:
    return escape(_NOT_XML.sub("?", text), quote=True)


def render_junit(report: Report) -> str:
    """The report as a JUnit XML document."""
    findings: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        findings[finding.path].append(finding)
    errors: dict[str, list[FileError]] = defaultdict(list)
    for error in report.errors:
        errors[error.path].append(error)
    paths = list(dict.fromkeys([*report.files, *findings, *errors]))
    total = sum(max(1, len(findings[p]) + len(errors[p])) for p in paths)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="assay" tests="{total}" failures="{len(report.findings)}" '
        f'errors="{len(report.errors)}">',
    ]
    for path in paths:
        cases = len(findings[path]) + len(errors[path])
        out.append(
            f'  <testsuite name="{_attr(path)}" tests="{max(cases, 1)}" '
            f'failures="{len(findings[path])}" errors="{len(errors[path])}">'
        )
        for f in findings[path]:
            out.append(
                f'    <testcase name="assay.{_attr(f.rule)}" classname="{_attr(path)}" '
                f'file="{_attr(path)}" line="{f.line}">'
            )
            out.append(
                f'      <failure type="{_attr(f.severity.value)}" message="{_attr(f.message)}">'
                f"{_attr(f'{path}:{f.line}:{f.col + 1}: {f.rule} {f.message}')}</failure>"
            )
            out.append("    </testcase>")
        for e in errors[path]:
            out.append(
                f'    <testcase name="assay" classname="{_attr(path)}" file="{_attr(path)}">'
            )
            out.append(f'      <error type="{_attr(e.kind)}" message="{_attr(e.message)}"/>')
            out.append("    </testcase>")
        if not cases:
            out.append(
                f'    <testcase name="assay" classname="{_attr(path)}" file="{_attr(path)}"/>'
            )
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
