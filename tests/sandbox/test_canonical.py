"""Canonical forms: comparable across candidates, JSON-only, deliberate about floats, NaN,
sets, dict order, bool vs int, exceptions-as-values, cycles and size."""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from decimal import Decimal
from fractions import Fraction

import pytest

from assay.sandbox.canonical import (
    MAX_FORM_DEPTH,
    MAX_ITEMS,
    bounded,
    canonical_key,
    canonicalize,
    equivalent,
)


class Colour(enum.Enum):
    RED = 1


@dataclasses.dataclass
class Point:
    x: int
    y: float


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (3, 3),
        ("s", "s"),
        (1.5, 1.5),
        (float("nan"), {"__float__": "nan"}),
        (float("-inf"), {"__float__": "-inf"}),
        ([1, (2,)], [1, {"__tuple__": [2]}]),
        ({3, 1, 2}, {"__set__": [1, 2, 3]}),
        (frozenset({"b", "a"}), {"__set__": ["a", "b"]}),
        ({"b": 1, "a": 2}, {"__dict__": [["a", 2], ["b", 1]]}),
        (b"\x00\xff", {"__bytes__": "00ff"}),
        (1 + 2j, {"__complex__": [1.0, 2.0]}),
        (Fraction(1, 3), {"__fraction__": "1/3"}),
        (Decimal("1.10"), {"__decimal__": "1.10"}),
        (ValueError("bad", 3), {"__exception__": "ValueError", "args": ["bad", 3]}),
        (Colour.RED, {"__enum__": "test_canonical.Colour.RED"}),
        (
            Point(1, 2.0),
            {
                "__dataclass__": "test_canonical.Point",
                "fields": {"__dict__": [["x", 1], ["y", 2.0]]},
            },
        ),
    ],
)
def test_canonical_forms(value: object, expected: object) -> None:
    assert canonicalize(value) == expected
    json.dumps(canonicalize(value), allow_nan=False)


def test_dict_and_set_order_do_not_matter() -> None:
    assert canonicalize({"a": 1, "b": 2}) == canonicalize({"b": 2, "a": 1})
    assert canonical_key(canonicalize({1, 2, 3})) == canonical_key(canonicalize({3, 2, 1}))


def test_cycles_and_sizes_are_bounded() -> None:
    cyclic: list[object] = [1]
    cyclic.append(cyclic)
    assert canonicalize(cyclic) == [1, {"__cycle__": "list"}]
    big = canonicalize(list(range(MAX_ITEMS + 5)))
    assert len(big) == MAX_ITEMS + 1
    assert big[-1] == {"__truncated__": 5}
    deep: list[object] = []
    for _ in range(200):
        deep = [deep]
    json.dumps(canonicalize(deep))


@dataclasses.dataclass
class Node:
    child: object


def test_bounded_keeps_every_form_canonicalize_makes() -> None:
    # the deepest forms per Python level: dict items, dataclass fields, exception args
    for wrap in (
        lambda inner: {"key": inner},
        lambda inner: Node(inner),
        lambda inner: (ValueError(inner), {"key": [2]}),
    ):
        value: object = 1.5 + 2j
        for _ in range(200):
            value = wrap(value)
        form = canonicalize(value)
        assert bounded(form) == (form, "")


def test_bounded_cuts_forged_forms_without_recursion() -> None:
    forged: list[object] = []
    for _ in range(100_000):
        forged = [forged]
    kept, note = bounded(forged)
    assert note == f"value nested deeper than {MAX_FORM_DEPTH} levels: cut"
    for _ in range(MAX_FORM_DEPTH):
        (kept,) = kept
    assert kept == {"__truncated__": note}
    canonical_key(bounded([forged, forged])[0])
    wide, note = bounded({"__dict__": list(range(MAX_ITEMS + 3))})
    assert wide["__dict__"][-1] == {"__truncated__": 3}
    assert note == f"container longer than {MAX_ITEMS} items: cut"


def test_opaque_objects_and_hostile_repr_are_described() -> None:
    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    form = canonicalize(Hostile())
    assert form["__object__"].endswith("Hostile")
    assert form["repr"].startswith("<unrepresentable Hostile")
    generator = (i for i in range(3))
    assert canonicalize(generator)["__object__"] == "generator"
    assert list(generator) == [0, 1, 2]


def test_objects_are_compared_by_their_attributes_not_their_addresses() -> None:
    class Box:
        def __init__(self, value: int) -> None:
            self.value = value

    form = canonicalize(Box(3))
    assert form["__object__"].endswith(".Box")
    assert form["fields"] == {"__dict__": [["value", 3]]}
    assert canonical_key(canonicalize(Box(3))) == canonical_key(canonicalize(Box(3)))
    assert canonical_key(canonicalize(Box(3))) != canonical_key(canonicalize(Box(4)))
    # a repr of its own is kept, without the address a default repr would carry
    assert canonicalize(object())["repr"] == "<object object at 0x…>"
    assert canonicalize(len)["repr"] == "<built-in function len>"


def test_an_object_hiding_its_attributes_is_described_by_its_repr() -> None:
    class Guarded:
        @property
        def __dict__(self) -> dict[str, object]:  # type: ignore[override]
            raise RuntimeError("no access")

    assert canonicalize(Guarded())["repr"].endswith("Guarded object at 0x…>")

    class Slotted:
        __slots__ = ("value",)

        def __init__(self) -> None:
            self.value = 1

    assert canonicalize(Slotted())["repr"].endswith("Slotted object at 0x…>")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (0.1 + 0.2, 0.3, True),
        (1, 1.0, True),
        (1.0, 1.001, False),
        # π written as 3.14159 is another formula (8e-7 apart), not rounding noise.
        (90 * 3.14159 / 180, 1.5707963267948966, False),
        (sum([0.1] * 10), 1.0, True),
        (float("nan"), float("nan"), True),
        (float("inf"), float("inf"), True),
        (float("inf"), 1e308, False),
        (True, 1, False),
        ([1, 2], (1, 2), False),
        ({0.1 + 0.2, 1.0}, {1.0, 0.3}, True),
        ({"k": 0.1 + 0.2}, {"k": 0.3}, True),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        (ValueError("x"), ValueError("x"), True),
        (ValueError("x"), TypeError("x"), False),
    ],
)
def test_equivalent(a: object, b: object, same: bool) -> None:
    assert equivalent(canonicalize(a), canonicalize(b)) is same


def test_equivalent_tolerances_are_adjustable() -> None:
    assert equivalent(1.0, 1.001, rel_tol=1e-2)
    assert not equivalent(1e-12, 2e-12, abs_tol=0.0)


def test_canonical_key_rounds_floats_deliberately() -> None:
    assert canonical_key(canonicalize(0.1 + 0.2)) == canonical_key(canonicalize(0.3))
    assert canonical_key(canonicalize(-0.0)) == canonical_key(canonicalize(0.0))
    assert canonical_key(canonicalize(1.5)) != canonical_key(canonicalize(1.5000001))
    assert canonical_key(canonicalize(True)) != canonical_key(canonicalize(1))
    assert not math.isnan(json.loads(canonical_key(canonicalize([1.0])))[0])
