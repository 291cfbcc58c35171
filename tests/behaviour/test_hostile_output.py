"""Issue 28 item 3: the trusted side is bounded. A candidate runs beside the sandbox's runner
and can patch it, so whatever comes back (values, exception names and messages) must not
crash, flood or mislabel the report. Each attack goes end to end through the public API."""

from __future__ import annotations

import json

import assay
from assay.report import FORMATS, render
from assay.sandbox._worker import MAX_TYPE_NAME
from assay.sandbox.canonical import MAX_FORM_DEPTH

TASK = '''def dedupe(items: list[int]) -> list[int]:
    """Remove repeated values, keeping the first occurrence of each, in order.

    >>> dedupe([3, 1, 3, 2, 1])
    [3, 1, 2]
    """
'''
GOOD = "def dedupe(items: list[int]) -> list[int]:\n    return list(dict.fromkeys(items))\n"

#: The runner's canonicaliser replaced by the identity: the raw 600-deep list is sent as
#: JSON, deeper than any form `canonicalize` makes and deep enough for RecursionError.
DEEP = '''import sys

sys.modules["__main__"].canonicalize = lambda value: value


def dedupe(items: list[int]) -> list[int]:
    """Remove repeated values, keeping the first occurrence of each, in order.

    >>> dedupe([3, 1, 3, 2, 1])
    [3, 1, 2]
    """
    out = []
    for _ in range(600):
        out = [out]
    return out
'''
HUGE_NAME = """def dedupe(items: list[int]) -> list[int]:
    raise type("E" * 1_000_000, (Exception,), {})("boom")
"""
STR_EXITS = """class Refused(ValueError):
    def __str__(self):
        raise SystemExit(3)


def dedupe(items: list[int]) -> list[int]:
    raise Refused("no")
"""


def _evidence(report: assay.Report, candidate: str) -> list[dict[str, object]]:
    """Evidence of the findings that report what `candidate` returned or raised."""
    return [
        f.evidence
        for f in report.findings
        if f.candidate == candidate and f.rule in ("AS601", "AS701")
    ]


def test_compare_survives_a_patched_canonicaliser_and_states_the_cut() -> None:
    report = assay.compare(TASK, [GOOD, DEEP])
    assert [v.accepted for v in report.verdicts] == [True, False]
    got = {str(e.get("got")) for e in _evidence(report, "candidate-1")}
    cut = f"<value nested deeper than {MAX_FORM_DEPTH} levels: cut>"
    assert got and all(text.startswith(cut) for text in got), got
    for name in FORMATS:
        assert "value nested deeper than" in render(report, name), name


def test_check_source_survives_a_patched_canonicaliser() -> None:
    report = assay.check_source(DEEP, dynamic=True)
    (finding,) = [f for f in report.findings if f.rule == "AS601"]
    assert str(finding.evidence["got"]).startswith("<value nested deeper than")
    assert not report.errors


def test_an_exception_type_name_is_capped_and_the_cap_is_stated() -> None:
    report = assay.compare(TASK, [GOOD, HUGE_NAME])
    assert [v.accepted for v in report.verdicts] == [True, False]
    evidence = _evidence(report, "candidate-1")
    assert evidence
    for item in evidence:
        assert len(json.dumps(item)) < 4 * MAX_TYPE_NAME + 2_000, len(json.dumps(item))
        assert f"type name cut at {MAX_TYPE_NAME} of 1000000 characters" in str(item["got"])


def test_str_raising_system_exit_keeps_the_exception_type() -> None:
    report = assay.compare(TASK, [GOOD, STR_EXITS])
    evidence = _evidence(report, "candidate-1")
    assert evidence
    assert all(
        str(item["got"]) == "raises Refused: <str() failed: SystemExit>" for item in evidence
    ), evidence
