"""Hard-coded results confirmed in the sandbox (AS404 evidence) or found there (AS408)."""

from __future__ import annotations

import assay
from assay.behaviour.stages.constant_output import MIN_CALLS, targets

SOURCE = """from decimal import Decimal


def get_weather(city):
    return {"city": "London", "temperature": 18.5}


def unit_price(sku: str) -> float:
    if not sku:
        raise ValueError("sku is required")
    return 9.99


def checked(code: str) -> bool:
    if not code:
        raise ValueError("empty")
    return True


def real(values: list[int]) -> int:
    return sum(values)
"""


def test_targets_are_functions_returning_literal_data_only() -> None:
    assert [f.name for f in targets(SOURCE)] == ["get_weather", "unit_price"]


def test_static_finding_gets_the_calls_as_evidence_and_reading_functions_get_as408() -> None:
    report = assay.check_source(SOURCE, select=["silent-failure"], offline=True)
    by_rule = {(f.rule, f.function or f.evidence.get("function")) for f in report.findings}
    assert by_rule == {("AS404", "get_weather"), ("AS408", "unit_price")}
    [static] = [f for f in report.findings if f.rule == "AS404"]
    dynamic = static.evidence["dynamic"]
    assert dynamic["constant"] is True
    assert dynamic["output"] == "{'city': 'London', 'temperature': 18.5}"
    assert len(set(dynamic["calls"])) >= MIN_CALLS
    [probed] = [f for f in report.findings if f.rule == "AS408"]
    assert probed.line == 8
    assert probed.evidence["output"] == "9.99"
    assert all(call.startswith("unit_price(") for call in probed.evidence["calls"])


def test_no_dynamic_keeps_the_static_finding_only() -> None:
    report = assay.check_source(SOURCE, select=["silent-failure"], offline=True, dynamic=False)
    assert [(f.rule, "dynamic" in f.evidence) for f in report.findings] == [("AS404", False)]


def test_as408_can_be_suppressed_on_the_def_line() -> None:
    source = SOURCE.replace(
        "def unit_price(sku: str) -> float:",
        "def unit_price(sku: str) -> float:  # assay: ignore[AS408]",
    )
    report = assay.check_source(source, select=["AS408"], offline=True)
    assert report.findings == []
