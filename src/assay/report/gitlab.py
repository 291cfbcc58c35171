"""GitLab Code Quality output (``--output-format gitlab``): the JSON array GitLab reads from
a job's ``artifacts:reports:codequality`` file and shows in merge requests.

Each entry has the fields GitLab documents as required: `description`, `check_name`,
`fingerprint` (unique per finding, stable across commits: the identity SARIF and
`--baseline` use), `severity` (one of info, minor, major, critical, blocker) and
`location.path` (relative to the repository root) with `location.lines.begin`.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from assay.model import Report, Severity
from assay.report.fingerprint import fingerprints
from assay.report.paths import repository_path

__all__ = ["GITLAB_SEVERITY", "gitlab_entries", "render_gitlab"]

#: assay's severities on GitLab's scale. `blocker` is left for what stops a merge by
#: itself, which no single static finding claims; errors are `critical` (ruff reports every
#: violation as `major`).
GITLAB_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def gitlab_entries(
    report: Report, *, root: str | None = None, cwd: str | None = None
) -> list[dict[str, Any]]:
    """One Code Quality entry per finding, in report order; paths as `render_sarif` makes
    them (relative to `root`, the repository, when given)."""
    root_path = PurePosixPath(root) if root is not None else None
    cwd_path = PurePosixPath(cwd) if cwd is not None else root_path
    entries = []
    for finding, fingerprint in zip(report.findings, fingerprints(report), strict=True):
        path, _ = repository_path(finding.path, root_path, cwd_path)
        begin = max(finding.line, 1)
        lines = {"begin": begin}
        if finding.end_line is not None and finding.end_line > begin:
            lines["end"] = finding.end_line
        entries.append(
            {
                "description": f"{finding.rule}: {' '.join(finding.message.split())}",
                "check_name": finding.rule,
                "fingerprint": fingerprint,
                "severity": GITLAB_SEVERITY[finding.severity],
                "location": {"path": path, "lines": lines},
            }
        )
    return entries


def render_gitlab(report: Report, *, root: str | None = None, cwd: str | None = None) -> str:
    """The Code Quality report as JSON text (an array; empty when nothing was found)."""
    entries = gitlab_entries(report, root=root, cwd=cwd)
    return json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
