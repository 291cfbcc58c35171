"""The dynamic stage of `assay check`: what gets probed, and how findings are merged."""

from __future__ import annotations

import ast

import assay
from assay.probe.stage import probe_targets, version_groups

WRONG = '''def double(x: int) -> int:
    """Twice x.

    >>> double(4)
    8
    """
    return x + 2
'''


def test_check_runs_the_probes_and_no_dynamic_turns_them_off() -> None:
    report = assay.check(WRONG, select=["runtime"], offline=True)
    assert [(f.rule, f.line, f.function) for f in report.findings] == [("AS601", 1, "double")]
    assert report.findings[0].evidence == {
        "input": "double(4)",
        "expected": "8",
        "got": "6",
        "example_line": 4,
        "example_origin": "doctest",
    }
    assert assay.check(WRONG, select=["runtime"], offline=True, dynamic=False).findings == []


def test_findings_can_be_suppressed_on_the_def_line() -> None:
    source = WRONG.replace("-> int:", "-> int:  # assay: ignore[AS601]", 1)
    assert assay.check(source, select=["runtime"], offline=True).findings == []


def test_a_module_that_cannot_import_in_the_sandbox_is_not_blamed() -> None:
    source = "import a_project_module_that_is_not_installed\n\n" + WRONG
    assert assay.check(source, select=["runtime"], offline=True).findings == []


def test_what_is_probed() -> None:
    source = """
import random

def hinted(n: int) -> int:
    return n

def unhinted(n):
    return n

def rolls(n: int) -> int:
    return random.randint(1, n)

def _private(n: int) -> int:
    return n

def gen(n: int):
    yield n

def area_v1(w: int, h: int) -> int:
    return w * h

def area_v2(w: int, h: int) -> int:
    return h * w
"""
    assert [node.name for node, _ in probe_targets(source)] == ["hinted"]
    assert version_groups(ast.parse(source)) == {"area": ["area_v1", "area_v2"]}
