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
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from assay.behaviour.diff._match import Defined
from assay.behaviour.inputs import ProbeInput, Shape, generate_inputs, infer_shapes
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
    if function.owner is not None and positional:
        positional[0].annotation = ast.Name(id=function.owner, ctx=ast.Load())
    return plain


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
        inside = [value for value in column if value.source in domains.get(name, ())]
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
    hints = {**new_spec.hints, **old_spec.hints}
    # Unannotated code is plain too when its callers show what it takes.
    plain = not is_method and all(
        _plain(spec, side.function.node, hints, proposed)
        for spec, side in ((old_spec, old), (new_spec, new))
    )
    has_domains = any(
        any(stated_domains(_as_function(side.function), ModuleTypes.of(side.tree)))
        for side in (old, new)
    )
    found: dict[str, ProbeInput] = {}

    def add(items: Sequence[ProbeInput]) -> None:
        for item in items:
            if len(found) >= budget:
                return
            found.setdefault(item.expression or item.key, item)

    if plain and not has_domains:
        # Each version's own examples, then the generated inputs, half the budget each so
        # that what the new version states is tried too.
        for spec, share in ((old_spec, budget - budget // 2), (new_spec, budget)):
            add(generate_inputs(spec, budget=share, seed=seed, hints=hints, proposed=proposed))
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
        add([*examples, *plan.inputs, *_combined(plan.inputs, budget, names, plan.domains)])
    if not found:
        named = ", ".join(f"`{name}`" for name in dict.fromkeys(missing)) or "its parameters"
        return [], f"cannot build {named}"
    return list(found.values()), None
