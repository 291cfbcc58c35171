"""Stable identities for findings: what SARIF's `partialFingerprints` and `--baseline` use.

A finding is identified by its rule, its file, the function it is in and the text of its
line with all whitespace removed, never by its line number: an edit above it (a new import,
a new function) moves the line but keeps the identity, and so does re-indenting it. Two
findings that share all of these (the same call twice in one function) are told apart by
their order of appearance.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from assay.model import Finding, Report

__all__ = ["FINGERPRINT_KEY", "fingerprints", "line_text"]

#: The key under `partialFingerprints`; the version changes whenever the recipe does, so a
#: consumer never compares identities computed two different ways.
FINGERPRINT_KEY = "assayFindingHash/v1"

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def line_text(report: Report, finding: Finding) -> str | None:
    """The source line a finding points at, when the report carries the file's text."""
    source = report.sources.get(finding.path)
    if source is None:
        return None
    lines = source.splitlines()
    return lines[finding.line - 1] if 1 <= finding.line <= len(lines) else None


def fingerprints(report: Report) -> list[str]:
    """One hex identity per finding of `report`, in the order of `report.findings`."""
    seen: Counter[str] = Counter()
    out: list[str] = []
    for finding in report.findings:
        text = line_text(report, finding)
        # Without the source (a report rebuilt from JSON), the message stands in for the
        # line; its numbers are dropped because messages quote line numbers.
        content = _SPACE.sub("", text) if text is not None else _DIGITS.sub("#", finding.message)
        key = "\x00".join((finding.rule, finding.path, finding.function or "", content))
        seen[key] += 1
        digest = hashlib.sha256(f"{key}\x00{seen[key]}".encode()).hexdigest()
        out.append(digest[:32])
    return out
