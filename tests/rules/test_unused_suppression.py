"""AS409 judges suppressions against the other rules' findings of the same run, and its fix
keeps what is still in use."""

from __future__ import annotations

import assay
from assay.source.fix import apply_fixes

SOURCE = """import os
import pickle

stale = os.path.join("a", "b")  # assay: ignore[AS102]
used = os.path.splitall("a")  # assay: ignore[AS102]
half = os.path.splitall("a")  # assay: ignore[AS102, AS201]
reason = os.path.join("a", "b")  # assay: ignore[AS102]  # kept for the old layout
    # assay: ignore[AS102]


def load(blob):
    return pickle.loads(blob)  # assay: ignore[AS307]
"""


def _unused(source: str, **options: object) -> list[int]:
    report = assay.check_source(source, name="m.py", offline=True, dynamic=False, **options)  # type: ignore[arg-type]
    return [f.line for f in report.findings if f.rule == "AS409"]


def test_a_suppression_that_hides_a_finding_is_used() -> None:
    assert _unused(SOURCE) == [4, 6, 7, 8]


def test_an_id_of_a_rule_left_out_of_the_run_is_reported_with_an_unsafe_fix() -> None:
    report = assay.check_source(SOURCE, name="m.py", offline=True, dynamic=False, ignore=["AS307"])
    (finding,) = [f for f in report.findings if f.rule == "AS409" and f.line == 12]
    assert finding.evidence["not_selected"] == ["AS307"]
    assert finding.autofix is not None and finding.autofix.applicability == "unsafe"


def test_the_fix_removes_only_what_suppresses_nothing() -> None:
    report = assay.check_source(SOURCE, name="m.py", offline=True, dynamic=False)
    fixes = [f.autofix for f in report.findings if f.rule == "AS409" and f.autofix]
    assert all(fix.applicability == "safe" for fix in fixes)
    fixed, applied = apply_fixes(SOURCE, fixes)
    assert applied == 4
    lines = fixed.splitlines()
    assert lines[3] == 'stale = os.path.join("a", "b")'
    assert lines[4] == 'used = os.path.splitall("a")  # assay: ignore[AS102]'
    assert lines[5] == 'half = os.path.splitall("a")  # assay: ignore[AS102]'
    assert lines[6] == 'reason = os.path.join("a", "b")  # kept for the old layout'
    assert lines[7] == ""  # the comment-only line is gone, the blank line after it stays
    assert _unused(fixed) == []
