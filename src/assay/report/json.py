"""The JSON report: the public, versioned machine-readable form of a `Report`."""

from __future__ import annotations

import json
from typing import Any

from assay.model import Report

__all__ = ["render_json", "report_dict"]


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-compatible data (the schema other tools rely on).

    Columns (`col`, `end_col` of findings, their fixes' edits and errors) are 1-based, as in
    the text and SARIF reports and in editors (since schema 2.0; the model keeps Python's
    0-based offsets).
    """
    data: dict[str, Any] = report.model_dump(mode="json", exclude={"sources"})
    findings = [*data["findings"], *(f for v in data["verdicts"] for f in v["findings"])]
    for entry in [*findings, *data["errors"]]:
        _one_based(entry)
    for finding in findings:
        for edit in (finding.get("autofix") or {}).get("edits", []):
            _one_based(edit)
    return data


def _one_based(entry: dict[str, Any]) -> None:
    for key in ("col", "end_col"):
        if isinstance(entry.get(key), int):
            entry[key] += 1


def render_json(report: Report) -> str:
    """The report as indented JSON text with a trailing newline."""
    return json.dumps(report_dict(report), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
