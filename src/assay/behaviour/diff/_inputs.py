"""The inputs one pair runs on: the union of what both versions suggest.

* Functions of plain values (ints, strings, lists of them) get `generate_inputs` for each
  version's spec (its docstring examples, its annotations), with the literal calls of the
  function found in both modules and in the repository's tests as ``proposed`` inputs
  (the old function's own callers know what it is called with).
* Functions that take the module's classes, stdlib value types, Enum or Literal members,
  or that state their domain in constants, get `typed_inputs` (expressions evaluated in
  the module) for each version; a method is called on instances of its class built the
  same way. The old version's inputs come first: the diff asks what the old code did.

The same list, in the same order and from the same seed, runs on both sides.
"""

from __future__ import annotations

import ast
import copy
import datetime
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from assay.behaviour.diff._domain import stated_types
from assay.behaviour.diff._match import Defined
from assay.behaviour.inputs import (
    ProbeInput,
    Shape,
    generate_inputs,
    guess_hints,
    infer_shapes,
    inputs_of_size,
)
from assay.behaviour.inputs import _literal_calls as literal_calls
from assay.behaviour.inputs.typed import Expr, ModuleTypes, stated_domains, typed_inputs
from assay.behaviour.inputs.typed import _call_expression as call_expression
from assay.behaviour.spec import Spec, extract_spec
from assay.sandbox.canonical import canonical_key, canonicalize
from assay.source.segments import Segments

__all__ = ["ALIAS", "Side", "pair_inputs", "side_spec"]

#: The function both modules get, calling their version of the function, so that one list
#: of calls (and one expression per typed input) runs on both, whatever each is called.
ALIAS = "__assay_diff_entry__"
#: Filling the budget after `generate_inputs`: sizes 0..7 (collection lengths, or the
#: magnitude of numbers when there is no collection), two draws each, at most 4 turns.
_FILL_SIZES = 8
_FILL_TURNS = 4
#: Literal calls taken from the modules and the repository's tests, at most.
_PROPOSED = 16


@dataclass(frozen=True)
class Side:
    """One version: the module's text and tree, and the function's entry in it."""

    source: str
    tree: ast.Module
    function: Defined

    @property
    def runnable(self) -> str:
        """The module with a function `ALIAS` that calls this one (``Cart.total`` for a
        method). A wrapper, not a second name: the probes tell an argument the module
        refused to build from a failing call by the entry point's frame in the traceback."""
        return (
            f"{self.source}\n\n\ndef {ALIAS}(*__args, **__kwargs):\n"
            f"    return {self.function.qualname}(*__args, **__kwargs)\n"
        )


def side_spec(side: Side, module_names: frozenset[str]) -> Spec:
    """The spec the function states (docstring examples, annotations), its entry point
    `ALIAS`; the examples keep only their argument values (their calls name the function)."""
    text = Segments(side.source).of(side.function.node) or ""
    spec = extract_spec(text, side.function.node.name, module_names=module_names)
    return replace(spec, entry_point=ALIAS)


def _plain(
    spec: Spec,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    hints: dict[str, str],
    proposed: Sequence[tuple[Any, ...]],
) -> bool:
    shapes = infer_shapes(spec, hints, proposed)
    keyword_only = any(default is None for default in node.args.kw_defaults)
    return shapes is not None and not any(_has_any(s) for s in shapes) and not keyword_only


def _has_any(shape: Shape) -> bool:
    return shape.kind == "any" or any(_has_any(item) for item in shape.items)


def _called_with(
    trees: Sequence[ast.AST], texts: Sequence[str], names: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Literal positional arguments of every call of one of `names` anywhere in `trees` and
    in the `texts` (test files) that mention one of them (inside functions too: a test
    function's ``assert total([1, 2]) == 3``)."""
    found: dict[str, tuple[Any, ...]] = {}
    mentioning = [text for text in texts if any(name in text for name in names)]
    for tree in [*trees, *(t for t in map(_parsed, mentioning) if t is not None)]:
        for name in names:
            for values in literal_calls(tree, name):
                try:
                    key = canonical_key(canonicalize(values))
                except RecursionError:
                    continue
                found.setdefault(key, values)
                if len(found) >= _PROPOSED:
                    return list(found.values())
    return list(found.values())


def _parsed(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


def _as_function(function: Defined) -> ast.FunctionDef:
    """A method as a function whose first parameter is annotated with its class, so that
    `typed_inputs` builds the instance as it builds any argument of the module's types."""
    node = copy.deepcopy(function.node)
    plain = (
        node
        if isinstance(node, ast.FunctionDef)
        else ast.FunctionDef(**{name: getattr(node, name) for name in node._fields})
    )
    plain.decorator_list = []
    positional = [*plain.args.posonlyargs, *plain.args.args]
    # A static method's first parameter is an ordinary argument, not the instance.
    if function.owner is not None and positional and "staticmethod" not in function.decorators:
        positional[0].annotation = ast.Name(id=function.owner, ctx=ast.Load())
    return plain


#: Days the date and time strings a parser parameter receives are written for: month and
#: year ends, a leap day, two days a short distance apart.
_DAYS = ((2024, 1, 1), (2024, 1, 3), (2024, 2, 29), (2023, 12, 31), (2024, 3, 10))
_INTEGERS = ("0", "1", "-1", "7", "42", "255", "65536", "70000")


def _read_domains(
    old: Side, new: Side, stated: Sequence[dict[str, tuple[str, ...]]]
) -> dict[str, tuple[str, ...]]:
    """Values a string parameter is written in, beyond the ones `stated_domains` reads:

    * the strings a parser of the parameter accepts: ``date.fromisoformat(p)`` gets ISO
      dates, ``datetime.strptime(p, "%d/%m/%Y")`` dates in that format, ``int(p)`` and
      ``float(p)`` numbers (random text never parses, and both versions then raise the same
      ValueError on every input);
    * each string a version compares the parameter with, in the other spellings user input
      comes in (lower and upper case, padded): an edit that starts normalising input
      (``code.strip().upper() == "WELCOME10"``) differs exactly there.
    """
    found: dict[str, list[str]] = {}
    for side in (old, new):
        node = side.function.node
        # Only text parameters receive strings (``int(n)`` of an int parameter converts).
        names = {
            a.arg
            for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            if a.annotation is None or ast.unparse(a.annotation) in {"str", "'str'"}
        }
        for call in ast.walk(node):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, (ast.Attribute, ast.Name))
                and call.args
                and isinstance(call.args[0], ast.Name)
                and call.args[0].id in names
            ):
                continue
            values = _parsed_by(call)
            if values:
                bucket = found.setdefault(call.args[0].id, [])
                bucket.extend(v for v in values if v not in bucket)
        for name, values in _split_and_parsed(node, names):
            bucket = found.setdefault(name, [])
            bucket.extend(v for v in values if v not in bucket)
    for domains in stated:
        for name, sources in domains.items():
            for source in sources:
                bucket = found.setdefault(name, [])
                bucket.extend(v for v in _spellings(source) if v not in bucket)
    return {name: tuple(values) for name, values in found.items() if values}


#: Pieces joined into a text a split-then-parse reads ("1.2.3", "10.0.1", one piece, ...).
_PIECES = (
    ("1", "2", "3"),
    ("0",),
    ("10", "0", "1"),
    ("7", "42"),
    ("1", "-1"),
    ("2", "3", "5", "8"),
)


def _split_and_parsed(
    node: ast.FunctionDef | ast.AsyncFunctionDef, names: set[str]
) -> list[tuple[str, list[str]]]:
    """Texts a parameter split into numbers receives: ``map(int, p.split("."))``, ``[int(x)
    for x in p.split(",")]``, ``for x in p.split(): int(x)`` read numbers joined by the
    separator (random text never parses, and both versions would only raise)."""
    found: list[tuple[str, list[str]]] = []

    def split_of(expr: ast.expr) -> tuple[str, str] | None:
        if not (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr in ("split", "rsplit")
            and isinstance(expr.func.value, ast.Name)
            and expr.func.value.id in names
        ):
            return None
        if not expr.args:
            return expr.func.value.id, " "
        separator = expr.args[0]
        if isinstance(separator, ast.Constant) and isinstance(separator.value, str):
            return expr.func.value.id, separator.value
        return None

    def parses(call: ast.AST, variable: str) -> bool:
        return (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in ("int", "float")
            and bool(call.args)
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id == variable
        )

    for sub in ast.walk(node):
        split: tuple[str, str] | None = None
        if (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Name)
            and sub.func.id == "map"
            and len(sub.args) == 2
            and isinstance(sub.args[0], ast.Name)
            and sub.args[0].id in ("int", "float")
        ):
            split = split_of(sub.args[1])
        elif isinstance(sub, (ast.For, ast.comprehension)) and isinstance(sub.target, ast.Name):
            candidate = split_of(sub.iter)
            variable = sub.target.id
            scope = ast.walk(sub) if isinstance(sub, ast.For) else ast.walk(node)
            if candidate is not None and any(parses(call, variable) for call in scope):
                split = candidate
        if split is not None:
            name, separator = split
            found.append((name, [repr(separator.join(pieces)) for pieces in _PIECES]))
    return found


def _parsed_by(call: ast.Call) -> list[str]:
    """Sources of strings the parser `call` accepts as its first argument ([] if unknown)."""
    func = call.func
    if isinstance(func, ast.Name):
        # Number parsers: the numbers at the edges of ordinary ranges, negative, zero,
        # beyond 16 bits, and (for float) a fraction and an exponent.
        if func.id == "int":
            return [repr(text) for text in _INTEGERS]
        if func.id in {"float", "Decimal"}:
            return [repr(text) for text in (*_INTEGERS, "3.5", "-0.25", "1e3")]
        return []
    if not isinstance(func, ast.Attribute):
        return []
    if func.attr == "fromisoformat":
        if ast.unparse(func.value).rsplit(".", 1)[-1] == "date":
            return [repr(datetime.date(*day).isoformat()) for day in _DAYS]
        return [repr(datetime.datetime(*day, 9, 30).isoformat()) for day in _DAYS]
    if (
        func.attr == "strptime"
        and len(call.args) >= 2
        and isinstance(call.args[1], ast.Constant)
        and isinstance(call.args[1].value, str)
    ):
        layout = call.args[1].value
        try:
            return [repr(datetime.datetime(*day, 9, 30).strftime(layout)) for day in _DAYS]
        except ValueError:
            return []
    return []


def _spellings(source: str) -> list[str]:
    """Other spellings of a stated string constant: lower, upper case and padded."""
    try:
        value = ast.literal_eval(source)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return []
    if not isinstance(value, str) or not value.strip():
        return []
    return [
        repr(other)
        for other in dict.fromkeys([value.lower(), value.upper(), f" {value} "])
        if other != value
    ]


#: Argument combinations enumerated at most by `_combined` (beyond, the plan's rows stay).
_MAX_COMBINATIONS = 4096


def _combined(
    inputs: Sequence[ProbeInput],
    budget: int,
    names: Sequence[str],
    domains: dict[str, tuple[str, ...]],
) -> list[ProbeInput]:
    """More combinations of the values `typed_inputs` chose per parameter: every value of
    every parameter with every other, the earliest values (the stated domain's) first.

    The plan's rows show each value once, which suffices to see a crash; a behaviour
    change often needs one particular pair (the half-cent amount *and* a rate that is a
    key of the table), which only the product of the columns is sure to hold.
    """
    if not inputs:
        return []
    keywords = list(inputs[0].kwargs)
    columns: list[list[Expr]] = [[] for _ in range(len(inputs[0].args) + len(keywords))]
    for item in inputs:
        values = [*item.args, *(item.kwargs.get(k) for k in keywords)]
        if len(values) != len(columns):
            return []
        for column, value in zip(columns, values, strict=True):
            if isinstance(value, Expr) and value not in column:
                column.append(value)
    for name, column in zip(names, columns, strict=False):
        # The rows already tried the values outside a stated domain (a missing key
        # raises the same in both versions): the combinations stay inside it.
        stated = domains.get(name, ())
        inside = [value for value in column if value.source in stated]
        shown = {value.source for value in inside}
        inside += [Expr(source) for source in stated if source not in shown]
        if inside:
            column[:] = inside
    if not all(columns) or math.prod(len(c) for c in columns) > _MAX_COMBINATIONS:
        return []
    ranked = sorted(
        itertools.product(*(range(len(c)) for c in columns)),
        key=lambda indices: (max(indices), sum(indices), indices),
    )
    made: list[ProbeInput] = []
    positional = len(columns) - len(keywords)
    for indices in ranked[: budget * 2]:
        row = [columns[k][i] for k, i in enumerate(indices)]
        args = tuple(row[:positional])
        kwargs = dict(zip(keywords, row[positional:], strict=True))
        made.append(
            ProbeInput(args, kwargs, "typed", expression=call_expression(ALIAS, args, kwargs))
        )
    return made


def pair_inputs(
    old: Side,
    new: Side,
    specs: tuple[Spec, Spec],
    *,
    budget: int,
    seed: int,
    callers: Sequence[str] = (),
) -> tuple[list[ProbeInput], str | None]:
    """The inputs both versions run on, and None, or [] and why none could be built.

    Args:
        old: the old version; its suggestions come first.
        new: the new version.
        specs: the two versions' specs (`side_spec`).
        budget: the most inputs.
        seed: makes generation reproducible (the same for both sides).
        callers: texts of the repository's test files, searched for literal calls.
    """
    old_spec, new_spec = specs
    is_method = old.function.owner is not None
    names = list(dict.fromkeys([old.function.node.name, new.function.node.name]))
    proposed = [] if is_method else _called_with([old.tree, new.tree], callers, names)
    # Annotations first, then the types the old docstring states ("a positive integer n",
    # "a list of positive integers x") over what a name suggests (``x`` reads as an int),
    # except a scalar stated of a parameter whose name says collection (in "an array arr
    # of integers" the integers are its elements).
    by_name = guess_hints(old_spec)
    stated_hints = {
        name: text
        for name, text in stated_types(old.function.node).items()
        if not (by_name.get(name, "").startswith("list") and not text.startswith("list"))
    }
    hints = {**stated_hints, **new_spec.hints, **old_spec.hints}
    # Unannotated code is plain too when its callers show what it takes.
    plain = not is_method and all(
        _plain(spec, side.function.node, hints, proposed)
        for spec, side in ((old_spec, old), (new_spec, new))
    )
    stated = [
        stated_domains(_as_function(side.function), ModuleTypes.of(side.tree))
        for side in (old, new)
    ]
    extra = _read_domains(old, new, [values for values, _ in stated])
    has_domains = bool(extra) or any(values or keys for values, keys in stated)
    found: dict[str, ProbeInput] = {}

    def add(items: Sequence[ProbeInput], limit: int = budget) -> None:
        for item in items:
            if len(found) >= limit:
                return
            found.setdefault(item.expression or item.key, item)

    def plain_inputs() -> None:
        # Each version's own examples, then the generated inputs, half the budget each so
        # that what the new version states is tried too.
        # The new version's draws come from the next seed: with the same one, a spec that
        # did not change would draw the very inputs the old half already holds.
        for offset, spec in enumerate((old_spec, new_spec)):
            share = budget - budget // 2 if offset == 0 else budget
            drawn = generate_inputs(
                spec, budget=share, seed=seed + offset, hints=hints, proposed=proposed
            )
            add(drawn, limit=share)
        # generate_inputs' draws are derandomized and stop early on small shapes (a single
        # float gives 14): the rest of the budget is drawn at growing sizes from the seed.
        for turn in range(_FILL_TURNS):
            before = len(found)
            for size in range(_FILL_SIZES):
                add(inputs_of_size(old_spec, size, count=2, seed=seed + turn, hints=hints))
            if len(found) >= budget or len(found) == before:
                break

    if plain and not has_domains:
        plain_inputs()
        return list(found.values()), None
    missing: list[str] = []
    add([ProbeInput(args, origin="proposed") for args in proposed])
    for side, spec in ((old, old_spec), (new, new_spec)):
        examples = [
            i for i in generate_inputs(spec, budget=budget, seed=seed) if i.origin == "example"
        ]
        plan = typed_inputs(
            _as_function(side.function), ModuleTypes.of(side.tree), ALIAS, budget=budget
        )
        if plan.missing:
            missing.extend(plan.missing)
            add(examples)
            continue
        function = _as_function(side.function)
        positional = [*function.args.posonlyargs, *function.args.args]
        names = [a.arg for a in positional[: len(positional) - len(function.args.defaults)]]
        names += list(plan.inputs[0].kwargs) if plan.inputs else []
        domains = {
            name: tuple(dict.fromkeys([*plan.domains.get(name, ()), *extra.get(name, ())]))
            for name in {*plan.domains, *extra}
        }
        combined = _combined(plan.inputs, budget, names, domains)
        # Combinations inside the stated domains (where behaviour lives) and the plan's rows
        # (every value once, outside the domains too) take turns; the old version fills
        # half the budget, the new one the rest.
        quarter = budget // 4
        add(
            [
                *examples,
                *combined[:quarter],
                *plan.inputs[:quarter],
                *combined[quarter:],
                *plan.inputs[quarter:],
            ],
            limit=budget - budget // 2 if side is old else budget,
        )
    if not found and plain:
        # The stated domains need annotations to be built from; plain values still can be.
        plain_inputs()
    if not found:
        named = ", ".join(f"`{name}`" for name in dict.fromkeys(missing)) or "its parameters"
        return [], f"cannot build {named}"
    return list(found.values()), None
