"""The behaviour diff on real refactors: equivalent rewrites stay silent, subtle changes give
a shrunk counterexample with both results, declared changes are marked, the symbolic hook's
candidates are confirmed by a concrete run."""

from __future__ import annotations

import ast
import importlib.util
import sys
import types
from collections.abc import Sequence
from typing import Any

import pytest

from assay.behaviour.diff import SYMBOLIC_MODULE, BehaviourDiff, PairResult, diff_sources
from assay.errors import InvalidArgument
from assay.sandbox import Sandbox
from assay.source.parsed import parse_module

OLD = """
from decimal import ROUND_HALF_UP, Decimal


def squares_of_evens(xs: list[int]) -> list[int]:
    out = []
    for x in xs:
        if x % 2 == 0:
            out.append(x * x)
    return out


def word_count(text: str) -> int:
    return len(text.split())


def last_n(items: list[int], n: int) -> list[int]:
    return items[len(items) - n :]


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def first_word(text: str | None) -> str:
    if text is None:
        return ""
    return text.split(" ")[0]


def parse_port(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"not a port: {text!r}")
    return int(text)


def top_three(scores: list[int]) -> list[int]:
    return sorted(scores, reverse=True)[:3]


def greet(name: str) -> str:
    return "hello " + name


def plural(count: int) -> str:
    return "item" if count == 1 else "items"
"""

NEW = '''
from decimal import ROUND_HALF_EVEN, Decimal


def squares_of_evens(xs: list[int]) -> list[int]:
    return [x * x for x in xs if x % 2 == 0]


def count_words(text: str) -> int:
    return len(text.split())


def last_n(items: list[int], n: int) -> list[int]:
    return items[len(items) - n + 1 :]


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def first_word(text: str | None) -> str:
    return text.split(" ")[0]


def parse_port(text: str) -> int:
    if not text.isdigit():
        raise TypeError(f"not a port: {text!r}")
    return int(text)


def top_three(scores: list[int]) -> list[int]:
    scores.sort(reverse=True)
    return scores[:3]


def greet(name: str) -> str:
    print("greeting", name)
    return "hello " + name


def plural(count: int) -> str:
    """Behaviour change: minus one is singular too."""
    return "item" if count in (1, -1) else "items"
'''


@pytest.fixture(scope="module")
def diff() -> BehaviourDiff:
    return diff_sources(OLD, NEW, seed=0, performance=False, symbolic=False)


def _pair(diff: BehaviourDiff, new: str) -> PairResult:
    return next(p for p in diff.pairs if p.new == new)


def test_equivalent_refactors_are_equivalent(diff: BehaviourDiff) -> None:
    comprehension = _pair(diff, "squares_of_evens")
    assert comprehension.equivalent
    assert comprehension.inputs_tried >= 20
    assert "returned a value" in comprehension.coverage
    renamed = _pair(diff, "count_words")
    assert renamed.equivalent and renamed.renamed and renamed.old == "word_count"


@pytest.mark.parametrize(
    ("name", "kind", "old_says", "new_says"),
    [
        ("last_n", "value", "", ""),
        ("to_cents", "value", "Decimal(", "Decimal("),
        ("first_word", "exception", "''", "raises AttributeError"),
        ("parse_port", "exception", "raises ValueError", "raises TypeError"),
        ("top_three", "mutation", "arguments afterwards", "arguments afterwards"),
        ("greet", "output", "prints ''", "prints 'greeting"),
    ],
)
def test_subtle_changes_have_counterexamples(
    diff: BehaviourDiff, name: str, kind: str, old_says: str, new_says: str
) -> None:
    pair = _pair(diff, name)
    assert not pair.equivalent and pair.changed
    first = pair.counterexamples[0]
    assert first.kind == kind
    assert first.input.startswith(f"{name}(")
    assert old_says in first.old and new_says in first.new
    assert first.old != first.new


def test_counterexamples_are_shrunk(diff: BehaviourDiff) -> None:
    first = _pair(diff, "last_n").counterexamples[0]
    if first.shrunk_from is not None:
        assert len(first.input) < len(first.shrunk_from)
    # Nothing shorter than one element and one position can show the off-by-one.
    assert len(first.input) <= len("last_n([0], 1)")


def test_a_docstring_declares_an_intended_change(diff: BehaviourDiff) -> None:
    pair = _pair(diff, "plural")
    assert not pair.equivalent
    assert pair.declared and pair.declared_by == "docstring"
    assert not pair.changed


def test_exit_code_and_json_contract(diff: BehaviourDiff) -> None:
    assert diff.exit_code == 1
    document = diff.to_json()
    assert {"schema_version", "pairs", "errors"} <= set(document)
    for pair in document["pairs"]:
        assert {"old", "new", "equivalent", "inputs_tried", "engine", "counterexamples"} <= set(
            pair
        )
        for example in pair["counterexamples"]:
            assert {"input", "old", "new"} <= set(example)


def test_allow_change_and_entry_points() -> None:
    result = diff_sources(
        OLD,
        NEW,
        entry_points=["last_n"],
        allow_change=["last_n"],
        performance=False,
        symbolic=False,
    )
    assert [p.new for p in result.pairs] == ["last_n"]
    assert result.pairs[0].declared_by == "--allow-change"
    assert result.exit_code == 0
    with pytest.raises(InvalidArgument, match="nope"):
        diff_sources(OLD, NEW, entry_points=["nope"])


def test_an_unparsable_new_version_differs_at_import() -> None:
    result = diff_sources(OLD, "def broken(:\n", entry_points=["last_n"])
    (pair,) = result.pairs
    (example,) = pair.counterexamples
    assert (example.kind, example.engine, example.old) == ("import", "static", "imports")
    assert example.new.startswith("raises SyntaxError at import") and "(line 1)" in example.new
    assert not result.errors and result.exit_code == 1
    every = diff_sources(OLD, "def broken(:\n")
    assert {p.old for p in every.pairs} >= {"last_n", "greet", "word_count"}


def test_an_unparsable_old_version_is_an_error() -> None:
    result = diff_sources("def broken(:\n", OLD)
    assert result.errors and "old version does not parse" in result.errors[0]
    assert result.exit_code == 2


def test_a_removed_public_function_is_a_difference() -> None:
    old = "def keep(x: int) -> int:\n    return x\n\n\ndef gone(x: int) -> int:\n    return -x\n"
    old += "\n\ndef _helper(x: int) -> int:\n    return x * 7\n"
    new = "def keep(x: int) -> int:\n    return x\n"
    result = diff_sources(old, new, performance=False, symbolic=False)
    (pair,) = result.pairs
    assert pair.old == "gone" and pair.changed
    assert pair.counterexamples[0].kind == "removed"
    assert pair.counterexamples[0].new == "not defined (function removed)"
    # A private helper that went away is listed, not reported: its callers are diffed.
    assert result.removed == ("_helper",)
    asked = diff_sources(old, new, entry_points=["_helper"], performance=False, symbolic=False)
    assert [p.old for p in asked.pairs] == ["_helper"] and asked.exit_code == 1
    declared = diff_sources(old, new, allow_change=["gone"], performance=False, symbolic=False)
    assert declared.pairs[0].declared and declared.exit_code == 0


def test_an_old_version_raising_on_every_input_is_unverified() -> None:
    # The inputs are ints, which the old code cannot take: agreeing on them says nothing.
    old = "def norm(x: int) -> int:\n    return x.upper()\n"
    new = "def norm(x: int) -> int:\n    return 0\n"
    result = diff_sources(old, new, performance=False, symbolic=False)
    assert result.pairs == ()
    (unverified,) = result.unverified
    assert "raised on every input (AttributeError" in unverified.reason
    assert result.exit_code == 0


def test_unchanged_functions_are_not_run() -> None:
    result = diff_sources(OLD, OLD, performance=False)
    assert result.pairs == ()
    assert "greet" in result.unchanged


def test_a_module_that_no_longer_imports_changes_every_pair() -> None:
    new = NEW.replace("from decimal import", "from decimal_gone import")
    result = diff_sources(OLD, new, entry_points=["greet"], performance=False, symbolic=False)
    assert result.pairs[0].counterexamples[0].kind == "import"
    assert result.exit_code == 1


def test_methods_run_on_built_instances() -> None:
    old = (
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Counter:\n    start: int\n\n"
        "    def bumped(self, by: int) -> int:\n        return self.start + by\n"
    )
    new = old.replace("self.start + by", "self.start + by + (1 if by > 5 else 0)")
    result = diff_sources(old, new, performance=False, symbolic=False)
    (pair,) = result.pairs
    assert pair.new == "Counter.bumped"
    assert not pair.equivalent
    assert "Counter(" in pair.counterexamples[0].input


def test_a_changed_static_method_is_run_on_its_own_arguments() -> None:
    # Its first parameter is an int, not an instance of the class: built as one, every
    # call raised and the pair came out unverified.
    old = (
        "class Counter:\n    @staticmethod\n    def clamp(by: int) -> int:\n"
        "        return max(by, 0)\n"
    )
    new = old.replace("return max(by, 0)", "return max(by, 1)")
    result = diff_sources(old, new, performance=False, symbolic=False)
    (pair,) = result.pairs
    assert pair.new == "Counter.clamp" and not pair.equivalent, result
    assert "Counter(" not in pair.counterexamples[0].input


def test_texts_parsed_by_the_caller_are_reused_and_left_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A method: its inputs are built from a copy of it that drops its decorators and
    # annotates `self` with the class; the caller's shared tree must not get those edits.
    old = (
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Counter:\n    start: int\n\n"
        "    @staticmethod\n    def clamp(by: int) -> int:\n        return max(by, 0)\n\n"
        "    def bumped(self, by: int) -> int:\n        return self.start + self.clamp(by)\n"
    )
    new = old.replace("return max(by, 0)", "return max(by, 1)")
    trees = [parse_module(text) for text in (old, new)]
    before = [ast.dump(tree, include_attributes=True) for tree in trees]
    parsed: list[str] = []
    real = ast.parse

    def counting(source: object, *args: object, **kwargs: object) -> ast.AST:
        if source in (old, new):
            parsed.append("parse")
        return real(source, *args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(ast, "parse", counting)
    result = diff_sources(old, new, performance=False, symbolic=False)
    assert any(p.new == "Counter.bumped" and not p.equivalent for p in result.pairs)
    assert parsed == []
    assert [ast.dump(tree, include_attributes=True) for tree in trees] == before


_NEEDLE_OLD = "def bump(x: int) -> int:\n    return x\n"
# No random draw reaches the changed branch, and it compares no parameter with a constant.
_NEEDLE_NEW = (
    "def bump(x: int) -> int:\n    return x + (1 if x > 10**7 and x % 999983 == 3 else 0)\n"
)
_NEEDLE = 999983 * 11 + 3


def _fake_engine(
    monkeypatch: pytest.MonkeyPatch, proposed: Sequence[tuple[int, ...]]
) -> list[dict[str, Any]]:
    """A symbolic engine proposing `proposed`; returns the list its calls are recorded in."""
    from assay.behaviour.diff.symbolic import param_types_of

    module = types.ModuleType(SYMBOLIC_MODULE)
    module.__spec__ = importlib.util.spec_from_loader(SYMBOLIC_MODULE, loader=None)
    calls: list[dict[str, Any]] = []

    def symbolic_inputs(
        old: str,
        new: str,
        old_name: str,
        new_name: str,
        *,
        timeout_s: float,
        param_types: tuple[str, ...] | None = None,
        sandbox: Sandbox | None = None,
    ) -> list[tuple[int, ...]]:
        assert (old_name, new_name) == ("bump", "bump") and timeout_s > 0
        calls.append({"param_types": param_types, "sandbox": sandbox})
        return list(proposed)

    module.symbolic_inputs = symbolic_inputs  # type: ignore[attr-defined]
    module.param_types_of = param_types_of  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, SYMBOLIC_MODULE, module)
    return calls


def test_symbolic_candidates_are_confirmed_by_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_engine(monkeypatch, [(5,), (_NEEDLE,)])
    result = diff_sources(_NEEDLE_OLD, _NEEDLE_NEW, performance=False)
    (pair,) = result.pairs
    assert pair.engines == ("random", "symbolic")
    (example,) = pair.counterexamples
    assert example.engine == "symbolic"
    assert (example.old, example.new) == (str(_NEEDLE), str(_NEEDLE + 1))


def test_the_symbolic_engine_runs_in_the_diffs_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake_engine(monkeypatch, [(_NEEDLE,)])
    with Sandbox(workers=1) as sandbox:
        diff_sources(_NEEDLE_OLD, _NEEDLE_NEW, performance=False, sandbox=sandbox)
    assert calls == [{"param_types": None, "sandbox": sandbox}]


def test_the_symbolic_engine_takes_either_versions_types_or_the_inputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _fake_engine(monkeypatch, [(_NEEDLE,)])
    untyped_old = _NEEDLE_OLD.replace("(x: int) -> int", "(x)")
    # One version annotates every parameter: the engine reads the annotations.
    result = diff_sources(untyped_old, _NEEDLE_NEW, performance=False)
    assert result.pairs[0].counterexamples[0].engine == "symbolic"
    assert calls[-1]["param_types"] is None
    # Neither does: the types the old version was seen to take (from its callers).
    untyped_new = _NEEDLE_NEW.replace("(x: int) -> int", "(x)")
    result = diff_sources(
        untyped_old, untyped_new, performance=False, callers=("assert bump(3) == 3\n",)
    )
    assert calls[-1]["param_types"] == ("int",)
    assert result.pairs[0].counterexamples[0].engine == "symbolic"


def test_symbolic_candidates_that_do_not_differ_are_not_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_engine(monkeypatch, [(5,), (6,)])
    result = diff_sources(_NEEDLE_OLD, _NEEDLE_NEW, performance=False)
    (pair,) = result.pairs
    assert pair.equivalent and pair.engines == ("random", "symbolic")


def test_parsed_and_normalised_strings_reach_the_changed_branch() -> None:
    old = (
        "from datetime import date, timedelta\n\n\n"
        "def days(start: str, end: str) -> int:\n"
        "    return (date.fromisoformat(end) - date.fromisoformat(start)).days + 1\n\n\n"
        "def price(cents: int, code: str) -> int:\n"
        "    return cents * 9 // 10 if code == 'SAVE10' else cents\n"
    )
    new = old.replace(").days + 1", ").days").replace(
        "if code == 'SAVE10'", "if code.strip().upper() == 'SAVE10'"
    )
    result = diff_sources(old, new, performance=False, symbolic=False)
    examples = {p.new: p.counterexamples[0].input for p in result.pairs}
    assert examples["days"].startswith("days('20")
    assert "'save10'" in examples["price"] or "' SAVE10 '" in examples["price"]


def test_a_dropped_side_effect_of_computing_a_result_is_not_a_difference() -> None:
    # The old version sorts its argument to build its answer; the new one leaves it alone.
    old = "def top(xs: list[int]) -> list[int]:\n    xs.sort()\n    return xs[-2:]\n"
    new = "def top(xs: list[int]) -> list[int]:\n    return sorted(xs)[-2:]\n"
    result = diff_sources(old, new, performance=False, symbolic=False)
    assert result.pairs[0].equivalent
    # The other way round, the caller's list changes under it: a difference.
    back = diff_sources(new, old, performance=False, symbolic=False)
    assert back.pairs[0].counterexamples[0].kind == "mutation"
    # An old version whose result *is* the change (it returns None) keeps it.
    in_place = "def order(xs: list[int]) -> None:\n    xs.sort()\n"
    copy = "def order(xs: list[int]) -> None:\n    sorted(xs)\n"
    kept = diff_sources(in_place, copy, performance=False, symbolic=False)
    assert kept.pairs[0].counterexamples[0].kind == "mutation"
