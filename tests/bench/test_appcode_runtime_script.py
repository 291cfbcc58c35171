"""bench/appcode_runtime.py judges reports right (fake reports: no sandbox, no subprocess)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench"
CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "appcode"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_appcode", BENCH / "appcode_runtime.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # @dataclass looks its module up in sys.modules while it builds the class.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _finding(rule: str, function: str, got: str, family: str = "runtime") -> dict[str, Any]:
    evidence = {"input": f"{function}(0)", "got": got} if family == "runtime" else {}
    return {
        "rule": rule,
        "family": family,
        "function": function,
        "line": 1,
        "message": f"{function}(0) {got}",
        "evidence": evidence,
    }


def _report(*findings: dict[str, Any]) -> dict[str, Any]:
    return {"findings": list(findings), "errors": []}


def test_expected_rule_on_expected_function_is_a_catch_with_its_counterexample() -> None:
    bench = _load()
    expectation = bench.Expectation("m", "f", ("AS602",), "bug", "crash")
    buggy = _report(_finding("AS602", "f", "raises IndexError"))
    result = bench.judge_pair(expectation, _report(), buggy)
    assert result["buggy"]["caught"] and result["buggy"]["with_input"]
    assert result["buggy"]["counterexamples"] == ["f(0) -> raises IndexError"]
    assert result["clean"]["false_alarms"] == []


def test_false_alarm_shared_with_the_clean_twin_is_not_a_catch() -> None:
    bench = _load()
    expectation = bench.Expectation("m", "f", ("AS602",), "bug", "crash")
    alarm = _finding("AS602", "f", "raises TypeError: f() missing 1 required keyword-only argument")
    result = bench.judge_pair(expectation, _report(alarm), _report(dict(alarm)))
    assert not result["buggy"]["caught"]
    assert [a["rule"] for a in result["clean"]["false_alarms"]] == ["AS602"]
    assert [o["function"] for o in result["buggy"]["other_dynamic"]] == ["f"]


def test_evidence_whose_result_is_a_list_is_judged() -> None:
    bench = _load()
    expectation = bench.Expectation("m", "f", ("AS604",), "bug", "hidden state")
    finding = _finding("AS604", "f", "")
    finding["evidence"]["got"] = ["['a']", "['a', 'b']"]
    result = bench.judge_pair(expectation, _report(), _report(finding))
    assert result["buggy"]["counterexamples"] == ["f(0) -> ['a'] then ['a', 'b']"]


def test_wrong_function_or_rule_is_a_miss_and_static_findings_are_no_false_alarms() -> None:
    bench = _load()
    expectation = bench.Expectation("m", "f", ("AS601",), "bug", "doc example")
    buggy = _report(_finding("AS602", "f", "raises KeyError"), _finding("AS601", "g", "2"))
    clean = _report(_finding("AS300", "f", "", family="security"))
    result = bench.judge_pair(expectation, clean, buggy)
    assert not result["buggy"]["caught"]
    assert result["clean"]["false_alarms"] == []
    assert [s["rule"] for s in result["clean"]["static"]] == ["AS300"]


def test_totals_and_text_report() -> None:
    bench = _load()
    caught = bench.judge_pair(
        bench.Expectation("a", "f", ("AS606",), "bug", "constant"),
        _report(_finding("AS602", "g", "raises AttributeError")),
        _report(_finding("AS606", "f", "0")),
        clean_seconds=1.0,
        buggy_seconds=2.0,
    )
    missed = bench.judge_pair(
        bench.Expectation("b", "h", ("AS605",), "bug", "mutation"), _report(), _report()
    )
    summary = bench.totals([caught, missed])
    assert summary["false_alarms"] == 1 and summary["false_alarms_by_rule"] == {"AS602": 1}
    assert summary["clean_with_false_alarms"] == 1
    assert (summary["bugs_caught"], summary["bugs_missed"]) == (1, ["b"])
    assert summary["seconds"] == 3.0
    text = bench.render([caught, missed], summary)
    assert "bug in h MISSED" in text and "caught (AS606): f(0) -> 0" in text
    assert "false alarms on clean modules: 1 in 1/2 modules" in text


def test_every_expectation_names_a_function_of_both_twins() -> None:
    bench = _load()
    expectations = bench.load_expectations(CORPUS / "expectations.json")
    assert len(expectations) >= 12
    for name, expectation in expectations.items():
        for twin in ("clean", "buggy"):
            source = (CORPUS / twin / f"{name}.py").read_text(encoding="utf-8")
            assert f"def {expectation.function}(" in source, (twin, name)
        clean = (CORPUS / "clean" / f"{name}.py").read_text(encoding="utf-8")
        assert clean != (CORPUS / "buggy" / f"{name}.py").read_text(encoding="utf-8")
