"""Inputs to run candidates on: the examples, boundaries, type-aware mutations, random draws.

Everything starts from a `Shape` per parameter, inferred from the type hints and from the
values the examples pass (`infer_shapes`). The examples also fix the *domain*: when every
example passes a non-negative int, generated ints stay non-negative; when every string is
lowercase letters, generated strings are too. assay should not blame code for inputs the
task never allows.

`generate_inputs` yields, in order and deduplicated: the example inputs, the calls the
candidates make themselves (`proposed_arguments`, when cross-checking), boundaries (empty,
single element, zero, one, a large value, duplicates, a non-ASCII string where strings are
unconstrained), EvalPlus-style mutations of those inputs (each mutation changes one
argument by one type-aware edit and is kept in the domain), and Hypothesis draws from the
shapes (deterministic: derandomized, no database, and blind to the modules the process
has loaded). Inputs stay in the domain the task
describes: lengths tied to a collection stay tied (`length_relations`), lists the task
calls sorted stay sorted (`sorted_arguments`), strings that spell numbers stay numbers.
`inputs_of_size` builds inputs whose collections have a given length, for complexity
probes.
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import math
import random
import re
import string
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assay.behaviour.spec import NOT_LITERAL, Spec, literal_value
from assay.sandbox.canonical import canonical_key, canonicalize
from assay.syntax import last_name

__all__ = [
    "ProbeInput",
    "Shape",
    "generate_inputs",
    "guess_hints",
    "infer_shapes",
    "inputs_of_size",
    "length_relations",
    "proposed_arguments",
    "shape_from_hint",
    "shape_of_values",
    "sorted_arguments",
    "stated_arguments",
]

_DEFAULT_INT = (-10, 50)
_DEFAULT_LEN = 8
_MAX_LEN = 30
_LARGE_INT = 10**6


@dataclass(frozen=True)
class Shape:
    """The type and domain of one value.

    `kind` is one of ``int float bool str none list tuple dict set union any``; `items` holds
    element shapes (list/set: one; tuple: one per position, or one with `variadic`; dict:
    key and value; union: the options).
    """

    kind: str
    items: tuple[Shape, ...] = ()
    low: float | None = None
    high: float | None = None
    min_len: int = 0
    max_len: int = _DEFAULT_LEN
    alphabet: str = ""
    variadic: bool = False
    from_examples: bool = False
    #: Strings that spell numbers ("26.45", "-12"): they are drawn and mutated as numbers.
    numeric: bool = False

    def describe(self) -> str:
        """A type-like description, e.g. ``list[int >= 0]``."""
        if self.kind in {"list", "set"} and self.items:
            return f"{self.kind}[{self.items[0].describe()}]"
        if self.kind == "tuple" and self.items:
            inner = ", ".join(i.describe() for i in self.items)
            return f"tuple[{inner}{', ...' if self.variadic else ''}]"
        if self.kind == "dict" and len(self.items) == 2:
            return f"dict[{self.items[0].describe()}, {self.items[1].describe()}]"
        if self.kind == "union":
            return " | ".join(i.describe() for i in self.items)
        if self.kind == "int" and self.low is not None and self.low >= 0:
            return "int >= 0" if self.low == 0 else f"int >= {int(self.low)}"
        return self.kind


ANY = Shape("any")


@dataclass(frozen=True)
class ProbeInput:
    """One set of arguments, with where it came from (``example``, ``proposed``,
    ``boundary``, ``tie``, ``swap``, ``mutation``, ``random``, ``size``, ``typed``)."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    origin: str = "random"
    #: When set, the call is this expression, evaluated in the module (its arguments are
    #: the module's own classes, which the trusted side cannot pickle): see
    #: `assay.behaviour.inputs.typed`. `args`/`kwargs` then hold `Expr` values, for evidence.
    expression: str = ""

    @property
    def key(self) -> str:
        """A canonical key: two inputs with the same key are the same input."""
        return canonical_key(canonicalize((self.args, self.kwargs)))

    def call_source(self, entry_point: str) -> str:
        """``f([1, 2], k=3)``, for evidence (reprs abbreviated beyond 200 characters)."""
        parts = [_short_repr(a) for a in self.args]
        parts += [f"{k}={_short_repr(v)}" for k, v in self.kwargs.items()]
        return f"{entry_point}({', '.join(parts)})"


def _short_repr(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------------------- shapes


_HINT_NAMES = {
    "int": "int",
    "float": "float",
    "bool": "bool",
    "str": "str",
    "None": "none",
    "NoneType": "none",
    "list": "list",
    "List": "list",
    "Sequence": "list",
    "Iterable": "list",
    "tuple": "tuple",
    "Tuple": "tuple",
    "dict": "dict",
    "Dict": "dict",
    "Mapping": "dict",
    "set": "set",
    "Set": "set",
    "frozenset": "set",
    "FrozenSet": "set",
}


def shape_from_hint(hint: str | None) -> Shape:
    """The shape an annotation source (``List[int]``, ``Optional[str]``, ``int | None``)
    describes; `ANY` for what it cannot read."""
    if not hint:
        return ANY
    try:
        node = ast.parse(hint, mode="eval").body
    except SyntaxError:
        return ANY
    return _hint_shape(node)


def _hint_shape(node: ast.expr) -> Shape:
    if isinstance(node, ast.Constant) and node.value is None:
        return Shape("none")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return shape_from_hint(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([_hint_shape(node.left), _hint_shape(node.right)])
    name = last_name(node.value if isinstance(node, ast.Subscript) else node)
    if not isinstance(node, ast.Subscript):
        kind = _HINT_NAMES.get(name, "any")
        if kind in {"list", "set"}:
            return Shape(kind, (ANY,))
        return Shape(kind)
    parts = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
    if name == "Optional":
        return _union([_hint_shape(parts[0]), Shape("none")])
    if name == "Union":
        return _union([_hint_shape(p) for p in parts])
    kind = _HINT_NAMES.get(name, "any")
    if kind in {"list", "set"}:
        return Shape(kind, (_hint_shape(parts[0]),))
    if kind == "dict" and len(parts) == 2:
        return Shape("dict", (_hint_shape(parts[0]), _hint_shape(parts[1])))
    if kind == "tuple":
        if len(parts) == 2 and isinstance(parts[1], ast.Constant) and parts[1].value is Ellipsis:
            return Shape("tuple", (_hint_shape(parts[0]),), variadic=True)
        return Shape("tuple", tuple(_hint_shape(p) for p in parts))
    return Shape(kind)


def _union(options: Sequence[Shape]) -> Shape:
    flat: list[Shape] = []
    for option in options:
        flat.extend(option.items if option.kind == "union" else (option,))
    if any(o.kind == "any" for o in flat):
        return ANY
    unique: list[Shape] = []
    for option in flat:
        if all(o.kind != option.kind for o in unique):
            unique.append(option)
    return unique[0] if len(unique) == 1 else Shape("union", tuple(unique))


def shape_of_values(values: Sequence[Any]) -> Shape:
    """The shape (type and domain) the given example values span."""
    if not values:
        return ANY
    by_kind: dict[str, list[Any]] = {}
    for value in values:
        by_kind.setdefault(_value_kind(value), []).append(value)
    if set(by_kind) == {"int", "float"}:
        by_kind = {"float": by_kind["int"] + by_kind["float"]}
    shapes = [_shape_of_kind(kind, items) for kind, items in by_kind.items()]
    return _union(shapes) if len(shapes) > 1 else shapes[0]


def _value_kind(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (set, frozenset)):
        return "set"
    for kind in ("int", "float", "str", "list", "tuple", "dict"):
        if type(value).__name__ == kind:
            return kind
    return "any"


def _shape_of_kind(kind: str, values: list[Any]) -> Shape:
    if kind in {"int", "float"}:
        return Shape(kind, low=min(values), high=max(values), from_examples=True)
    if kind == "str":
        lengths = [len(v) for v in values]
        numbers = _numbers(values)
        return Shape(
            "str",
            low=min(numbers) if numbers else None,
            high=max(numbers) if numbers else None,
            min_len=min(lengths),
            max_len=max(lengths),
            alphabet=_alphabet("".join(values)),
            from_examples=True,
            numeric=numbers is not None,
        )
    if kind in {"list", "set"}:
        elements = [item for value in values for item in value]
        lengths = [len(v) for v in values]
        return Shape(
            kind,
            (shape_of_values(elements),),
            min_len=min(lengths),
            max_len=max(lengths),
            from_examples=True,
        )
    if kind == "tuple":
        sizes = {len(v) for v in values}
        if len(sizes) == 1:
            (size,) = sizes
            return Shape(
                "tuple",
                tuple(shape_of_values([v[i] for v in values]) for i in range(size)),
                from_examples=True,
            )
        return Shape(
            "tuple",
            (shape_of_values([i for v in values for i in v]),),
            variadic=True,
            from_examples=True,
        )
    if kind == "dict":
        keys = [k for value in values for k in value]
        items = [v for value in values for v in value.values()]
        lengths = [len(v) for v in values]
        return Shape(
            "dict",
            (shape_of_values(keys), shape_of_values(items)),
            min_len=min(lengths),
            max_len=max(lengths),
            from_examples=True,
        )
    return Shape(kind, from_examples=True)


def _numbers(values: Sequence[str]) -> list[float] | None:
    """The numbers the strings spell, when every one spells a decimal number with a sign or
    a point somewhere ("7.32", "-12"); None otherwise. Plain digit strings keep their digit
    alphabet (they are often codes or binary numbers, not quantities)."""
    if not values or not any(("." in v or "-" in v) for v in values):
        return None
    if not all(_NUMBER.fullmatch(value) for value in values):
        return None
    return [float(value) for value in values]


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _number_text(value: float, decimals: bool) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if decimals else str(int(value))


def _as_number(shape: Shape) -> tuple[Shape, bool]:
    """The number shape a numeric string shape spells, and whether it has decimals."""
    decimals = "." in shape.alphabet
    return replace(shape, kind="float" if decimals else "int", numeric=False), decimals


def _alphabet(text: str) -> str:
    """The smallest usual character class covering `text` (so "abc" allows all lowercase
    letters), or the characters themselves plus letters when nothing usual covers them."""
    chars = set(text)
    if chars == {"0", "1"}:
        return "01"  # binary strings stay binary
    classes = (
        string.digits,
        string.digits + "ABCDEF",
        string.digits + "abcdef",
        string.ascii_lowercase,
        string.ascii_uppercase,
        string.digits + string.ascii_uppercase,
        string.digits + string.ascii_lowercase,
        string.ascii_letters,
        string.ascii_lowercase + " ",
        string.ascii_letters + " ",
        string.ascii_letters + string.digits,
        string.ascii_letters + string.digits + " ",
    )
    for candidate in classes:
        if chars <= set(candidate):
            return candidate
    if chars and len(chars) <= 6 and not chars & set(string.ascii_letters + string.digits):
        return "".join(sorted(chars))
    return "".join(sorted(chars | set(string.ascii_letters + " ")))


def _refine(hint: Shape, seen: Shape) -> Shape:
    """The hint's shape narrowed by what the examples show (domain, alphabet, lengths)."""
    if hint.kind == "any":
        return seen
    if seen.kind == "any":
        return hint
    if hint.kind == "union":
        matching = [o for o in hint.items if o.kind == seen.kind]
        return _union([_refine(o, seen) if o in matching else o for o in hint.items])
    if hint.kind == "float" and seen.kind == "int":
        return replace(seen, kind="float")
    if hint.kind != seen.kind:
        return hint
    if hint.kind in {"list", "set"} and hint.items and seen.items:
        return replace(seen, items=(_refine(hint.items[0], seen.items[0]),))
    if hint.kind == "dict" and len(hint.items) == 2 and len(seen.items) == 2:
        return replace(
            seen,
            items=(_refine(hint.items[0], seen.items[0]), _refine(hint.items[1], seen.items[1])),
        )
    if (
        hint.kind == "tuple"
        and len(hint.items) == len(seen.items)
        and hint.variadic == seen.variadic
    ):
        return replace(
            seen, items=tuple(_refine(h, s) for h, s in zip(hint.items, seen.items, strict=True))
        )
    return seen


_NAME_HINTS = (
    (
        re.compile(
            r"^(s|s\d|st|str\d*|string\d*|text|txt|word|sentence|message|date|file_name|planet\d)$"
        ),
        "str",
    ),
    (
        re.compile(r"^(lst\d*|arr\d*|array|nums|numbers|l|xs|values|list\d*|q|game|guess)$"),
        "list[int]",
    ),
    (
        re.compile(
            r"^(n|k|m|x|y|z|num|number|base|decimal|a|b|c|p|w|h|limit|capacity|need|remaining|shift|N)$"
        ),
        "int",
    ),
)


def guess_hints(spec: Spec) -> dict[str, str]:
    """Annotations guessed from parameter names (``s``/``text`` -> str, ``lst``/``arr`` ->
    list[int], ``n``/``k`` -> int), refined by the description ("list of strings", "a
    string"), for unannotated parameters. A weak prior, used only when neither hints nor
    examples say anything."""
    if spec.signature is None:
        return {}
    text = spec.description.lower()
    guessed: dict[str, str] = {}
    for parameter in spec.signature.parameters:
        if parameter.annotation or parameter.kind != "positional":
            continue
        for pattern, hint in _NAME_HINTS:
            if pattern.match(parameter.name):
                guessed[parameter.name] = hint
                break
        if guessed.get(parameter.name) == "list[int]" and re.search(
            r"(list|array) of (strings|words)", text
        ):
            guessed[parameter.name] = "list[str]"
        if guessed.get(parameter.name) == "list[int]" and re.search(
            r"(list|array) of (floats|(real )?numbers)", text
        ):
            guessed[parameter.name] = "list[float]"
        if guessed.get(parameter.name) == "int" and re.search(
            rf"\b(string|word|text) {parameter.name}\b", text
        ):
            guessed[parameter.name] = "str"
    return guessed


def infer_shapes(
    spec: Spec,
    hints: dict[str, str] | None = None,
    proposed: Sequence[tuple[Any, ...]] = (),
) -> tuple[Shape, ...] | None:
    """One shape per positional parameter, from hints (the spec's, else `hints`, else
    `guess_hints`) refined by the trusted examples' argument values (or, when the task
    states none, by `proposed` arguments); None when the number of parameters is unknown."""
    names: list[str] = []
    stated = stated_arguments(spec) or list(proposed)
    counts = {len(args) for args in stated}
    if spec.signature is not None:
        positional = [p for p in spec.signature.parameters if p.kind == "positional"]
        # Parameters with defaults are passed only when the examples pass them.
        passed = max(counts) if counts else 0
        names = [p.name for index, p in enumerate(positional) if p.required or index < passed]
    if not names:
        if len(counts) != 1:
            return None
        arity = counts.pop()
        names = [f"arg{i}" for i in range(arity)]
    given = {**(hints or {}), **spec.hints}
    all_hints = {**guess_hints(spec), **given}
    shapes: list[Shape] = []
    for index, name in enumerate(names):
        values = [args[index] for args in stated if len(args) > index]
        hint = shape_from_hint(all_hints.get(name))
        seen = shape_of_values(values)
        if name not in given and not _kinds_agree(hint, seen):
            # A hint guessed from the name is a weak prior: the examples' values overrule
            # it (``lst`` guessed list[int], the examples pass lists of strings).
            hint = ANY
        shapes.append(_refine(hint, seen))
    return tuple(shapes)


def _kinds_agree(hint: Shape, seen: Shape) -> bool:
    """Whether the values `seen` describes could be of the type `hint` describes."""
    if hint.kind == "any" or seen.kind == "any":
        return True
    if hint.kind == "union":
        return any(_kinds_agree(option, seen) for option in hint.items)
    if {hint.kind, seen.kind} == {"int", "float"}:
        return True
    if hint.kind != seen.kind:
        return False
    if hint.kind == "tuple" and len(hint.items) != len(seen.items) and not hint.variadic:
        return False
    return all(_kinds_agree(h, v) for h, v in zip(hint.items, seen.items, strict=False))


def stated_arguments(spec: Spec, *, direct: bool = True) -> list[tuple[Any, ...]]:
    """The literal positional arguments the trusted examples call the entry point with.

    Direct examples (``f(1, 2) == 3``) give their arguments; an example that wraps the call
    (``round(f([1, 2]), 2) == -0.5``, ``sorted(f(xs)) == ...``) still states that its
    arguments are valid, so the call inside it counts too. With ``direct=False`` only the
    wrapped calls are returned.
    """
    found: list[tuple[Any, ...]] = []
    for example in spec.trusted_examples:
        if example.direct:
            if direct and not example.kwargs:
                found.append(tuple(example.args or ()))
            continue
        try:
            tree = ast.parse(example.actual, mode="eval")
        except SyntaxError:
            continue
        found.extend(_literal_calls(tree, spec.entry_point))
    return found


def _literal_calls(tree: ast.AST, entry_point: str) -> Iterator[tuple[Any, ...]]:
    """The positional arguments of every call ``entry_point(...)`` in `tree` whose
    arguments are all literals (no keywords, no ``*args``)."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == entry_point
            and not node.keywords
            and not any(isinstance(a, ast.Starred) for a in node.args)
        ):
            values = tuple(literal_value(a) for a in node.args)
            if all(v is not NOT_LITERAL for v in values):
                yield values


# ----------------------------------------------------------------------------- generating


def generate_inputs(
    spec: Spec,
    *,
    budget: int = 40,
    seed: int = 0,
    hints: dict[str, str] | None = None,
    proposed: Sequence[tuple[Any, ...]] = (),
) -> list[ProbeInput]:
    """Up to `budget` distinct inputs for the spec's entry point (examples first).

    Args:
        spec: the task's spec (examples and type hints).
        budget: the most inputs to return.
        seed: makes mutations reproducible.
        hints: parameter annotations to use where the spec has none (e.g. the hints most
            candidates agree on).
        proposed: argument tuples the candidates themselves call the entry point with
            (`proposed_arguments`): inputs of origin ``proposed`` and mutation seeds, and
            the source of shapes when the task states no example.
    """
    shapes = infer_shapes(spec, hints, proposed)
    found: dict[str, ProbeInput] = {}

    def add(item: ProbeInput) -> None:
        if len(found) < budget:
            try:
                key = item.key
            except RecursionError:
                return
            found.setdefault(key, item)

    for example in spec.trusted_examples:
        if example.direct:
            add(ProbeInput(tuple(example.args or ()), dict(example.kwargs), "example"))
    for args in stated_arguments(spec, direct=False):
        add(ProbeInput(args, origin="example"))
    if shapes is None or any(s.kind == "any" for s in shapes):
        return list(found.values())
    for args in proposed:
        if len(args) == len(shapes):
            add(ProbeInput(args, origin="proposed"))
    rng = random.Random(seed)
    usable = [i for i in found.values() if not i.kwargs and len(i.args) == len(shapes)]
    seeds = [i.args for i in usable]
    # The domain rules read the task's own examples; a candidate's call may break them.
    stated = [i.args for i in usable if i.origin == "example"]
    lengths = length_relations(stated or seeds)
    ordered = sorted_arguments(spec, stated or seeds)

    def conform(args: tuple[Any, ...]) -> tuple[Any, ...]:
        return _related(_ascending(args, ordered), lengths)

    for args in _boundaries(shapes, seeds, rng):
        add(ProbeInput(conform(args), origin="boundary"))
    # Ties and swaps take their places from the random draws, not from the mutations:
    # inputs grown from the examples say more about the task than draws from the types.
    mutation_budget = max(0, (budget - len(found)) * 2 // 3) if seeds else 0
    # A generator of their own, so that the mutations stay as they were.
    for args in _ties(seeds, random.Random(seed + 1)):
        add(ProbeInput(conform(args), origin="tie"))
    for args in _swaps(shapes, stated or seeds):
        add(ProbeInput(conform(args), origin="swap"))
    for args in _mutations(shapes, seeds, rng, mutation_budget):
        add(ProbeInput(conform(args), origin="mutation"))
    for args in _random_draws(shapes, budget - len(found), seed):
        add(ProbeInput(conform(args), origin="random"))
    return list(found.values())


_SORTED_INPUT = re.compile(r"\bsorted (arrays?|lists?|sequences?|tuples?)\b")


def sorted_arguments(spec: Spec, stated: Sequence[tuple[Any, ...]]) -> frozenset[int]:
    """Positions of list arguments the task calls sorted ("the element that appears only
    once in a sorted array") and every example passes in ascending order.

    Code written for sorted input (binary search, a merge) is right to answer anything on
    an unsorted list, so generated lists at these positions are sorted too. Both signals
    are needed: examples are often sorted by habit, and "sorted" alone may describe the
    output ("return them in sorted order").
    """
    if not stated or not _SORTED_INPUT.search(spec.description.lower()):
        return frozenset()
    arity = len(stated[0])
    positions: set[int] = set()
    for position in range(arity):
        values = [args[position] for args in stated if len(args) == arity]
        if values and all(_is_ascending(v) for v in values) and any(len(v) >= 3 for v in values):
            positions.add(position)
    return frozenset(positions)


def _of_numbers(value: Any) -> bool:
    """Whether `value` is a list or tuple of ints and floats (bools excluded)."""
    return isinstance(value, (list, tuple)) and all(type(i) in {int, float} for i in value)


def _is_ascending(value: Any) -> bool:
    return _of_numbers(value) and all(a <= b for a, b in itertools.pairwise(value))


def _ascending(args: tuple[Any, ...], positions: frozenset[int]) -> tuple[Any, ...]:
    """`args` with the lists at `positions` sorted (those of numbers; others as they are)."""
    if not positions:
        return args
    values = list(args)
    for position in positions:
        if _of_numbers(values[position]):
            values[position] = type(values[position])(sorted(values[position]))
    return tuple(values)


#: Calls taken from the candidates' own code, at most (a sample may carry a whole test suite).
_PROPOSED = 12


def proposed_arguments(sources: Sequence[str], entry_point: str) -> list[tuple[Any, ...]]:
    """Literal positional arguments the candidates' modules call `entry_point` with at top
    level (``assert f([1, 2]) == 3``, ``print(f("abc"))``), first seen first, deduplicated.

    Models often end an answer with a few calls of their own: inputs a reader of the task
    finds natural, shaped like the ones the task's tests use. They join the generated
    inputs (and the examples' role as mutation seeds); what the calls expect is not trusted.
    """
    found: dict[str, tuple[Any, ...]] = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        for statement in tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for values in _literal_calls(statement, entry_point):
                found.setdefault(canonical_key(canonicalize(values)), values)
                if len(found) >= _PROPOSED:
                    return list(found.values())
    return list(found.values())


def length_relations(stated: Sequence[tuple[Any, ...]]) -> dict[int, int]:
    """Integer arguments that every example sets to the length of another argument, as
    ``{int position: sized position}`` (``max_sum([1, 101, 2], 3)``: ``{1: 0}``).

    C-style signatures pass a list together with its length; an input whose ``n`` is not
    ``len(arr)`` is outside the task's domain, and candidates that index with ``n`` crash
    or answer differently there without being wrong. When several arguments fit, the first
    one is taken.
    """
    if not stated or len({len(args) for args in stated}) != 1:
        return {}
    arity = len(stated[0])
    relations: dict[int, int] = {}
    for target in range(arity):
        for source in range(arity):
            if source != target and all(
                isinstance(args[source], (list, str, tuple))
                and type(args[target]) is int
                and args[target] == len(args[source])
                for args in stated
            ):
                relations[target] = source
                break
    return relations


def _related(args: tuple[Any, ...], lengths: dict[int, int]) -> tuple[Any, ...]:
    """`args` with each length argument set to the length of its collection."""
    if not lengths:
        return args
    values = list(args)
    for target, source in lengths.items():
        if isinstance(values[source], (list, str, tuple)):
            values[target] = len(values[source])
    return tuple(values)


def inputs_of_size(
    spec: Spec,
    size: int,
    *,
    count: int = 1,
    seed: int = 0,
    hints: dict[str, str] | None = None,
) -> list[ProbeInput]:
    """`count` inputs whose collections (lists, strings, dicts, sets) have `size` elements,
    or whose ints are about `size` when there is no collection; [] when the parameters'
    shapes are unknown. For complexity probes: call with growing sizes."""
    shapes = infer_shapes(spec, hints)
    if shapes is None or any(s.kind == "any" for s in shapes):
        return []
    rng = random.Random(seed * 1_000_003 + size)
    has_collection = any(_sized(s) for s in shapes)
    made: list[ProbeInput] = []
    for _ in range(count):
        args = tuple(
            _draw(
                s,
                rng,
                length=size if _sized(s) else None,
                magnitude=None if has_collection else size,
            )
            for s in shapes
        )
        made.append(ProbeInput(args, origin="size"))
    return made


def _sized(shape: Shape) -> bool:
    return shape.kind in {"list", "str", "dict", "set"} or (
        shape.kind == "tuple" and shape.variadic
    )


def _int_range(shape: Shape) -> tuple[int, int]:
    if shape.low is None or shape.high is None:
        return _DEFAULT_INT
    low, high = math.floor(shape.low), math.ceil(shape.high)
    if not shape.from_examples:
        return low, high
    if low >= 0:
        # Examples that are all positive do not rule zero out; negatives stay out.
        low = 0
    else:
        low = -max(abs(low), abs(high), 10)
    return low, max(high * 2, low + 10, 10)


def _float_range(shape: Shape) -> tuple[float, float]:
    if shape.low is None or shape.high is None:
        return -10.0, 50.0
    low = 0.0 if shape.low >= 0 else -max(abs(shape.low), abs(shape.high), 10.0)
    return low, max(shape.high * 2, 10.0)


def _length_range(shape: Shape) -> tuple[int, int]:
    low = shape.min_len if shape.from_examples and shape.kind == "tuple" else 0
    return low, min(max(shape.max_len * 2, 5), _MAX_LEN)


def _draw(
    shape: Shape, rng: random.Random, *, length: int | None = None, magnitude: int | None = None
) -> Any:
    kind = shape.kind
    if kind == "int":
        if magnitude is not None:
            low, _ = _int_range(shape)
            return max(low, magnitude) if low >= 0 else magnitude
        return rng.randint(*_int_range(shape))
    if kind == "float":
        return round(rng.uniform(*_float_range(shape)), 2)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "none":
        return None
    if kind == "str" and shape.numeric and length is None:
        number_shape, decimals = _as_number(shape)
        return _number_text(_draw(number_shape, rng), decimals)
    if kind == "str":
        size = length if length is not None else rng.randint(*_length_range(shape))
        alphabet = shape.alphabet or string.ascii_letters + " "
        return "".join(rng.choice(alphabet) for _ in range(size))
    if kind in {"list", "set"}:
        size = length if length is not None else rng.randint(*_length_range(shape))
        element = shape.items[0] if shape.items else Shape("int")
        values = [_draw(element, rng) for _ in range(size)]
        return set(values) if kind == "set" else values
    if kind == "tuple":
        if shape.variadic:
            size = length if length is not None else rng.randint(*_length_range(shape))
            return tuple(_draw(shape.items[0], rng) for _ in range(size))
        return tuple(_draw(item, rng) for item in shape.items)
    if kind == "dict":
        size = length if length is not None else rng.randint(*_length_range(shape))
        key, value = shape.items if len(shape.items) == 2 else (Shape("str"), Shape("int"))
        if key.kind not in {"int", "float", "str", "bool", "none"}:
            key = Shape("str")
        return {_draw(key, rng): _draw(value, rng) for _ in range(size)}
    if kind == "union":
        return _draw(rng.choice(shape.items), rng, length=length, magnitude=magnitude)
    return None


def _boundaries(
    shapes: tuple[Shape, ...], seeds: list[tuple[Any, ...]], rng: random.Random
) -> Iterator[tuple[Any, ...]]:
    """One argument at a time set to a boundary value, the others from an example (or drawn)."""
    base = seeds[0] if seeds else tuple(_draw(s, rng) for s in shapes)
    for index, shape in enumerate(shapes):
        for value in _boundary_values(shape, base[index]):
            yield (*base[:index], value, *base[index + 1 :])


def _boundary_values(shape: Shape, sample: Any) -> Iterator[Any]:
    kind = shape.kind
    if kind == "int":
        low, high = _int_range(shape)
        yield from (v for v in (0, 1, -1, low, high) if low <= v <= high)
        yield max(high * 10, 100) if high < _LARGE_INT else high
    elif kind == "float":
        lowest, _highest = _float_range(shape)
        yield from (v for v in (0.0, 0.5, 1.0, -1.5) if v >= lowest)
    elif kind == "str":
        yield ""
        first = (
            sample[0]
            if isinstance(sample, str) and sample
            else (shape.alphabet or string.ascii_letters)[0]
        )
        yield first
        yield first * 3
        if not shape.from_examples:
            yield "héllo wörld ✓"
    elif kind in {"list", "set"}:
        yield [] if kind == "list" else set()
        if isinstance(sample, (list, set)) and sample:
            first = next(iter(sample))
            yield [first] if kind == "list" else {first}
            if kind == "list":
                yield [first, first]
                yield sorted(sample, key=repr)
                yield list(reversed(list(sample)))
    elif kind == "dict":
        yield {}
    elif kind == "tuple" and shape.variadic:
        yield ()


#: Inputs made from the examples by setting one number to its neighbour's value, at most.
_TIES = 3


def _ties(seeds: Sequence[tuple[Any, ...]], rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """Examples with two neighbouring numbers made equal: ``[(1, 3), (2, 6)]`` becomes
    ``[(1, 3), (3, 6)]``, ``f(2, 5)`` becomes ``f(5, 5)``.

    Equal values are where ``<`` and ``<=`` part (touching intervals, a repeated maximum, a
    list that is not strictly increasing, an isosceles triangle) — the off-by-one a model
    gets wrong and an example rarely shows. Mutations reach a tie only by chance. The
    values stay those of the example, so the input stays inside the task's domain.
    """
    options: list[tuple[tuple[Any, ...], tuple[int, ...], Any]] = []
    for args in seeds[:3]:
        leaves = list(_number_leaves(args, ()))
        for (left, left_value), (right, right_value) in itertools.pairwise(leaves):
            if left_value != right_value:
                options.append((args, right, left_value))
                options.append((args, left, right_value))
    for args, path, value in rng.sample(options, min(_TIES, len(options))):
        replaced = _with_leaf(args, path, value)
        if isinstance(replaced, tuple):
            yield replaced


def _type_key(shape: Shape) -> tuple[Any, ...]:
    non_negative = shape.kind in {"int", "float"} and shape.low is not None and shape.low >= 0
    items = tuple(_type_key(item) for item in shape.items)
    return (shape.kind, non_negative, shape.variadic, shape.numeric, items)


def _swaps(
    shapes: tuple[Shape, ...], stated: Sequence[tuple[Any, ...]]
) -> Iterator[tuple[Any, ...]]:
    """The task's examples with two arguments of one kind exchanged: ``f(3, 4, 5)`` gives
    ``f(4, 3, 5)``, ``f(5, 4, 3)`` and ``f(3, 5, 4)``.

    Examples list arguments in the order a person thinks of them (the hypotenuse last, the
    smaller end of a range first), and code that relies on that order passes them all.
    Like ties, swaps count only where most candidates agree (the task may fix the order).
    """
    # The same type, and the same sign where examples show only non-negative numbers;
    # ranges read from different examples differ ((3, 4, 5): a >= 1, b >= 2, c >= 3).
    interchangeable = [
        (a, b)
        for a, b in itertools.combinations(range(len(shapes)), 2)
        if _type_key(shapes[a]) == _type_key(shapes[b])
    ]
    for args in stated[:3]:
        for a, b in interchangeable:
            if len(args) == len(shapes) and args[a] != args[b]:
                swapped = list(args)
                swapped[a], swapped[b] = swapped[b], swapped[a]
                yield tuple(swapped)


def _number_leaves(value: Any, path: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], Any]]:
    """The ints and floats (not bools) inside nested lists and tuples, with their paths."""
    if type(value) in {int, float}:
        yield path, value
    elif isinstance(value, (list, tuple)):
        for position, item in enumerate(value):
            yield from _number_leaves(item, (*path, position))


def _with_leaf(value: Any, path: tuple[int, ...], leaf: Any) -> Any:
    """A copy of `value` with the item at `path` replaced by `leaf`."""
    if not path:
        return leaf
    items = list(value)
    items[path[0]] = _with_leaf(items[path[0]], path[1:], leaf)
    return items if isinstance(value, list) else tuple(items)


def _mutations(
    shapes: tuple[Shape, ...], seeds: list[tuple[Any, ...]], rng: random.Random, budget: int
) -> Iterator[tuple[Any, ...]]:
    """EvalPlus-style type-aware mutation: each step edits one argument of a pool member."""
    if not seeds or budget <= 0:
        return
    pool = list(seeds)
    # Identical shapes only (from hints, mostly); `_swaps` exchanges the examples' own
    # arguments of one type whatever their ranges.
    same_kind = [
        (a, b)
        for a in range(len(shapes))
        for b in range(a + 1, len(shapes))
        if shapes[a] == shapes[b]
    ]
    for _ in range(budget):
        parent = rng.choice(pool)
        if same_kind and rng.random() < 0.2:
            # Arguments of one kind swapped: order-dependence the examples never show
            # (the sides of a triangle, the ends of an interval).
            a, b = rng.choice(same_kind)
            swapped = list(parent)
            swapped[a], swapped[b] = swapped[b], swapped[a]
            child = tuple(swapped)
        else:
            index = rng.randrange(len(shapes))
            child = (
                *parent[:index],
                _mutate(shapes[index], parent[index], rng),
                *parent[index + 1 :],
            )
        pool.append(child)
        yield child


def _mutate(shape: Shape, value: Any, rng: random.Random) -> Any:
    kind = shape.kind
    if kind == "union":
        matching = [o for o in shape.items if _value_kind(value) == o.kind]
        return _mutate(matching[0], value, rng) if matching else _draw(rng.choice(shape.items), rng)
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        low, high = _int_range(shape)
        options = [value + 1, value - 1, value * 2, value // 2, -value, rng.randint(low, high)]
        return min(max(rng.choice(options), low), max(high, value))
    if kind == "float" and isinstance(value, (int, float)):
        bottom, top = _float_range(shape)
        changed = [value + 0.5, value - 0.5, value * 2, -value, rng.uniform(bottom, top)]
        return round(min(max(rng.choice(changed), bottom), max(top, value)), 4)
    if kind == "bool" and isinstance(value, bool):
        return not value
    if kind == "str" and isinstance(value, str) and shape.numeric and _NUMBER.fullmatch(value):
        number_shape, decimals = _as_number(shape)
        number = float(value) if decimals else int(float(value))
        return _number_text(_mutate(number_shape, number, rng), decimals)
    if kind == "str" and isinstance(value, str):
        return _mutate_text(value, shape.alphabet or string.ascii_letters + " ", rng)
    if kind == "list" and isinstance(value, list):
        return _mutate_list(shape, value, rng)
    if kind == "set" and isinstance(value, set):
        return set(_mutate_list(shape, sorted(value, key=repr), rng))
    if kind == "tuple" and isinstance(value, tuple) and value:
        if shape.variadic:
            return tuple(_mutate_list(replace(shape, kind="list"), list(value), rng))
        position = rng.randrange(len(value))
        element = shape.items[position] if position < len(shape.items) else ANY
        return (*value[:position], _mutate(element, value[position], rng), *value[position + 1 :])
    if kind == "dict" and isinstance(value, dict) and len(shape.items) == 2:
        result = dict(value)
        if result and rng.random() < 0.4:
            del result[rng.choice(list(result))]
        elif result and rng.random() < 0.5:
            key = rng.choice(list(result))
            result[key] = _mutate(shape.items[1], result[key], rng)
        else:
            result[_draw(shape.items[0], rng)] = _draw(shape.items[1], rng)
        return result
    return _draw(shape, rng)


def _mutate_text(value: str, alphabet: str, rng: random.Random) -> str:
    choice = rng.randrange(6)
    position = rng.randint(0, len(value))
    if choice == 0 or not value:
        return value[:position] + rng.choice(alphabet) + value[position:]
    if choice == 1:
        return value[:position] + value[position + 1 :]
    if choice == 2:
        spot = rng.randrange(len(value))
        return value[:spot] + rng.choice(alphabet) + value[spot + 1 :]
    if choice == 3:
        return value[::-1]
    if choice == 4:
        return (value + value)[:_MAX_LEN]
    cut = rng.randint(0, len(value))
    return value[cut:] + value[:cut]


def _mutate_list(shape: Shape, value: list[Any], rng: random.Random) -> list[Any]:
    element = shape.items[0] if shape.items else ANY
    result = list(value)
    choice = rng.randrange(7)
    if choice == 0 or not result:
        seed = rng.choice(result) if result and rng.random() < 0.5 else None
        new = _mutate(element, seed, rng) if seed is not None else _draw(element, rng)
        result.insert(rng.randint(0, len(result)), new)
    elif choice == 1:
        del result[rng.randrange(len(result))]
    elif choice == 2:
        spot = rng.randrange(len(result))
        result[spot] = _mutate(element, result[spot], rng)
    elif choice == 3:
        result.append(rng.choice(result))
    elif choice == 4 and len(result) > 1:
        a, b = rng.sample(range(len(result)), 2)
        result[a], result[b] = result[b], result[a]
    elif choice == 5:
        result.reverse()
    else:
        rng.shuffle(result)
    return result[:_MAX_LEN]


def _random_draws(shapes: tuple[Shape, ...], count: int, seed: int) -> list[tuple[Any, ...]]:
    """`count` draws from Hypothesis strategies for the shapes (which favour small and
    boundary values), deterministic for a given seed."""
    if count <= 0:
        return []
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisException

    drawn: list[tuple[Any, ...]] = []
    strategy = st.tuples(*(_strategy(s) for s in shapes))

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy, st.just(seed))
    def collect(args: tuple[Any, ...], _seed: int) -> None:
        drawn.append(args)

    with warnings.catch_warnings(), _constants_of_no_module():
        warnings.simplefilter("ignore")
        try:
            collect()
        except HypothesisException:
            return drawn
    return drawn


_DRAW_LOCK = threading.Lock()


@contextlib.contextmanager
def _constants_of_no_module() -> Iterator[None]:
    """Draw without the constants Hypothesis harvests from the "local" modules loaded in
    this process (about one draw in twenty is such a constant).

    Those modules are whatever imported assay — the caller's script, an editable install —
    so the inputs, and the verdicts, would change with the caller; harvesting also writes
    a cache of every such module's constants under ``.hypothesis/`` in the caller's
    working directory. No setting turns it off, so while assay draws, the harvest finds
    nothing and the constants already filtered for a draw are forgotten (before, so none
    of the caller's leak in; after, so the caller's own Hypothesis tests get theirs back).
    `test_draws_do_not_depend_on_the_modules_the_process_has_loaded` fails if a Hypothesis
    release moves these internals.
    """
    from assay.sandbox.draw import constants_of_no_module

    with _DRAW_LOCK, constants_of_no_module():
        yield


def _strategy(shape: Shape) -> Any:
    from hypothesis import strategies as st

    kind = shape.kind
    if kind == "int":
        return st.integers(*_int_range(shape))
    if kind == "float":
        low, high = _float_range(shape)
        return st.floats(low, high, allow_nan=False, allow_infinity=False).map(
            lambda v: round(v, 2)
        )
    if kind == "bool":
        return st.booleans()
    if kind == "none":
        return st.none()
    if kind == "str" and shape.numeric:
        number_shape, decimals = _as_number(shape)
        return _strategy(number_shape).map(lambda v: _number_text(v, decimals))
    if kind == "str":
        low, high = _length_range(shape)
        return st.text(
            alphabet=shape.alphabet or string.ascii_letters + " ", min_size=low, max_size=high
        )
    if kind in {"list", "set"}:
        low, high = _length_range(shape)
        element = _strategy(shape.items[0] if shape.items else Shape("int"))
        return (
            st.lists(element, min_size=low, max_size=high)
            if kind == "list"
            else st.sets(element, max_size=high)
        )
    if kind == "tuple":
        if shape.variadic:
            return st.lists(_strategy(shape.items[0]), max_size=_length_range(shape)[1]).map(tuple)
        return st.tuples(*(_strategy(item) for item in shape.items))
    if kind == "dict" and len(shape.items) == 2:
        return st.dictionaries(
            _strategy(shape.items[0]), _strategy(shape.items[1]), max_size=_length_range(shape)[1]
        )
    if kind == "union":
        return st.one_of(*(_strategy(item) for item in shape.items))
    return st.none()
