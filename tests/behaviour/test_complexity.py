"""Growth fitting, size-scaled inputs and the AS509/AS203 decisions (no timing asserted)."""

from __future__ import annotations

import ast
import math

import pytest

from assay.behaviour.stages.complexity import (
    SIZES,
    Growth,
    confirmed,
    fit_exponent,
    growth_findings,
    sized_arguments,
)
from assay.rules.deprecated import findings_from_warnings
from assay.sandbox import WarningInfo


def test_fit_exponent_recovers_power_laws() -> None:
    sizes = [64, 128, 256, 512, 1024]
    assert fit_exponent(sizes, [n**2 * 1e-8 for n in sizes]) == pytest.approx(2.0)
    assert fit_exponent(sizes, [n * 3e-7 for n in sizes]) == pytest.approx(1.0)
    nlogn = fit_exponent(sizes, [n * math.log(n) * 1e-8 for n in sizes])
    assert nlogn is not None and 1.0 < nlogn < 1.3


def test_fit_exponent_needs_three_points_over_a_fourfold_range() -> None:
    assert fit_exponent([64, 128], [1.0, 2.0]) is None
    assert fit_exponent([100, 110, 120], [1.0, 1.1, 1.2]) is None


def _function(source: str) -> ast.FunctionDef:
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def test_sized_arguments_follow_the_hints_and_are_seeded() -> None:
    function = _function("def f(xs: list[int], target: int, names: set[str]) -> int: ...")
    args = sized_arguments(function, 128, seed=3)
    assert args is not None
    xs, target, names = args
    assert len(xs) == 128 and all(isinstance(x, int) for x in xs)
    assert target == -1 and isinstance(names, set)
    assert sized_arguments(function, 128, seed=3) == args


def test_sized_arguments_scale_strings_and_refuse_unknown_hints() -> None:
    text = sized_arguments(_function("def f(text: str) -> int: ..."), 256)
    assert text is not None and len(text[0]) == 256
    assert sized_arguments(_function("def f(n: int) -> int: ..."), 256) is None
    assert sized_arguments(_function("def f(x: Widget) -> int: ..."), 256) is None
    assert sized_arguments(_function("def f(x) -> int: ..."), 256) is None


def _growth(name: str, exponent: float, output: float | None) -> Growth:
    sizes = SIZES[:5]
    return Growth(
        function=name,
        line=1,
        sizes=sizes,
        seconds=tuple(1e-7 * n**exponent for n in sizes),
        output_sizes=tuple(int(n**output) if output else None for n in sizes),
        exponent=exponent,
        output_exponent=output,
    )


def test_superlinear_time_on_linear_output_is_reported_with_the_series() -> None:
    [finding] = growth_findings("m.py", [_growth("dedupe", 2.0, 1.0)])
    assert finding.rule == "AS509" and "n^2.00" in finding.message
    assert [row["n"] for row in finding.evidence["timings"]] == list(SIZES[:5])


def test_inherently_quadratic_output_and_near_linear_time_stay_silent() -> None:
    assert list(growth_findings("m.py", [_growth("pairs", 2.0, 2.0)])) == []
    assert list(growth_findings("m.py", [_growth("ranked", 1.1, 1.0)])) == []


def test_a_faster_version_in_the_file_is_the_evidence() -> None:
    growths = [_growth("run_v1", 1.8, 2.0), _growth("run_v2", 1.0, 2.0)]
    [finding] = growth_findings("m.py", growths)
    assert finding.function == "run_v1"
    assert finding.evidence["alternative"] == "run_v2"


def test_warnings_become_as203_findings_for_the_checked_file_only() -> None:
    captured = [
        WarningInfo(category="DeprecationWarning", message="old", filename="<candidate>", lineno=4),
        WarningInfo(category="DeprecationWarning", message="old", filename="<candidate>", lineno=4),
        WarningInfo(
            category="PydanticDeprecatedSince20", message="dict", filename="m.py", lineno=9
        ),
        WarningInfo(category="UserWarning", message="fine", filename="m.py", lineno=5),
        WarningInfo(category="FutureWarning", message="lib", filename="/site/lib.py", lineno=1),
    ]
    findings = findings_from_warnings(captured, path="m.py", function="f")
    assert [(f.rule, f.line) for f in findings] == [("AS203", 4), ("AS203", 9)]
    assert findings[0].evidence["category"] == "DeprecationWarning"


def test_stub_hints_fill_parameters_the_candidate_leaves_unannotated() -> None:
    bare = _function("def f(xs, k): ...")
    stub = _function("def f(xs: list[int], k: int) -> int: ...")
    assert sized_arguments(bare, 64) is None
    args = sized_arguments(bare, 64, hints=stub)
    assert args is not None and len(args[0]) == 64 and args[1] == -1


def test_docstring_examples_give_shapes_to_unannotated_functions() -> None:
    function = _function(
        'def dedupe(items, sep):\n    """\n    >>> dedupe([3, 1, 3], "-")\n    [3, 1]\n    """\n'
    )
    args = sized_arguments(function, 32)
    assert args is not None
    items, sep = args
    assert len(items) == 32 and all(isinstance(i, int) for i in items)
    assert isinstance(sep, str)
    mixed = _function('def f(xs):\n    """\n    >>> f([1, "a"])\n    """\n')
    assert sized_arguments(mixed, 32) is None


def test_a_confirmation_run_keeps_the_faster_time_per_size() -> None:
    disturbed = _growth("median", 1.0, 1.0)
    spiked = (*disturbed.seconds[:-1], disturbed.seconds[-1] * 40)
    first = Growth(
        function="median", line=1, sizes=disturbed.sizes, seconds=spiked,
        output_sizes=disturbed.output_sizes, exponent=fit_exponent(disturbed.sizes, spiked),
        output_exponent=1.0,
    )  # fmt: skip
    assert (first.exponent or 0) >= 1.5
    merged = confirmed(first, disturbed)
    assert merged.seconds == disturbed.seconds
    assert merged.exponent == pytest.approx(1.0)
