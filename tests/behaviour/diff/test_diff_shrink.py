"""Shrinking steps and the growth verdict, without running anything."""

from __future__ import annotations

from assay.behaviour.diff._compare import _relations, _smaller, _steps
from assay.behaviour.diff._growth import _change
from assay.behaviour.diff._types import growth_class


def test_smaller_values_are_smaller() -> None:
    assert [] in list(_smaller([3, 1, 2]))
    assert all(len(repr(v)) <= len("[3, 1, 2]") and v != [3, 1, 2] for v in _smaller([3, 1, 2]))
    assert "" in list(_smaller("abc"))
    assert all(abs(v) < 40 for v in _smaller(40))
    assert list(_smaller(0)) == []
    assert list(_smaller(False)) == []


def test_a_length_argument_shrinks_with_its_list() -> None:
    args = ([5, 6, 7], 3)
    relations = _relations(args)
    assert relations == {1: 0}
    assert all(step[1] == len(step[0]) for step in _steps(args, relations))


def test_steps_only_go_down_in_size() -> None:
    args = ([10, 20, 30, 40], "hello")
    assert all(len(repr(step)) < len(repr(args)) for step in _steps(args, {}))


def test_growth_regression_needs_a_clear_gap() -> None:
    sizes = [64, 128, 256, 512, 1024]
    linear = [n * 1e-6 for n in sizes]
    quadratic = [n * n * 1e-8 for n in sizes]
    regressed = _change([(n, o, s) for n, o, s in zip(sizes, linear, quadratic, strict=True)])
    assert regressed.regressed
    assert (regressed.old_class, regressed.new_class) == ("linear", "quadratic")
    same = _change([(n, o, o * 1.1) for n, o in zip(sizes, linear, strict=True)])
    assert not same.regressed
    faster = _change([(n, s, o) for n, o, s in zip(sizes, linear, quadratic, strict=True)])
    assert not faster.regressed


def test_growth_class_bands() -> None:
    assert growth_class(None) == "constant"
    assert growth_class(1.1) == "linear"
    assert growth_class(2.0) == "quadratic"
    assert growth_class(3.0) == "cubic or worse"
