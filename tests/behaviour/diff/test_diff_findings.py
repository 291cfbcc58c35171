"""A behaviour diff as findings, notes and a report (pure), and where test files are read."""

from __future__ import annotations

from pathlib import Path

from assay.behaviour.diff import (
    BehaviourDiff,
    Counterexample,
    GrowthChange,
    PairResult,
    Unverified,
)
from assay.behaviour.diff.findings import diff_findings, diff_notes, diff_report, repository_tests
from assay.model import Severity

CHANGED = PairResult(
    old="mean",
    new="mean",
    equivalent=False,
    inputs_tried=48,
    engines=("random",),
    counterexamples=(Counterexample("mean([])", "None", "raises ZeroDivisionError"),),
    new_line=7,
)
SLOWER = GrowthChange(
    sizes=(64, 128, 256),
    old_seconds=(1e-4, 2e-4, 4e-4),
    new_seconds=(1e-3, 4e-3, 1.6e-2),
    old_exponent=1.0,
    new_exponent=2.0,
    regressed=True,
)
DIFF = BehaviourDiff(
    pairs=(
        CHANGED,
        PairResult(
            old="evens",
            new="even_numbers",
            equivalent=True,
            inputs_tried=40,
            engines=("random",),
            renamed=True,
            coverage="40 returned a value",
            performance=SLOWER,
            new_line=12,
        ),
        PairResult(
            old="label",
            new="label",
            equivalent=False,
            inputs_tried=30,
            engines=("random",),
            counterexamples=(Counterexample("label(0)", "'0 items'", "'no items'"),),
            declared=True,
            declared_by="docstring",
            new_line=20,
        ),
    ),
    added=("fresh",),
    removed=("gone",),
    unverified=(Unverified("walk", "walk", "a generator (not run)"),),
)


def test_findings_carry_the_counterexample_and_the_timings() -> None:
    findings = diff_findings(DIFF, "new.py")
    assert [(f.rule, f.line, f.severity) for f in findings] == [
        ("AS702", 7, Severity.ERROR),
        ("AS703", 12, Severity.WARNING),
        ("AS702", 20, Severity.INFO),
    ]
    changed, slower, declared = findings
    assert changed.evidence["input"] == "mean([])"
    assert changed.evidence["old_result"] == "None"
    assert "quadratic where the old evens was linear" in slower.message
    assert [row["size"] for row in slower.evidence["timings"]] == [64, 128, 256]
    assert "declared by docstring" in declared.message and declared.fix is None


def test_notes_say_what_is_equivalent_added_removed_and_not_compared() -> None:
    notes = "\n".join(diff_notes(DIFF, "new.py"))
    assert "even_numbers (renamed from evens) equivalent on 40 inputs" in notes
    assert "added (not diffed): fresh" in notes and "removed (not diffed): gone" in notes
    assert "walk not compared: a generator (not run)" in notes
    assert DIFF.exit_code == 1
    report = diff_report(BehaviourDiff(errors=("the old version does not parse",)), "new.py")
    assert report.errors[0].message == "the old version does not parse"


def test_test_files_outside_a_repository_come_from_beside_the_file(tmp_path: Path) -> None:
    (tmp_path / "test_here.py").write_text("assert f(1) == 2\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_more.py").write_text("assert f(2) == 3\n")
    (tmp_path / "deep" / "down").mkdir(parents=True)
    (tmp_path / "deep" / "down" / "test_far.py").write_text("assert f(3) == 4\n")
    texts = repository_tests(tmp_path / "module.py")
    assert sorted(texts) == ["assert f(1) == 2\n", "assert f(2) == 3\n"]
