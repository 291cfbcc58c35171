"""The dynamic stage of `assay check`: what gets probed, and how findings are merged."""

from __future__ import annotations

import ast

import pytest

import assay
import assay.sandbox
from assay.behaviour.inputs import ProbeInput
from assay.behaviour.probes import repeat_indices
from assay.behaviour.stages.functions import probe_targets, version_groups

WRONG = '''def double(x: int) -> int:
    """Twice x.

    >>> double(4)
    8
    """
    return x + 2
'''


def test_check_runs_the_probes_and_no_dynamic_turns_them_off() -> None:
    report = assay.check_source(WRONG, select=["runtime"], offline=True)
    assert [(f.rule, f.line, f.function) for f in report.findings] == [("AS601", 1, "double")]
    assert report.findings[0].evidence == {
        "input": "double(4)",
        "expected": "8",
        "got": "6",
        "example_line": 4,
        "example_origin": "doctest",
    }
    assert assay.check_source(WRONG, select=["runtime"], offline=True, dynamic=False).findings == []


class _NoSandbox:
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("a sandbox was started for a file with nothing to run")


def test_a_file_with_nothing_to_run_starts_no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each sandbox takes a few tenths of a second to start; `assay check` on a module of
    # constants and imports should not pay for three of them.
    # Every dynamic stage runs on the pipeline's pool, which starts `assay.sandbox.Sandbox`.
    monkeypatch.setattr(assay.sandbox, "Sandbox", _NoSandbox)
    source = "import os\n\nSEPARATOR = os.sep\n\n\nclass Config:\n    debug = False\n"
    report = assay.check_source(source, offline=True)
    assert report.findings == [] and report.warnings == []


def test_findings_can_be_suppressed_on_the_def_line() -> None:
    source = WRONG.replace("-> int:", "-> int:  # assay: ignore[AS601]", 1)
    assert assay.check_source(source, select=["runtime"], offline=True).findings == []


def test_a_module_that_cannot_import_in_the_sandbox_is_not_blamed() -> None:
    source = "import a_project_module_that_is_not_installed\n\n" + WRONG
    assert assay.check_source(source, select=["runtime"], offline=True).findings == []


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


ORDER_OF_A_SET = '''def distinct_words(text: str) -> list[str]:
    """The distinct words of text.

    >>> sorted(distinct_words("b a b"))
    ['a', 'b']
    """
    return list(set(text.split()))
'''


def test_a_result_in_the_order_of_a_set_of_strings_changes_in_a_new_process() -> None:
    report = assay.check_source(ORDER_OF_A_SET, select=["AS604"], offline=True)
    assert [(f.rule, f.function) for f in report.findings] == [("AS604", "distinct_words")]
    evidence = report.findings[0].evidence
    assert evidence["hash_seeds"] == [0, 1]
    first, again = (ast.literal_eval(text) for text in evidence["got"])
    assert first != again and sorted(first) == sorted(again)
    assert "new process" in report.findings[0].message


def test_a_result_in_the_inputs_order_is_the_same_in_every_process() -> None:
    kept = ORDER_OF_A_SET.replace("list(set(text.split()))", "list(dict.fromkeys(text.split()))")
    assert assay.check_source(kept, select=["AS604"], offline=True).findings == []


def test_objects_without_a_repr_of_their_own_are_not_nondeterministic() -> None:
    source = '''class Box:
    def __init__(self, value):
        self.value = value


def make_box(value: int) -> Box:
    """A box holding value.

    >>> make_box(3).value
    3
    """
    return Box(value)
'''
    assert assay.check_source(source, select=["AS604"], offline=True).findings == []


def test_the_repeated_inputs_are_the_first_example_and_the_largest() -> None:
    inputs = [
        ProbeInput((3,), origin="boundary"),
        ProbeInput(([1, 2, 3, 4, 5],), origin="random"),
        ProbeInput(([1],), origin="example"),
        ProbeInput(([2],), origin="example"),
        ProbeInput(([1, 2, 3, 4],), origin="mutation"),
        ProbeInput(([1, 2, 3],), origin="random"),
    ]
    assert repeat_indices(inputs) == (2, 1, 4)


def test_a_module_that_needs_its_package_is_a_note_not_a_finding() -> None:
    source = "from .helpers import scale\n\n\ndef double(x: int) -> int:\n    return scale(x, 2)\n"
    report = assay.check_source(source, name="pkg/mod.py", offline=True)
    assert report.findings == []
    (note,) = report.notes
    assert note.startswith("pkg/mod.py: not verified here: double: ")
    assert "relative import" in note


def test_a_module_that_kills_its_own_import_cannot_hide_a_wrong_function() -> None:
    source = (
        "import os\n\nos._exit(0)\n\n\n"
        "def half(items: list[int]) -> int:\n    return items[0] // 2\n"
    )
    report = assay.check_source(source, offline=True)
    (finding,) = [f for f in report.findings if f.rule == "AS608"]
    assert finding.line == 1  # no traceback from a process that ended itself
    assert finding.evidence["not_verified"] == ["half"]
    assert finding.evidence["status"] == "crashed"
    assert report.notes == []
