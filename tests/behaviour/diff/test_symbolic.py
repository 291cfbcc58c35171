"""The symbolic engine of the behaviour diff: CrossHair's search, in the sandbox, time-bounded."""

from __future__ import annotations

import importlib.util
import json
import math
import time
from collections.abc import Iterator

import pytest

from assay.behaviour.diff import diff_sources
from assay.behaviour.diff.symbolic import (
    _finished,
    literal,
    param_types_of,
    symbolic_inputs,
    symbolic_search,
)
from assay.errors import InvalidArgument
from assay.sandbox import Sandbox

DOUBLE = "def scale(x: int) -> int:\n    return x * 2\n"
# 7319 is not written in the code, so the inputs drawn from its constants do not reach it.
MAGIC = "def scale(x: int) -> int:\n    if x * 3 == 21957:\n        return 0\n    return x + x\n"
SAME = "def scale(x: int) -> int:\n    return x + x\n"


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with Sandbox(workers=1) as sandbox:
        yield sandbox


def test_a_magic_value_random_inputs_miss_is_found(box: Sandbox) -> None:
    random_only = diff_sources(DOUBLE, MAGIC, symbolic=False, performance=False, sandbox=box)
    assert random_only.pairs[0].equivalent, "the random engine was expected to miss 7319"
    assert symbolic_inputs(DOUBLE, MAGIC, "scale", "scale", timeout_s=10, sandbox=box) == [(7319,)]


def test_the_diff_engine_confirms_and_reports_the_symbolic_input() -> None:
    both = diff_sources(DOUBLE, MAGIC, performance=False)
    (pair,) = both.pairs
    assert not pair.equivalent
    assert pair.engines == ("random", "symbolic")
    assert [(c.input, c.old, c.new, c.engine) for c in pair.counterexamples] == [
        ("scale(7319)", "14638", "0", "symbolic")
    ]


def test_an_equivalent_pair_yields_nothing_within_the_bound(box: Sandbox) -> None:
    search = symbolic_search(DOUBLE, SAME, "scale", "scale", timeout_s=10, sandbox=box)
    assert search.inputs == ()
    assert search.status == "exhausted", search
    assert search.paths >= 1


def test_the_time_bound_holds_when_the_search_does_not_stop_itself(box: Sandbox) -> None:
    # One path of this function runs for minutes in C code, where neither CrossHair's
    # per-path deadline nor its condition budget can interrupt it: only the sandbox can.
    slow = "def total(n: int) -> int:\n    return n + sum(range(10**11))\n"
    other = slow.replace("n +", "n - 1 +")
    started = time.monotonic()
    search = symbolic_search(slow, other, "total", "total", timeout_s=2, sandbox=box)
    elapsed = time.monotonic() - started
    assert search.status == "timeout", search
    assert search.inputs == ()
    # The sandbox's wall clock is the bound; the rest is forking and reaping the worker.
    assert elapsed < 2 + 3, elapsed


def test_a_search_with_many_paths_stops_at_its_budget(box: Sandbox) -> None:
    loop = (
        "def matches(xs: list[int], s: str) -> list[int]:\n"
        "    out = []\n"
        "    for x in sorted(xs):\n"
        "        if str(x) in s:\n"
        "            out.append(x * len(s))\n"
        "    return out\n"
    )
    comprehension = (
        "def matches(xs: list[int], s: str) -> list[int]:\n"
        "    return [x * len(s) for x in sorted(xs) if str(x) in s]\n"
    )
    search = symbolic_search(loop, comprehension, "matches", "matches", timeout_s=3, sandbox=box)
    assert search.status == "none", search
    assert search.seconds <= 3
    assert search.paths > 1


def test_a_mutated_argument_and_a_changed_exception_type_are_differences(box: Sandbox) -> None:
    copying = "def top(xs: list[int]) -> list[int]:\n    return sorted(xs)[:2]\n"
    sorting = "def top(xs: list[int]) -> list[int]:\n    xs.sort()\n    return xs[:2]\n"
    found = symbolic_inputs(copying, sorting, "top", "top", timeout_s=10, sandbox=box)
    assert found and all(args[0] != sorted(args[0]) for args in found)
    checked = (
        "def port(n: int) -> int:\n"
        "    if not 0 < n < 65536:\n"
        "        raise ValueError(n)\n"
        "    return n\n"
    )
    asserted = "def port(n: int) -> int:\n    assert 0 < n < 65536\n    return n\n"
    found = symbolic_inputs(checked, asserted, "port", "port", timeout_s=10, sandbox=box)
    assert found and all(not 0 < args[0] < 65536 for args in found)


def test_renamed_functions_and_parameters_take_old_s_types(box: Sandbox) -> None:
    old = "def allowed(role: str) -> bool:\n    return role in ('admin', 'owner')\n"
    new = "def is_allowed(r):\n    return r == 'admin'\n"
    search = symbolic_search(old, new, "allowed", "is_allowed", timeout_s=10, sandbox=box)
    assert search.annotations == ("str",)
    assert search.inputs == (("owner",),)


def test_untyped_pairs_are_searched_with_the_caller_s_types(box: Sandbox) -> None:
    old = "def shift(x):\n    return x + 1\n"
    new = "def shift(x):\n    return x + 1 if x != -42 else 0\n"
    unsupported = symbolic_search(old, new, "shift", "shift", timeout_s=5, sandbox=box)
    assert unsupported.status == "unsupported"
    assert "'x' has no annotation" in unsupported.reason
    typed = symbolic_search(
        old, new, "shift", "shift", timeout_s=10, param_types=["int"], sandbox=box
    )
    assert typed.inputs == ((-42,),)


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        ("int", "int"),
        ("Optional[str]", "Optional[str]"),
        ("typing.List[int]", "list[int]"),
        ("int | None", "Union[int, None]"),
        ("'dict[str, list[float]]'", "dict[str, list[float]]"),
        ("Tuple[int, ...]", "tuple[int, ...]"),
        ("tuple[int, str]", "tuple[int, str]"),
        ("Union[bytes, bool]", "Union[bytes, bool]"),
        ("FrozenSet[int]", "frozenset[int]"),
    ],
)
def test_supported_annotations(annotation: str, expected: str, box: Sandbox) -> None:
    source = f"import typing\nfrom typing import *\ndef f(x: {annotation}) -> None:\n    pass\n"
    search = symbolic_search(source, source, "f", "f", timeout_s=2, sandbox=box)
    # Same function on both sides: a supported pair is searched (and finds nothing).
    assert search.status != "unsupported", search.reason
    assert search.annotations == (expected,)


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("x: Any", "'Any'"),
        ("x: list", "list without element types"),
        ("x: Decimal", "'Decimal'"),
        ("*xs: int", "*args"),
        ("x: int, *, y: int", "keyword-only"),
    ],
)
def test_unsupported_signatures_say_why(signature: str, reason: str) -> None:
    source = f"def f({signature}):\n    return 1\n"
    search = symbolic_search(source, source, "f", "f", timeout_s=1)
    assert search.status == "unsupported"
    assert reason in search.reason


def test_long_functions_and_missing_functions_are_unsupported() -> None:
    long = "def f(x: int) -> int:\n" + "    x += 1\n" * 100 + "    return x\n"
    assert "lines" in symbolic_search(long, long, "f", "f", timeout_s=1).reason
    assert (
        "no top-level function 'g'" in symbolic_search(DOUBLE, DOUBLE, "g", "g", timeout_s=1).reason
    )


def test_without_crosshair_the_engine_is_unavailable_and_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "crosshair" else real(name, *a),
    )
    search = symbolic_search(DOUBLE, MAGIC, "scale", "scale", timeout_s=1)
    assert search.status == "unavailable"
    assert "pip install 'assay[symbolic]'" in search.reason


def test_invalid_arguments_are_rejected() -> None:
    with pytest.raises(InvalidArgument, match="timeout_s"):
        symbolic_search(DOUBLE, SAME, "scale", "scale", timeout_s=0)
    with pytest.raises(InvalidArgument, match="param_types has 2 entries"):
        symbolic_search(DOUBLE, SAME, "scale", "scale", timeout_s=1, param_types=["a", "b"])


def test_literal_parses_plain_data_only() -> None:
    assert literal("(1, -2.5, 'a', b'\\x00', None, True)") == (1, -2.5, "a", b"\x00", None, True)
    assert literal("{'k': [1, {2, 3}], 'e': set(), 'f': frozenset({1})}") == {
        "k": [1, {2, 3}],
        "e": set(),
        "f": frozenset({1}),
    }
    assert math.isnan(literal("nan")) and literal("-inf") == -math.inf
    assert literal("(1+2j)") == 1 + 2j
    for code in ("__import__('os')", "x", "[1] * 3", "set([[1]])", "{**a}", "-'a'"):
        with pytest.raises(ValueError):
            literal(code)


def test_a_forged_reply_from_the_sandbox_is_data_not_a_crash() -> None:
    # The checked code runs in the driver's process and can rewrite what it returns.
    forged = json.dumps(
        {
            "inputs": [[1, 2], "x", ["(1,)"], ["__import__('os')"], ["[" * 5000]],
            "paths": 3,
            "exhausted": False,
        }
    )
    search = _finished(forged, 0.1, ("int",))
    assert search.status == "found"
    assert search.inputs == (((1,),),)
    assert search.unparsed == 4
    assert _finished("not json", 0.1, ("int",)).status == "failed"
    assert _finished('{"inputs": []}', 0.1, ("int",)).status == "failed"


def test_param_types_of_concrete_inputs() -> None:
    assert param_types_of([(1, "a"), (2, "b")]) == ("int", "str")
    assert param_types_of([([1, 2],), ([],)]) == ("list[int]",)
    assert param_types_of([(None,), (3,)]) == ("Optional[int]",)
    assert param_types_of([({"a": (1, 2.5)},)]) == ("dict[str, tuple[int, float]]",)
    assert param_types_of([(1,), (2.5,)]) == ("Union[int, float]",)
    assert param_types_of([([],)]) is None, "nothing known about the elements"
    assert param_types_of([(object(),)]) is None
    assert param_types_of([(1,), (1, 2)]) is None
    assert param_types_of([]) is None
