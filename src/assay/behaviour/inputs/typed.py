"""Inputs built from a module's own types and stated domain, for `assay check`.

Application code takes `Decimal`, `date`, Enum members, dataclasses, NamedTuples, TypedDicts
and pydantic models, and states its domain in constants (``TAX_RATES[country]``,
``currency in SUPPORTED``, ``query.get("page")``). The plain shapes of `assay.behaviour.inputs`
cannot say any of that, so these inputs are written as Python *expressions* read from the
module's AST (``subtotal([LineItem(sku='a', unit_price=Decimal('1.5'))])``) and evaluated in
the sandbox, inside the imported module, where the classes exist (`ProbeInput.expression`).
Nothing here imports or runs the checked code.

* Every required parameter gets a value, keyword-only ones as keywords.
* A parameter whose annotation does not admit None never receives None.
* A type that cannot be read from the module (an imported class, ``Any``, a class without
  declared fields) makes the function *unbuildable*: `TypedPlan.missing` names it, and the
  stage reports "not probed: cannot build `X`" instead of passing a stand-in.
* The values a function compares a parameter with or looks it up in (keys of module-level
  dicts, members of module-level sets and tuples, ``==``/``in`` literals, the keys a mapping
  parameter is read with) come first: `TypedPlan.domains` keeps them, so that a refusal of
  a value outside them is not called a crash.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from assay.behaviour.inputs import ProbeInput
from assay.errors import InvalidArgument
from assay.sandbox.draw import MARKER

__all__ = [
    "CANNOT_BUILD",
    "DRAWN_MARKER",
    "Expr",
    "ModuleTypes",
    "TypedPlan",
    "drawn_inputs",
    "stated_domains",
    "typed_inputs",
]

#: Nesting of classes and collections followed when building one value.
_MAX_DEPTH = 4
#: Values kept per type (the combinations are cut to the budget anyway).
_PER_TYPE = 8
#: Strings taken from the module's docstrings, at most.
_STRINGS = 8

_DECIMAL = "__import__('decimal').Decimal"
_DATETIME = "__import__('datetime')"
# Eight or more values per type where the type has them: a constant output is only claimed
# after eight distinct inputs (`assay.behaviour.probes`).
_SCALARS: dict[str, tuple[str, ...]] = {
    "int": ("0", "1", "7", "-3", "42", "1000", "2", "-1", "100"),
    "float": ("0.0", "1.5", "-2.25", "100.0", "0.1", "3.0", "-1.0", "1e6"),
    "bool": ("False", "True"),
    # Numeric strings too: parsers of numbers are common, and random text never reaches
    # their other branch.
    "str": (
        "''",
        "'a'",
        "'42'",
        "'hello world'",
        "'-7'",
        "'Ünïcode ✓'",
        "'  padded  '",
        "'x_y-z.1'",
    ),
    "bytes": ("b''", "b'\\x00\\x01'", "b'hello'", "bytes(range(16))"),
    "bytearray": ("bytearray()", "bytearray(b'abc')"),
    # Finite values only: no invoice holds Decimal('NaN') or Decimal('Infinity').
    # A negative amount too (a refund, a credit), as the int and float pools have.
    "Decimal": tuple(
        f"{_DECIMAL}({v!r})"
        for v in ("0", "1.00", "19.99", "0.125", "1000", "2.5", "750", "-5.00", "12345.67", "0.01")
    ),
    "date": tuple(
        f"{_DATETIME}.date({y}, {m}, {d})"
        for y, m, d in ((2024, 2, 29), (2000, 1, 1), (2023, 12, 31), (2025, 6, 15))
    ),
    "datetime": tuple(
        f"{_DATETIME}.datetime({y}, {m}, {d}, {h}, {mi})"
        for y, m, d, h, mi in ((2024, 2, 29, 12, 30), (2000, 1, 1, 0, 0), (2023, 12, 31, 23, 59))
    ),
    "timedelta": tuple(f"{_DATETIME}.timedelta(seconds={s})" for s in (0, 1, 90, 86400, 3600 * 30)),
    "Path": tuple(
        f"__import__('pathlib').Path({p!r})" for p in ("data.txt", "dir/report.csv", "a/b/c.json")
    ),
    "None": ("None",),
    "NoneType": ("None",),
}
_SEQUENCES = {"list", "List", "Sequence", "MutableSequence", "Iterable", "Collection", "Iterator"}
_SETS = {"set", "Set", "frozenset", "FrozenSet", "AbstractSet", "MutableSet"}
_MAPPINGS = {"dict", "Dict", "Mapping", "MutableMapping", "defaultdict", "OrderedDict"}
_TUPLES = {"tuple", "Tuple"}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}
#: Bases that add no field of their own to a class whose fields are read from its body.
_FIELD_BASES = {"NamedTuple", "BaseModel", "TypedDict", "object", "Generic", "Protocol"}
_FIELD_CLASSES = {
    "dataclass": "dataclass",
    "define": "dataclass",
    "frozen": "dataclass",
    "attrs": "dataclass",
    "s": "dataclass",
}


_IMPORTED = re.compile(r"__import__\('[\w.]+'\)\.")


class Expr:
    """A value written as the Python expression that builds it in the checked module; its
    `repr` is the expression, so evidence shows ``f(Tier.GOLD)`` and inputs compare by text."""

    __slots__ = ("source",)

    def __init__(self, source: str) -> None:
        self.source = source

    def __repr__(self) -> str:
        # Evidence reads `Decimal('0.5')`, not the `__import__('decimal').` that makes the
        # expression work in a module that imported the class under another name.
        return _IMPORTED.sub("", self.source)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)


@dataclass(frozen=True)
class _Class:
    """A class of the module that inputs can be built of."""

    name: str
    kind: str  # enum | fields | typeddict
    members: tuple[str, ...] = ()
    #: (name, annotation, required) in declaration order
    fields: tuple[tuple[str, ast.expr, bool], ...] = ()
    #: the bounds a field states (``Field(min_length=2, gt=0)``), by field name
    bounds: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class ModuleTypes:
    """What the module's AST says about its types and constants."""

    classes: dict[str, _Class] = field(default_factory=dict)
    aliases: dict[str, ast.expr] = field(default_factory=dict)
    #: module-level constants that state a domain: dict keys, set/tuple/list members, as sources
    constants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: string arguments of the docstring examples of the module's functions (sources)
    strings: tuple[str, ...] = ()

    @classmethod
    def of(cls, tree: ast.Module) -> ModuleTypes:
        """Read the classes, type aliases and literal collections defined at top level."""
        found = cls()
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                described = _describe_class(node)
                if described is not None:
                    found.classes[node.name] = described
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.value
                if value is None or len(targets) != 1 or not isinstance(targets[0], ast.Name):
                    continue
                name = targets[0].id
                members = _literal_members(value)
                if members is not None:
                    found.constants[name] = members
                elif _looks_like_type(value):
                    found.aliases[name] = value
        found.strings = tuple(
            dict.fromkeys(
                text
                for node in tree.body
                if isinstance(node, ast.FunctionDef)
                for text in docstring_strings(node)
            )
        )[:_STRINGS]
        return found


_QUOTED = re.compile(r"`(\"[^\"`]*\"|'[^'`]*')`")


def docstring_strings(node: ast.FunctionDef) -> tuple[str, ...]:
    """Sources of the strings a function's docstring shows as values: the string arguments
    of its ``>>>`` examples and quoted strings in backticks (```"[::1]:8080"```)."""
    doc = ast.get_docstring(node) or ""
    found: list[str] = []
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.startswith(">>> "):
            try:
                tree = ast.parse(stripped[4:], mode="eval")
            except SyntaxError:
                continue
            found.extend(
                repr(sub.value)
                for call in ast.walk(tree)
                if isinstance(call, ast.Call)
                for argument in [*call.args, *(k.value for k in call.keywords)]
                for sub in ast.walk(argument)
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
            )
    for match in _QUOTED.finditer(doc):
        try:
            value = ast.literal_eval(match.group(1))
        except (SyntaxError, ValueError):
            continue
        found.append(repr(value))
    return tuple(dict.fromkeys(found))


def _variants(sources: Sequence[str]) -> tuple[str, ...]:
    """Each stated string, then the same with its last separator-delimited part repeated
    (``'db:5432'`` -> ``'db:5432:5432'``): parsers of structured strings meet one more
    separator than their examples show."""
    out: list[str] = list(sources)
    for source in sources:
        value = ast.literal_eval(source)
        separators = [c for c in value if not c.isalnum() and not c.isspace()]
        if separators:
            separator = separators[-1]
            out.append(repr(value + separator + value.rsplit(separator, 1)[-1]))
    return tuple(dict.fromkeys(out))


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        if isinstance(target, ast.Attribute):
            names.add(target.attr)
        elif isinstance(target, ast.Name):
            names.add(target.id)
    return names


def _describe_class(node: ast.ClassDef) -> _Class | None:
    bases = _base_names(node)
    if bases & _ENUM_BASES:
        members = tuple(
            target.id
            for statement in node.body
            if isinstance(statement, ast.Assign)
            for target in statement.targets
            if isinstance(target, ast.Name) and not target.id.startswith("_")
        )
        return _Class(node.name, "enum", members=members) if members else None
    if bases - _FIELD_BASES:
        # Fields inherited from another class (``class Employee(Person)``) are not in this
        # class's body: the AST cannot list them, the imported module can (drawn inputs).
        return None
    kind = ""
    if bases & {"NamedTuple", "BaseModel"} or any(
        _decorator_name(d) in _FIELD_CLASSES for d in node.decorator_list
    ):
        kind = "fields"
    elif "TypedDict" in bases:
        kind = "typeddict"
    if not kind:
        return None
    fields: list[tuple[str, ast.expr, bool]] = []
    bounds: dict[str, dict[str, float]] = {}
    for statement in node.body:
        if not isinstance(statement, ast.AnnAssign) or not isinstance(statement.target, ast.Name):
            continue
        if "ClassVar" in ast.unparse(statement.annotation):
            continue
        required = statement.value is None or _field_without_default(statement.value)
        if _field_not_in_init(statement.value):
            continue
        fields.append((statement.target.id, statement.annotation, required))
        call = _field_call(statement.value)
        if call is not None:
            stated = {
                k.arg: k.value.value
                for k in call.keywords
                if k.arg in _BOUNDS
                and isinstance(k.value, ast.Constant)
                and isinstance(k.value.value, (int, float))
            }
            if stated:
                bounds[statement.target.id] = stated
    return _Class(node.name, kind, fields=tuple(fields), bounds=bounds)


_BOUNDS = {"min_length", "max_length", "gt", "ge", "lt", "le"}


def _within(values: tuple[str, ...], bounds: dict[str, float] | None) -> tuple[str, ...]:
    """The values a field's stated bounds admit (those that are literals; others are kept),
    or one value made to fit when none does."""
    if not bounds:
        return values
    kept = tuple(v for v in values if _admits(v, bounds))
    if kept:
        return kept
    if "min_length" in bounds or "max_length" in bounds:
        size = int(bounds.get("min_length", 1))
        return (repr(("ab" * size)[:size]),)
    low = bounds.get("gt", bounds.get("ge", 0) - 1) + 1
    return (repr(low),)


def _admits(source: str, bounds: dict[str, float]) -> bool:
    try:
        value = ast.literal_eval(source)
    except (SyntaxError, ValueError):
        return True
    if isinstance(value, (str, bytes, list, tuple, dict)):
        size = len(value)
        return bounds.get("min_length", 0) <= size <= bounds.get("max_length", size)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (
            value > bounds.get("gt", value - 1)
            and value >= bounds.get("ge", value)
            and value < bounds.get("lt", value + 1)
            and value <= bounds.get("le", value)
        )
    return True


def _field_call(value: ast.expr | None) -> ast.Call | None:
    if isinstance(value, ast.Call) and _decorator_name(value) in {"field", "Field", "attrib", "ib"}:
        return value
    return None


def _field_without_default(value: ast.expr) -> bool:
    call = _field_call(value)
    if call is None:
        return False
    keywords = {k.arg for k in call.keywords}
    return not keywords & {"default", "default_factory", "factory"} and not call.args


def _field_not_in_init(value: ast.expr | None) -> bool:
    call = _field_call(value)
    return call is not None and any(
        k.arg == "init" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )


def _literal_members(value: ast.expr) -> tuple[str, ...] | None:
    """Sources of the keys of a dict display or of the members of a set/tuple/list display
    (also wrapped in ``frozenset(...)``/``set(...)``/``tuple(...)``), when they are
    constants or ``Enum.MEMBER`` attributes; None for anything else."""
    if isinstance(value, ast.Call) and _decorator_name(value) in {"frozenset", "set", "tuple"}:
        if len(value.args) != 1:
            return None
        value = value.args[0]
    if isinstance(value, ast.Dict):
        elements = [k for k in value.keys if k is not None]
    elif isinstance(value, (ast.Set, ast.Tuple, ast.List)):
        elements = list(value.elts)
    else:
        return None
    if not elements or not all(_stated_value(e) for e in elements):
        return None
    return tuple(ast.unparse(e) for e in elements)


def _stated_value(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, int, float, bytes)) and not isinstance(node.value, bool)
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id[:1].isupper()
    )


def _looks_like_type(value: ast.expr) -> bool:
    if isinstance(value, ast.Subscript):
        return _decorator_name(value.value) in {"Literal", "Union", "Optional"} or isinstance(
            value.value, ast.Name
        )
    return isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr)


# ------------------------------------------------------------------------------ values


class _Unbuildable(Exception):
    """A type the module's AST does not say how to build."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@dataclass
class _Builder:
    types: ModuleTypes
    #: string sources tried before the generic ones (the docstrings' strings)
    strings: tuple[str, ...] = ()

    def values(self, hint: ast.expr, depth: int = 0) -> tuple[str, ...]:
        """Expressions of values of type `hint` (raises `_Unbuildable`)."""
        if depth > _MAX_DEPTH:
            raise _Unbuildable(ast.unparse(hint))
        if isinstance(hint, ast.Constant):
            if hint.value is None:
                return ("None",)
            if isinstance(hint.value, str):
                try:
                    parsed = ast.parse(hint.value, mode="eval").body
                except SyntaxError as error:
                    raise _Unbuildable(hint.value) from error
                return self.values(parsed, depth)
        if isinstance(hint, ast.BinOp) and isinstance(hint.op, ast.BitOr):
            return _interleave([self.values(hint.left, depth), self.values(hint.right, depth)])
        if isinstance(hint, ast.Subscript):
            return self._generic(hint, depth)
        name = _decorator_name(hint) if isinstance(hint, (ast.Name, ast.Attribute)) else ""
        if name == "str" and self.strings:
            return tuple(dict.fromkeys([*self.strings, *_SCALARS["str"]]))
        if name in _SCALARS:
            return _SCALARS[name]
        if name in self.types.aliases:
            return self.values(self.types.aliases[name], depth + 1)
        if name in self.types.classes:
            return self._instances(self.types.classes[name], depth)
        if name in _SEQUENCES:
            return ("[]", "[1, 2, 3]", "[0]")
        if name in _MAPPINGS:
            return ("{}", "{'a': 1}")
        raise _Unbuildable(ast.unparse(hint))

    def _generic(self, hint: ast.Subscript, depth: int) -> tuple[str, ...]:
        name = _decorator_name(hint.value)
        parts = list(hint.slice.elts) if isinstance(hint.slice, ast.Tuple) else [hint.slice]
        if name == "Optional":
            return _interleave([self.values(parts[0], depth), ("None",)])
        if name == "Union":
            return _interleave([self.values(p, depth) for p in parts])
        if name == "Literal":
            return tuple(ast.unparse(p) for p in parts)
        if name == "Annotated":
            return self.values(parts[0], depth)
        if name in _SEQUENCES or name in _SETS:
            items = self.values(parts[0], depth + 1)
            lists = _collections(items)
            if name in _SETS:
                return tuple("set()" if v == "[]" else f"{{{v[1:-1]}}}" for v in lists)
            return lists
        if name in _TUPLES:
            if len(parts) == 2 and isinstance(parts[1], ast.Constant) and parts[1].value is ...:
                return tuple(
                    "()" if v == "[]" else f"({v[1:-1]},)"
                    for v in _collections(self.values(parts[0], depth + 1))
                )
            options = [self.values(p, depth + 1) for p in parts]
            return tuple(
                "(" + ", ".join(o[i % len(o)] for o in options) + ",)" for i in range(_PER_TYPE)
            )
        if name in _MAPPINGS and len(parts) == 2:
            keys = self.values(parts[0], depth + 1)
            values = self.values(parts[1], depth + 1)
            return _mappings(keys, values)
        raise _Unbuildable(ast.unparse(hint))

    def _instances(self, described: _Class, depth: int) -> tuple[str, ...]:
        if described.kind == "enum":
            return tuple(f"{described.name}.{m}" for m in described.members)
        if described.kind == "fields" and not described.fields:
            raise _Unbuildable(described.name)
        options = [
            (name, _within(self.values(annotation, depth + 1), described.bounds.get(name)))
            for name, annotation, required in described.fields
            if required or described.kind == "typeddict"
        ]
        # One ordinary instance, then the same with one field changed at a time: a class
        # that validates its fields refuses few of these, where mixing unusual values in
        # every field at once gets nearly all refused.
        typical = [(name, self._typical(values)) for name, values in options]
        changes = [
            [
                [*typical[:k], (name, value), *typical[k + 1 :]]
                for value in values
                if value != typical[k][1]
            ]
            for k, (name, values) in enumerate(options)
        ]
        # Fields with a default are left out of the ordinary instance and set one at a time
        # too: a function reading `customer.addresses` needs some customer that has some.
        for name, annotation, required in described.fields:
            if required or described.kind == "typeddict":
                continue
            try:
                values = _within(self.values(annotation, depth + 1), described.bounds.get(name))
            except _Unbuildable:
                continue
            changes.append([[*typical, (name, value)] for value in values[1:4]])
        # Field by field in turn, so that a few instances already differ in every field
        # (a list of them then has an order to sort by, whichever field the key reads).
        rows = [typical] + [
            row for turn in itertools.zip_longest(*changes) for row in turn if row is not None
        ]
        built = []
        for chosen in rows[: _PER_TYPE * 2]:
            if described.kind == "typeddict":
                built.append("{" + ", ".join(f"{n!r}: {v}" for n, v in chosen) + "}")
            else:
                built.append(f"{described.name}(" + ", ".join(f"{n}={v}" for n, v in chosen) + ")")
        return tuple(dict.fromkeys(built))

    def _typical(self, values: tuple[str, ...]) -> str:
        """An ordinary value: a string the docstrings show, else the second value of the
        pool (the first is the boundary: 0, the empty string, the empty list)."""
        if values[0] in self.strings:
            return values[0]
        return values[1] if len(values) > 1 else values[0]


def _interleave(groups: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    mixed = [v for chunk in itertools.zip_longest(*groups) for v in chunk if v is not None]
    return tuple(dict.fromkeys(mixed))


def _collections(items: tuple[str, ...]) -> tuple[str, ...]:
    """Empty, one element, several, a repeated element: as list displays."""
    several = [items[(k * 2 + 1) % len(items)] for k in range(min(4, len(items) + 1))]
    shapes = [[], [items[0]], several, [items[-1], items[-1]], list(items[:_PER_TYPE])]
    return tuple(dict.fromkeys("[" + ", ".join(s) + "]" for s in shapes))


def _mappings(keys: tuple[str, ...], values: tuple[str, ...]) -> tuple[str, ...]:
    pairs = [(keys[i % len(keys)], values[i % len(values)]) for i in range(max(len(keys), 3))]
    shapes = [[], pairs[:1], pairs[1:3], pairs]
    return tuple(
        dict.fromkeys(
            "{" + ", ".join(f"{k}: {v}" for k, v in dict(s).items()) + "}" for s in shapes
        )
    )


# ------------------------------------------------------------------------------ domains


def stated_domains(
    node: ast.FunctionDef, types: ModuleTypes
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """What the function's body states about its parameters' values: ``{parameter: value
    sources}`` from ``CONST[p]``, ``p in CONST``, ``p in {...}``, ``p == literal``; and
    ``{parameter: key sources}`` for the keys a mapping parameter is read with
    (``p["page"]``, ``p.get("page")``)."""
    names = {a.arg for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]}
    values: dict[str, list[str]] = {}
    keys: dict[str, list[str]] = {}

    def note(target: dict[str, list[str]], parameter: str, found: Sequence[str]) -> None:
        bucket = target.setdefault(parameter, [])
        bucket.extend(v for v in found if v not in bucket)

    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name):
            index = sub.slice
            if isinstance(index, ast.Name) and index.id in names:
                if sub.value.id in types.constants:
                    note(values, index.id, types.constants[sub.value.id])
            elif sub.value.id in names and isinstance(index, ast.Constant) and _stated_value(index):
                note(keys, sub.value.id, [ast.unparse(index)])
        elif (
            isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Attribute)
            and sub.func.attr == "get"
            and isinstance(sub.func.value, ast.Name)
            and sub.func.value.id in names
            and sub.args
            and isinstance(sub.args[0], ast.Constant)
            and _stated_value(sub.args[0])
        ):
            note(keys, sub.func.value.id, [ast.unparse(sub.args[0])])
        elif isinstance(sub, ast.Compare) and len(sub.ops) == 1:
            left, right = sub.left, sub.comparators[0]
            for one, other in ((left, right), (right, left)):
                if not (isinstance(one, ast.Name) and one.id in names):
                    continue
                if isinstance(sub.ops[0], (ast.In, ast.NotIn)) and one is left:
                    if isinstance(other, ast.Name) and other.id in types.constants:
                        note(values, one.id, types.constants[other.id])
                    else:
                        members = _literal_members(other)
                        if members is not None:
                            note(values, one.id, members)
                elif isinstance(sub.ops[0], (ast.Eq, ast.NotEq)) and _stated_value(other):
                    note(values, one.id, [ast.unparse(other)])
    return (
        {k: tuple(v) for k, v in values.items()},
        {k: tuple(v) for k, v in keys.items()},
    )


# ------------------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class TypedPlan:
    """The inputs built for one function, or why none could be."""

    inputs: list[ProbeInput]
    #: the type names that could not be built (the function is then not probed)
    missing: tuple[str, ...] = ()
    #: stated values per parameter name (see `stated_domains`)
    domains: dict[str, tuple[str, ...]] = field(default_factory=dict)


def typed_inputs(
    node: ast.FunctionDef, types: ModuleTypes, entry: str, *, budget: int
) -> TypedPlan:
    """Up to `budget` inputs for every required parameter of `node` (keyword-only ones as
    keywords), written as expressions in the module; stated domain values first."""
    domains, read_keys = stated_domains(node, types)
    own = docstring_strings(node)[:_STRINGS]
    builder = _Builder(types, _variants([*own, *(t for t in types.strings if t not in own)]))
    positional = [*node.args.posonlyargs, *node.args.args]
    required = positional[: len(positional) - len(node.args.defaults)]
    keyword = [
        a
        for a, default in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
        if default is None
    ]
    columns: list[tuple[str, tuple[str, ...]]] = []
    missing: list[str] = []
    for argument in [*required, *keyword]:
        try:
            column = _column(builder, argument, domains, read_keys)
        except _Unbuildable as failed:
            missing.append(failed.name)
            continue
        columns.append((argument.arg, column))
        if _closed(argument.annotation, types):
            # An Enum or a Literal states the whole domain: every member is a valid input.
            domains[argument.arg] = tuple(dict.fromkeys([*domains.get(argument.arg, ()), *column]))
    if missing or not columns:
        return TypedPlan([], tuple(dict.fromkeys(missing)), domains)
    keyword_names = {a.arg for a in keyword}
    inputs: dict[str, ProbeInput] = {}
    for row in _rows(columns, budget):
        args = tuple(
            Expr(v) for (name, _), v in zip(columns, row, strict=True) if name not in keyword_names
        )
        kwargs = {
            name: Expr(v)
            for (name, _), v in zip(columns, row, strict=True)
            if name in keyword_names
        }
        item = ProbeInput(args, kwargs, "typed", expression=_call_expression(entry, args, kwargs))
        inputs.setdefault(item.expression, item)
    return TypedPlan(list(inputs.values()), (), domains)


def _closed(annotation: ast.expr | None, types: ModuleTypes) -> bool:
    """Whether the annotation is an Enum of the module or a ``Literal[...]`` (an alias of one too)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    if isinstance(annotation, ast.Name):
        if annotation.id in types.aliases:
            return _closed(types.aliases[annotation.id], types)
        described = types.classes.get(annotation.id)
        return described is not None and described.kind == "enum"
    return isinstance(annotation, ast.Subscript) and _decorator_name(annotation.value) == "Literal"


def _column(
    builder: _Builder,
    argument: ast.arg,
    domains: dict[str, tuple[str, ...]],
    read_keys: dict[str, tuple[str, ...]],
) -> tuple[str, ...]:
    stated = domains.get(argument.arg, ())
    if argument.annotation is None:
        if stated:
            return stated
        raise _Unbuildable(f"{argument.arg} (no annotation)")
    typed = builder.values(argument.annotation)
    keys = read_keys.get(argument.arg, ())
    if keys and typed and typed[0].startswith("{"):
        typed = _keyed(builder, argument.annotation, keys) + typed
    # The stated values that the annotation admits (a stated None only if None is admitted).
    admitted = tuple(v for v in stated if v != "None" or "None" in typed)
    return tuple(dict.fromkeys([*admitted, *typed]))


def _keyed(builder: _Builder, annotation: ast.expr, keys: tuple[str, ...]) -> tuple[str, ...]:
    """Mappings holding the keys the function reads, with values of the mapping's value type."""
    node = annotation
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        node = ast.parse(node.value, mode="eval").body
    value_type: ast.expr | None = None
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Tuple)
        and len(node.slice.elts) == 2
    ):
        value_type = node.slice.elts[1]
    values = builder.values(value_type) if value_type is not None else ("1", "'a'")
    built = []
    for i in range(len(values)):
        built.append(
            "{"
            + ", ".join(f"{k}: {values[(i + j) % len(values)]}" for j, k in enumerate(keys))
            + "}"
        )
    built.append("{" + f"{keys[0]}: {values[0]}" + "}")
    return tuple(dict.fromkeys(built))


def _rows(columns: Sequence[tuple[str, tuple[str, ...]]], budget: int) -> Iterator[tuple[str, ...]]:
    """Combinations where every value of every column shows up early: row i takes value
    ``i + shift`` of each column, the shift growing each time the longest column wraps."""
    longest = max(len(values) for _, values in columns)
    for i in range(budget):
        turn = i // longest
        yield tuple(values[(i + turn * k) % len(values)] for k, (_, values) in enumerate(columns))


def _call_expression(entry: str, args: tuple[Expr, ...], kwargs: dict[str, Expr]) -> str:
    """An expression that builds the arguments twice (one copy to call with, one to compare
    with afterwards), calls `entry` and gives ``(repr, result, arguments after, arguments
    before, whether the result is one of the arguments and no plain container)``: the
    sandbox canonicalizes all of it, so mutation shows without pickling the module's
    classes on the trusted side. An object updated and handed back (``advance(order)``)
    changes on purpose; a list sorted in place and returned is the bug AS605 is about."""
    parts = [a.source for a in args]
    built = (
        "(("
        + "".join(f"{p}, " for p in parts)
        + "), {"
        + ", ".join(f"{k!r}: {v.source}" for k, v in kwargs.items())
        + "})"
    )
    return (
        "(lambda __a, __b: (lambda __r: (repr(__r)[:300], __r, __a, __b, "
        "any(__r is __x and not isinstance(__x, (list, dict, set, bytearray)) "
        "for __x in (*__a[0], *__a[1].values()))))"
        f"({entry}(*__a[0], **__a[1])))({built}, {built})"
    )


# ------------------------------------------------------------------------------ drawn

#: Starts the line a drawn input writes: the arguments' reprs as JSON (`assay.sandbox.draw`).
DRAWN_MARKER = MARKER
#: The exception the sandbox raises for a type Hypothesis cannot build there.
CANNOT_BUILD = "_assay_draw.CannotBuild"


def drawn_inputs(entry: str, *, budget: int, seed: int = 0) -> list[ProbeInput]:
    """Up to `budget` inputs for `entry` drawn with Hypothesis in the sandbox, after the
    module is imported (``st.from_type`` on the resolved annotations: classes the AST does
    not describe, string annotations, library types). Until they run, each input is a
    placeholder (``drawn#3``); the run prints the drawn arguments (`DRAWN_MARKER`), which
    replace it in the evidence. The same seed gives the same arguments in every job.
    A drawn input whose call timed out before that line was written was never called."""
    if not entry.isidentifier():
        raise InvalidArgument(f"entry {entry!r} is not a Python identifier: pass a function name")
    return [
        ProbeInput(
            (Expr(f"drawn#{index}"),),
            {},
            "typed",
            expression=f"__import__('_assay_draw').call({entry}, {seed}, {index})",
        )
        for index in range(budget)
    ]
