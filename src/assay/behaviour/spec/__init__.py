"""What a function is supposed to do, as far as its task text tells: the spec.

`extract_spec` reads a prompt, a stub (signature + docstring) or a whole module and returns a
`Spec`: the entry point's signature and type hints, the description, and the *examples* it
states, in every common shape::

    >>> f(1, 2)                 doctests (the next lines are the expected value)
    3
    f(1, 2) == 3                equality lines (also ➞ => ==> -> → = "should return" "returns")
    Input: x = 1, y = 2         input / output pairs
    Output: 3
    For x = 1 the output should be 3
    assert f(1, 2) == 3         assert statements (in the text, in check() or test_* functions)

Nothing here runs code: values are read with `literal_value`, which accepts literals and
arithmetic over them and nothing else. Examples that contradict each other (same input,
different outputs), the signature (wrong number of arguments) or the other examples' output
type are reported in `Spec.problems` and marked untrusted, never silently believed.
"""

from __future__ import annotations

import ast
import builtins
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assay.errors import InvalidArgument
from assay.source.parsed import parse_module

__all__ = [
    "NOT_LITERAL",
    "Example",
    "Parameter",
    "Signature",
    "Spec",
    "extract_spec",
    "literal_value",
    "spec_from_tests",
    "strip_examples",
]


class _NotLiteral:
    """The value of an expression `literal_value` will not evaluate."""

    def __repr__(self) -> str:
        return "NOT_LITERAL"


NOT_LITERAL: Any = _NotLiteral()

_NAMES: dict[str, Any] = {
    "True": True,
    "False": False,
    "None": None,
    "true": True,
    "false": False,
    "null": None,
    "inf": math.inf,
    "nan": math.nan,
}
_CONSTRUCTORS: dict[str, Callable[..., Any]] = {
    "set": set,
    "frozenset": frozenset,
    "tuple": tuple,
    "list": list,
    "dict": dict,
    "float": float,
    "int": int,
    "str": str,
    "bool": bool,
    "complex": complex,
    "abs": abs,
    "round": round,
}
_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_MAX_LITERAL_SIZE = 100_000


def literal_value(source: str | ast.expr) -> Any:
    """The value of a literal expression, or `NOT_LITERAL`.

    Accepts what `ast.literal_eval` accepts plus ``true``/``false``/``null``, arithmetic
    (``19 - 5 - 6``, ``[0] * 5``) and calls of ``set``/``tuple``/``float``... on literals.
    Nothing is executed: names, attributes and other calls make the expression not literal.
    """
    if isinstance(source, str):
        try:
            node = ast.parse(source.strip(), mode="eval").body
        except (SyntaxError, ValueError):
            return NOT_LITERAL
    else:
        node = source
    try:
        return _literal(node)
    except (_Refused, ArithmeticError, TypeError, ValueError, OverflowError, RecursionError):
        return NOT_LITERAL


class _Refused(Exception):
    pass


def _literal(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in _NAMES:
            return _NAMES[node.id]
        raise _Refused(node.id)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_literal(item) for item in node.elts]
        if isinstance(node, ast.List):
            return items
        return tuple(items) if isinstance(node, ast.Tuple) else set(items)
    if isinstance(node, ast.Dict):
        if any(key is None for key in node.keys):
            raise _Refused("dict unpacking")
        return {
            _literal(k): _literal(v)
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None
        }
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        value = _literal(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        return -value if isinstance(node.op, ast.USub) else +value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _literal(node.left), _literal(node.right)
        if isinstance(node.op, ast.Pow) and isinstance(right, int) and abs(right) > 64:
            raise _Refused("large power")
        if isinstance(node.op, ast.Mult) and _too_big(left, right):
            raise _Refused("large repetition")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        constructor = _CONSTRUCTORS.get(node.func.id)
        if constructor is None or node.keywords:
            raise _Refused(node.func.id)
        return constructor(*[_literal(arg) for arg in node.args])
    raise _Refused(type(node).__name__)


def _too_big(left: Any, right: Any) -> bool:
    for sequence, count in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
            return len(sequence) * count > _MAX_LITERAL_SIZE
    return False


@dataclass(frozen=True)
class Parameter:
    """One parameter of the entry point: name, annotation source (if any), default or not."""

    name: str
    annotation: str | None = None
    has_default: bool = False
    kind: str = "positional"

    @property
    def required(self) -> bool:
        """True for a positional parameter without a default."""
        return self.kind == "positional" and not self.has_default


@dataclass(frozen=True)
class Signature:
    """The entry point's signature as written in the task."""

    name: str
    parameters: tuple[Parameter, ...] = ()
    returns: str | None = None

    @property
    def arity(self) -> tuple[int, int | None]:
        """(minimum, maximum) positional arguments; maximum None for ``*args``."""
        positional = [p for p in self.parameters if p.kind == "positional"]
        low = sum(1 for p in positional if p.required)
        star = any(p.kind == "var-positional" for p in self.parameters)
        return low, None if star else len(positional)

    @property
    def hints(self) -> dict[str, str]:
        """Parameter name -> annotation source, for annotated parameters."""
        return {p.name: p.annotation for p in self.parameters if p.annotation}


@dataclass(frozen=True)
class Example:
    """One stated example: evaluating `actual` should give the value of `expected`.

    Attributes:
        actual: expression source, e.g. ``f([1, 2])`` or ``sorted(f(x))``.
        expected: expression source of the expected value.
        line: 1-based line in the text it came from.
        origin: ``doctest``, ``inline``, ``io``, ``assert`` or ``test``.
        args: the literal positional arguments when `actual` is a direct call of the entry
            point (``f(<literals>)``); None otherwise.
        kwargs: literal keyword arguments of that call.
        expected_value: `literal_value(expected)` (may be `NOT_LITERAL`).
        tolerance: absolute tolerance when the example says "approximately"
            (``math.isclose``, ``abs(f(x) - y) < tol``, ``round(...)``).
        raises: an exception type name when the example expects an exception.
        trusted: False when the example contradicts the signature or another example.
    """

    actual: str
    expected: str
    line: int = 0
    origin: str = "inline"
    args: tuple[Any, ...] | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    expected_value: Any = NOT_LITERAL
    tolerance: float | None = None
    raises: str | None = None
    trusted: bool = True

    @property
    def direct(self) -> bool:
        """True when `actual` is exactly a call of the entry point with literal arguments."""
        return self.args is not None

    def describe(self) -> str:
        """``f(1, 2) == 3`` for messages."""
        if self.raises:
            return f"{self.actual} raises {self.raises}"
        return f"{self.actual} == {self.expected}"


@dataclass(frozen=True)
class Spec:
    """Everything a task says about its entry point."""

    entry_point: str
    signature: Signature | None = None
    description: str = ""
    examples: tuple[Example, ...] = ()
    problems: tuple[str, ...] = ()
    prompt: str = ""

    @property
    def trusted_examples(self) -> tuple[Example, ...]:
        """The examples not contradicted by the signature or by each other."""
        return tuple(e for e in self.examples if e.trusted)

    @property
    def hints(self) -> dict[str, str]:
        """Parameter annotations (empty when the task has no signature)."""
        return self.signature.hints if self.signature else {}

    def without_examples(self) -> Spec:
        """The same spec with no examples (the *hidden examples* regime)."""
        return replace(self, examples=(), problems=())


# ---------------------------------------------------------------------------- extraction


def extract_spec(
    text: str,
    entry_point: str | None = None,
    *,
    tests: Sequence[str] = (),
    module_names: frozenset[str] = frozenset(),
) -> Spec:
    """The spec of `entry_point` stated in `text` (a prompt, stub or module) and `tests`.

    Args:
        text: Python source (a stub with a docstring, a module) or plain task text.
        entry_point: the function the examples call; default: the last top-level function
            defined in `text`, else the first name called in an ``assert``.
        tests: extra test sources (assert statements, ``check(candidate)`` functions,
            pytest files) whose asserts become examples with origin ``test``.
        module_names: names the examples may use besides the entry point and the builtins
            (``Decimal``, ``Tier``): the names a checked module defines or imports, where the
            examples are evaluated in that module.

    Raises:
        InvalidArgument: no entry point is given and none can be found in `text`.
    """
    tree = _parse(text)
    entry = entry_point or _guess_entry_point(text, tree)
    if not entry:
        raise InvalidArgument(
            "cannot tell which function the task is about: pass entry_point= "
            "(--entry-point NAME on the command line)"
        )
    signature, docstring, doc_line = _signature_and_docstring(tree, entry)
    examples: list[Example] = []
    if tree is not None:
        examples.extend(_assert_examples(tree, entry, origin="assert"))
        texts = _module_texts(tree)
        if docstring is not None:
            texts.insert(0, (docstring, doc_line))
    else:
        texts = [(text, 1)]
    for body, first_line in texts:
        alias = _stale_name(body, tree, entry)
        if alias is not None:
            body = re.sub(rf"(?<![\w.]){re.escape(alias)}\(", f"{entry}(", body)
        examples.extend(_text_examples(body, entry, first_line))
    for test_source in tests:
        test_tree = _parse(test_source)
        if test_tree is not None:
            examples.extend(_assert_examples(test_tree, entry, origin="test"))
    description = _description(docstring if docstring is not None else text, entry)
    return _validated(
        Spec(
            entry_point=entry,
            signature=signature,
            description=description,
            examples=tuple(_dedup(examples, entry, module_names)),
            prompt=text,
        )
    )


def spec_from_tests(tests: Iterable[str], entry_point: str, *, base: Spec | None = None) -> Spec:
    """`base` (or an empty spec) plus the asserts of `tests` as examples of origin ``test``."""
    spec = base or Spec(entry_point=entry_point)
    added: list[Example] = []
    for source in tests:
        tree = _parse(source)
        if tree is not None:
            added.extend(_assert_examples(tree, entry_point, origin="test"))
    return _validated(replace(spec, examples=tuple(_dedup([*spec.examples, *added], entry_point))))


def _parse(text: str) -> ast.Module | None:
    try:
        # A checked module's spec is read from its whole text: the tree the pipeline parsed.
        return parse_module(text)
    except (SyntaxError, ValueError):
        return None


def _guess_entry_point(text: str, tree: ast.Module | None) -> str | None:
    if tree is not None:
        functions = [
            n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        if functions:
            return functions[-1]
        for node in ast.walk(tree):
            if isinstance(node, ast.Assert):
                name = _first_called_name(node.test)
                if name:
                    return name
    for line in text.splitlines():
        if line.strip().startswith("assert "):
            parsed = _parse(line.strip())
            if parsed is not None and isinstance(parsed.body[0], ast.Assert):
                name = _first_called_name(parsed.body[0].test)
                if name:
                    return name
    return None


def _first_called_name(node: ast.expr) -> str | None:
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name):
            if child.func.id not in _CONSTRUCTORS and child.func.id not in {
                "sorted",
                "len",
                "isinstance",
            }:
                return child.func.id
    return None


def _signature_and_docstring(
    tree: ast.Module | None, entry: str
) -> tuple[Signature | None, str | None, int]:
    if tree is None:
        return None, None, 1
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == entry:
            found = node
            break
    if found is None:
        return None, None, 1
    # The first string statement, even after an import (HumanEval/115 imports first).
    for statement in found.body[:3]:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            if isinstance(statement.value.value, str):
                return signature_of(found), statement.value.value, statement.lineno
    return signature_of(found), None, found.lineno


def signature_of(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Signature:
    """The `Signature` of a parsed function definition."""
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults_from = len(positional) - len(args.defaults)
    parameters: list[Parameter] = []
    for index, arg in enumerate(positional):
        if index == 0 and arg.arg in {"self", "cls"}:
            continue
        parameters.append(
            Parameter(arg.arg, _annotation(arg.annotation), has_default=index >= defaults_from)
        )
    if args.vararg is not None:
        parameters.append(
            Parameter(args.vararg.arg, _annotation(args.vararg.annotation), kind="var-positional")
        )
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        parameters.append(
            Parameter(
                arg.arg,
                _annotation(arg.annotation),
                has_default=default is not None,
                kind="keyword",
            )
        )
    if args.kwarg is not None:
        parameters.append(
            Parameter(args.kwarg.arg, _annotation(args.kwarg.annotation), kind="var-keyword")
        )
    return Signature(node.name, tuple(parameters), _annotation(node.returns))


def _annotation(node: ast.expr | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)


_CALL = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\(")


def _stale_name(text: str, tree: ast.Module | None, entry: str) -> str | None:
    """The name a task text's examples call the entry point by, when it is not `entry`.

    Docstrings are often written before a function is renamed (``grade_equation([4.0, 3])``
    in the docstring of ``numerical_letter_grade``). A name is taken for the entry point
    only when nothing can contradict that: the text never calls `entry` itself, it calls
    exactly one other name that is neither a builtin nor defined or imported in the
    module, and it calls that name and uses it nowhere else (not a word of the prose).
    """
    called = [m.group(1) for m in _CALL.finditer(re.sub(r"\b(?:def|class)\s+\w+\(", "", text))]
    if not called or entry in called or tree is None:
        return None
    defined = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    defined |= {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    unknown = {
        name
        for name in called
        if name not in defined and not hasattr(builtins, name) and name not in _CONSTRUCTORS
    }
    if len(unknown) != 1:
        return None
    (name,) = unknown
    # A word of the prose ("the Collatz(1) sequence") is not a function name.
    words = len(re.findall(rf"(?<![\w.]){re.escape(name)}\b", text))
    return name if words == called.count(name) else None


def _module_texts(tree: ast.Module) -> list[tuple[str, int]]:
    """Module-level docstrings and bare string statements (EvalPlus-style prompts)."""
    texts: list[tuple[str, int]] = []
    for node in tree.body:
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            texts.append((node.value.value, node.lineno))
    return texts


def _description(text: str, entry: str) -> str:
    lines = [line for line in text.splitlines() if not _is_example_line(line, entry)]
    return "\n".join(lines).strip()


def _is_example_line(line: str, entry: str) -> bool:
    stripped = line.strip()
    return (
        stripped.startswith((">>>", "...", "assert "))
        or f"{entry}(" in stripped
        or bool(re.match(r"(?i)^(input|output)\s*:", stripped))
        or bool(re.match(r"(?i)^for\b.*\bthe (?:output|result|answer) should be\b", stripped))
    )


# ------------------------------------------------------------------------ assert examples


def _assert_examples(tree: ast.Module, entry: str, *, origin: str) -> Iterator[Example]:
    aliases = {entry, *_candidate_aliases(tree)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            example = _example_from_test(node.test, aliases, entry, node.lineno, origin)
            if example is not None:
                yield example


def _candidate_aliases(tree: ast.Module) -> set[str]:
    """Parameter names of ``def check(candidate)``-style test functions."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith(("check", "test")):
            names.update(
                a.arg
                for a in node.args.args
                if a.arg in {"candidate", "func", "fn", "f", "solution"}
            )
    return names


def _example_from_test(
    test: ast.expr, aliases: set[str], entry: str, line: int, origin: str
) -> Example | None:
    tolerance: float | None = None
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = test.left, test.comparators[0]
        op = test.ops[0]
        if isinstance(op, ast.Eq) or (isinstance(op, ast.Is) and _is_singleton(right)):
            pass
        elif isinstance(op, (ast.Lt, ast.LtE)) and _is_abs_difference(left):
            tolerance = _number(right)
            if tolerance is None:
                return None
            assert_call = left
            if not isinstance(assert_call, ast.Call):
                return None
            difference = assert_call.args[0]
            if not isinstance(difference, ast.BinOp):
                return None
            left, right = difference.left, difference.right
        else:
            return None
    elif isinstance(test, ast.Call) and _is_isclose(test) and len(test.args) == 2:
        left, right = test.args
        tolerance = 1e-9
        for keyword in test.keywords:
            value = _number(keyword.value)
            if keyword.arg in {"rel_tol", "abs_tol"} and value is not None:
                tolerance = max(tolerance, value)
    elif isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id in aliases:
        left, right = test, ast.Constant(value=True)
    elif (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and _calls(test.operand, aliases)
    ):
        left, right = test.operand, ast.Constant(value=False)
    else:
        return None
    if not _calls(left, aliases):
        if not _calls(right, aliases):
            return None
        left, right = right, left
    left = _renamed(left, aliases, entry)
    right = _renamed(right, aliases, entry)
    return _make_example(
        ast.unparse(left), ast.unparse(right), entry, line, origin, tolerance=tolerance
    )


def _is_singleton(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in (None, True, False)


def _is_abs_difference(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "abs"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.BinOp)
        and isinstance(node.args[0].op, ast.Sub)
    )


def _is_isclose(node: ast.Call) -> bool:
    func = node.func
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id
        if isinstance(func, ast.Name)
        else ""
    )
    return name in {"isclose", "allclose", "approx"}


def _number(node: ast.expr) -> float | None:
    value = literal_value(node)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _calls(node: ast.expr, names: set[str]) -> bool:
    return any(
        isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in names
        for child in ast.walk(node)
    )


class _Rename(ast.NodeTransformer):
    def __init__(self, aliases: set[str], entry: str) -> None:
        self.aliases = aliases
        self.entry = entry

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.aliases:
            return ast.Name(id=self.entry, ctx=node.ctx)
        return node


def _renamed(node: ast.expr, aliases: set[str], entry: str) -> ast.expr:
    if aliases == {entry}:
        return node
    renamed = _Rename(aliases, entry).visit(ast.parse(ast.unparse(node), mode="eval").body)
    return renamed if isinstance(renamed, ast.expr) else node


# -------------------------------------------------------------------------- text examples

_SEPARATORS = (
    r"#\s*=>",
    r"#\s*returns?",
    r"==>",
    r"=>",
    r"==",
    r"➞",
    r"→",
    r"->",
    r"\bshould\s+(?:return|be|give|output)\b",
    r"\breturns?\b",
    r"\bgives?\b",
    r"\bis\b",
    r"=",
    r":",
)
_SEPARATOR = re.compile(r"\s*(?:" + "|".join(_SEPARATORS) + r")\s*")
_INPUT = re.compile(r"^\s*(?:[-*]\s*)?input\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_OUTPUT = re.compile(r"^\s*(?:[-*]\s*)?output\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_FOR = re.compile(
    r"\bfor\s+(?P<args>[A-Za-z_]\w*\s*=.+?)\s*\bthe\s+(?:output|result|answer)\s+should\s+be\s+(?P<out>.+)$",
    re.IGNORECASE,
)


def _text_examples(text: str, entry: str, first_line: int) -> Iterator[Example]:
    """Examples written in a docstring or task text."""
    consumed: set[int] = set()
    yield from _doctest_examples(text, entry, first_line, consumed)
    lines = text.splitlines()
    yield from _io_examples(lines, entry, first_line, consumed)
    for index, line in enumerate(lines):
        if index in consumed:
            continue
        stripped = line.strip()
        if stripped.startswith("assert "):
            tree = _parse(_joined(lines, index, stripped))
            if tree is not None:
                for example in _assert_examples(tree, entry, origin="assert"):
                    yield replace(example, line=first_line + index)
                continue
        for_match = _FOR.search(stripped)
        if for_match:
            found = _for_example(for_match, entry, first_line + index)
            if found is not None:
                yield found
            continue
        yield from _inline_examples(lines, index, entry, first_line)


def _joined(lines: list[str], index: int, start: str) -> str:
    """`start` continued over the following lines until its brackets balance."""
    text = start
    following = index + 1
    while _depth(text) > 0 and following < len(lines) and following - index < 30:
        text += "\n" + lines[following].strip()
        following += 1
    return text


def _depth(text: str) -> int:
    depth = 0
    quote: str | None = None
    previous = ""
    for char in text:
        if quote:
            if char == quote and previous != "\\":
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        previous = char
    return depth


def _doctest_examples(
    text: str, entry: str, first_line: int, consumed: set[int]
) -> Iterator[Example]:
    """``>>>`` examples; parsed by hand because docstrings written as non-raw strings hold real
    newlines inside string literals, which `doctest` rejects."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped.startswith(">>>"):
            index += 1
            continue
        start = index
        source = stripped[3:].strip()
        index += 1
        while index < len(lines) and (lines[index].strip().startswith("...") or _depth(source) > 0):
            continuation = lines[index].strip()
            source += "\n" + (
                continuation[3:].strip() if continuation.startswith("...") else continuation
            )
            index += 1
        want: list[str] = []
        while (
            index < len(lines)
            and lines[index].strip()
            and not lines[index].strip().startswith(">>>")
        ):
            want.append(lines[index].strip())
            index += 1
        consumed.update(range(start, index))
        example = _doctest_example(source, "\n".join(want), entry, first_line + start)
        if example is not None:
            yield example


def _doctest_example(source: str, want: str, entry: str, line: int) -> Example | None:
    tree = _parse(source)
    if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    expression = tree.body[0].value
    if not _calls(expression, {entry}):
        return None
    if want.startswith("Traceback"):
        raised = re.search(r"^([\w.]+)(?::|$)", want.splitlines()[-1])
        return _make_example(
            source, "", entry, line, "doctest", raises=raised.group(1) if raised else "Exception"
        )
    if isinstance(expression, ast.Compare) and want in {"", "True"}:
        return _example_from_test(expression, {entry}, entry, line, "doctest")
    if not want:
        return None
    return _make_example(source, want, entry, line, "doctest")


def _io_examples(
    lines: list[str], entry: str, first_line: int, consumed: set[int]
) -> Iterator[Example]:
    index = 0
    while index < len(lines):
        found = _INPUT.match(lines[index])
        if not found:
            index += 1
            continue
        block = [found.group("rest").strip()]
        for offset in range(1, 8):
            if index + offset >= len(lines):
                break
            output = _OUTPUT.match(lines[index + offset])
            if not output:
                # "Input:" alone, then one "name : value" line per argument.
                block.append(
                    re.sub(r"^\s*([A-Za-z_]\w*)\s*:\s*", r"\1 = ", lines[index + offset]).strip()
                )
                continue
            if output:
                arguments = _argument_source(", ".join(part for part in block if part))
                expected = _expression_prefix(output.group("rest"))
                if arguments is not None and expected is not None:
                    consumed.update({index, index + offset})
                    yield _make_example(
                        f"{entry}({arguments})", expected, entry, first_line + index, "io"
                    )
                break
        index += 1


def _for_example(match: re.Match[str], entry: str, line: int) -> Example | None:
    arguments = _argument_source(match.group("args"))
    expected = _expression_prefix(match.group("out"))
    if arguments is None or expected is None:
        return None
    return _make_example(f"{entry}({arguments})", expected, entry, line, "inline")


def _argument_source(text: str) -> str | None:
    """``x = 1, y = [2, 3]`` or ``1, [2, 3]`` as call-argument source (names dropped)."""
    text = text.strip().rstrip(".,;")
    for end in range(len(text), 0, -1):
        candidate = text[:end].rstrip(" ,")
        try:
            call = ast.parse(f"_f({_as_keywords(candidate)})", mode="eval").body
        except SyntaxError:
            continue
        if not isinstance(call, ast.Call):
            continue
        values = [*call.args, *(k.value for k in call.keywords)]
        if values and all(literal_value(v) is not NOT_LITERAL for v in values):
            return ", ".join(ast.unparse(v) for v in values)
    return None


def _as_keywords(text: str) -> str:
    return re.sub(r"(^|,)\s*([A-Za-z_]\w*)\s*=(?!=)", r"\1 \2=", text)


def _expression_prefix(text: str) -> str | None:
    """The longest prefix of `text` that is a literal expression (``19 - 5 - 6 = 8`` gives
    ``19 - 5 - 6``), else None."""
    text = text.strip()
    for end in range(len(text), 0, -1):
        # The literal must end where a token ends: in ``""aaa"`` the prefix ``""`` is not
        # the value meant.
        if end < len(text) and (text[end].isalnum() or text[end] in "_'\""):
            continue
        candidate = text[:end].strip().rstrip(".,;")
        if not candidate:
            continue
        if literal_value(candidate) is not NOT_LITERAL:
            return candidate
    return None


def _inline_examples(
    lines: list[str], index: int, entry: str, first_line: int
) -> Iterator[Example]:
    line = lines[index]
    start = 0
    while True:
        found = re.search(rf"(?<![\w.]){re.escape(entry)}\(", line[start:])
        if not found:
            return
        begin = start + found.start()
        text = _joined(lines, index, line[begin:])
        call_end = _call_end(text, len(entry))
        if call_end is None:
            return
        call = text[:call_end]
        rest = text[call_end:].split("\n", 1)[0]
        separator = _SEPARATOR.match(rest)
        if separator and separator.end() < len(rest):
            expected_text = (
                _joined(lines, index, rest[separator.end() :])
                if _depth(rest) > 0
                else rest[separator.end() :]
            )
            expected = _expression_prefix(expected_text.replace("\n", " "))
            if expected is not None and _parse(call) is not None:
                yield _make_example(call, expected, entry, first_line + index, "inline")
        start = begin + max(1, min(call_end, len(line) - begin))


def _call_end(text: str, name_length: int) -> int | None:
    depth = 0
    quote: str | None = None
    for position in range(name_length, len(text)):
        char = text[position]
        if quote:
            if char == quote and text[position - 1] != "\\":
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return position + 1
    return None


# ----------------------------------------------------------------------- building examples


def _make_example(
    actual: str,
    expected: str,
    entry: str,
    line: int,
    origin: str,
    *,
    tolerance: float | None = None,
    raises: str | None = None,
) -> Example:
    args: tuple[Any, ...] | None = None
    kwargs: dict[str, Any] = {}
    tree = _parse(actual)
    if tree is not None and len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr):
        call = tree.body[0].value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == entry:
            values = [literal_value(a) for a in call.args]
            keywords = {k.arg: literal_value(k.value) for k in call.keywords if k.arg}
            starred = any(isinstance(a, ast.Starred) for a in call.args) or any(
                k.arg is None for k in call.keywords
            )
            if not starred and all(v is not NOT_LITERAL for v in [*values, *keywords.values()]):
                args, kwargs = tuple(values), keywords
        actual = ast.unparse(call)
        if isinstance(call, ast.Call) and _is_rounding(call) and tolerance is None:
            tolerance = 0.5 * 10 ** -(int(literal_value(call.args[1])) if len(call.args) > 1 else 0)
    return Example(
        actual=actual,
        expected=expected,
        line=line,
        origin=origin,
        args=args,
        kwargs=kwargs,
        expected_value=literal_value(expected) if expected else NOT_LITERAL,
        tolerance=tolerance,
        raises=raises,
    )


def _is_rounding(call: ast.Call) -> bool:
    return (
        isinstance(call.func, ast.Name)
        and call.func.id == "round"
        and 1 <= len(call.args) <= 2
        and (len(call.args) == 1 or isinstance(literal_value(call.args[1]), int))
    )


def _dedup(
    examples: Iterable[Example], entry: str, module_names: frozenset[str] = frozenset()
) -> list[Example]:
    """Unique examples whose expressions name nothing but the entry point, builtins and
    `module_names` (a doctest that uses a variable set on an earlier line cannot be replayed
    alone)."""
    seen: set[tuple[str, str]] = set()
    unique: list[Example] = []
    allowed = {entry, *dir(builtins), *module_names}
    for example in examples:
        key = (example.actual, _normal_source(example.expected))
        if not _names(example.actual) <= allowed or not _names(example.expected) <= allowed | set(
            _NAMES
        ):
            continue
        if key not in seen:
            seen.add(key)
            unique.append(example)
    return unique


# ------------------------------------------------------------------------------ validation


def _validated(spec: Spec) -> Spec:
    """Mark examples that contradict the signature, another example or the others' type."""
    problems: list[str] = []
    distrusted: set[int] = set()
    if spec.signature is not None:
        low, high = spec.signature.arity
        for index, example in enumerate(spec.examples):
            if example.args is None or example.kwargs:
                continue
            count = len(example.args)
            if count < low or (high is not None and count > high):
                distrusted.add(index)
                problems.append(
                    f"line {example.line}: {example.describe()} passes {count} argument(s), "
                    f"but {spec.signature.name} takes {low}" + (f"-{high}" if high != low else "")
                )
    by_input: dict[str, list[int]] = {}
    for index, example in enumerate(spec.examples):
        by_input.setdefault(example.actual, []).append(index)
    for indices in by_input.values():
        values = {_value_key(spec.examples[i]) for i in indices}
        if len(values) > 1:
            distrusted.update(indices)
            first = spec.examples[indices[0]]
            stated = "; ".join(
                f"line {spec.examples[i].line}: {spec.examples[i].expected}" for i in indices
            )
            problems.append(f"{first.actual} is given different expected values ({stated})")
    problems.extend(_type_outliers(spec, distrusted))
    examples = tuple(
        replace(e, trusted=False) if i in distrusted else e for i, e in enumerate(spec.examples)
    )
    return replace(spec, examples=examples, problems=tuple(problems))


def _names(source: str) -> set[str]:
    tree = _parse(source)
    if tree is None:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _normal_source(source: str) -> str:
    tree = _parse(source)
    return ast.unparse(tree) if tree is not None else source.strip()


def _value_key(example: Example) -> str:
    if example.raises:
        return f"raises {example.raises}"
    if example.expected_value is NOT_LITERAL:
        return _normal_source(example.expected)
    return repr(_normalized(example.expected_value))


def _normalized(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_normalized(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(repr(_normalized(v)) for v in value)
    if isinstance(value, dict):
        return sorted((repr(_normalized(k)), repr(_normalized(v))) for k, v in value.items())
    return value


def _type_outliers(spec: Spec, distrusted: set[int]) -> Iterator[str]:
    """A parenthesised scalar among tuple results (HumanEval/148's ``("Venus")`` next to
    ``("Saturn", "Uranus")``) is a one-element tuple written without its comma: report it and
    do not trust it. Other mixes (a ``-1`` sentinel among strings) are legitimate."""
    direct = [
        (i, e)
        for i, e in enumerate(spec.examples)
        if e.direct and e.expected_value is not NOT_LITERAL
    ]
    tuples = [
        e.expected_value
        for _, e in direct
        if isinstance(e.expected_value, tuple) and e.expected_value
    ]
    if not tuples:
        return
    element_kinds = {_kind(item) for value in tuples for item in value}
    for index, example in direct:
        value = example.expected_value
        text = example.expected.strip()
        if (
            not isinstance(value, tuple)
            and text.startswith("(")
            and text.endswith(")")
            and _kind(value) in element_kinds
        ):
            distrusted.add(index)
            yield (
                f"line {example.line}: {example.describe()} expects a {_kind(value)}, but the "
                f"other examples expect tuples: probably a one-element tuple missing its comma"
            )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    return type(value).__name__


# --------------------------------------------------------------------------- hiding examples


def strip_examples(text: str, entry_point: str) -> str:
    """`text` without the examples `extract_spec` would find (the *hidden examples* regime).

    Lines holding an example, doctest output lines and ``Example(s):`` headings are removed;
    the rest of the text (signature, description, constraints) is kept.
    """
    lines = text.splitlines()
    keep = [True] * len(lines)
    in_doctest = in_input = False
    names = [entry_point]
    alias = _stale_name(text, _parse(text), entry_point)
    if alias is not None:
        names.append(alias)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _INPUT.match(line):
            in_input = True
        if in_input:
            keep[index] = False
            in_input = not _OUTPUT.match(line)
            continue
        if stripped.startswith(">>>"):
            keep[index] = False
            in_doctest = True
            continue
        if in_doctest:
            if not stripped or stripped.startswith(('"""', "'''")):
                in_doctest = False
            else:
                keep[index] = False
                continue
        if stripped.startswith(("def ", "async def ", "class ")):
            continue
        if (
            any(_is_example_line(line, name) for name in names)
            or re.match(r"(?i)^(?:for\s+)?examples?\s*(?:\d+)?\s*:?$", stripped)
            or re.match(r"(?i)^(?:for example|e\.g\.)\s*[:,]?$", stripped)
        ):
            keep[index] = False
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept) + (
        "\n" if text.endswith("\n") else ""
    )
