"""assay: tell correct AI-written Python from plausible AI-written Python, with evidence.

The public API::

    import assay
    report = assay.check("path/or/dir")          # or assay.check_source(text)
    report.findings[0].evidence                   # what a person can check
    assay.batch("in.jsonl", "out.jsonl")          # many items, one verdict line each
    assay.edit(Path("app.py"), "dedupe", "make it faster")  # a model's rewrite, verified
"""

from __future__ import annotations

from assay._version import __version__
from assay.api import check, check_source, check_under_root, compare, diff, edit, generate
from assay.batch import batch
from assay.errors import AssayError
from assay.model import (
    SCHEMA_VERSION,
    Candidate,
    Family,
    FileError,
    Finding,
    Report,
    Severity,
    Task,
    Verdict,
)

__all__ = [
    "SCHEMA_VERSION",
    "AssayError",
    "Candidate",
    "Family",
    "FileError",
    "Finding",
    "Report",
    "Severity",
    "Task",
    "Verdict",
    "__version__",
    "batch",
    "check",
    "check_source",
    "check_under_root",
    "compare",
    "diff",
    "edit",
    "generate",
]
