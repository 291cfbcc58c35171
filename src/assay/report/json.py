"""The JSON report: the public, versioned machine-readable form of a `Report`."""

from __future__ import annotations

import json
from typing import Any

from assay.model import Report

__all__ = ["render_json", "report_dict"]


def report_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-compatible data (the schema other tools rely on)."""
    data: dict[str, Any] = report.model_dump(mode="json", exclude={"sources"})
    return data


def render_json(report: Report) -> str:
    """The report as indented JSON text with a trailing newline."""
    return json.dumps(report_dict(report), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
