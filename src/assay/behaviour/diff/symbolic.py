"""Symbolic search for inputs that tell two versions of a function apart (issue 24, item 2).

Random and typed inputs miss differences confined to one value (``if x == 7319``, a role
spelled ``"owner"``): the behaviour diff then calls this second engine, which runs
CrossHair's behaviour-diff search (``crosshair diffbehavior``): both versions run on
symbolic arguments and an SMT solver steers them down every branch either version has,
until it finds arguments on which their results, exceptions or argument mutations differ.

* It runs only inside `assay.sandbox` (the search executes both versions' code), in one job
  whose wall-clock limit is `timeout_s`: the sandbox kills the search at that bound.
  CrossHair's own budget is set inside it so that it normally stops first and reports what
  it found (see `_symbolic_side`).
* Only small functions whose every parameter has a type CrossHair models well are searched:
  ``int``, ``float``, ``str``, ``bool``, ``bytes``, ``None`` and ``list``, ``dict``,
  ``tuple``, ``set``, ``frozenset``, ``Optional`` and unions of those (typing or builtin
  spellings). The types come from OLD's annotations, else NEW's, else from the caller
  (`param_types`, say types inferred from the concrete inputs); anything else, or a function
  of more than `MAX_LINES` lines, is `status` ``"unsupported"`` with the reason.
* What comes back is plain data: each input's arguments as ``repr`` texts, parsed here by a
  literal parser (no evaluation). The caller confirms every input by a concrete run before
  reporting it: CrossHair models Python, and a model can be wrong.

CrossHair (``crosshair-tool``, with the z3 solver) is the optional extra ``assay[symbolic]``;
without it the status is ``"unavailable"`` and the reason says how to install it.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assay.errors import InvalidArgument, SandboxError
from assay.sandbox import Call, Job, Limits, Sandbox, Status

__all__ = [
    "MAX_LINES",
    "SymbolicSearch",
    "literal",
    "param_types_of",
    "symbolic_inputs",
    "symbolic_search",
]

#: Lines of either function beyond which the search is not tried: symbolic execution follows
#: every path, and in a longer function the paths outnumber what seconds of search reach.
MAX_LINES = 80
#: Inputs returned at most (CrossHair reports one per differing path it completes).
MAX_INPUTS = 8
#: Share of `timeout_s` CrossHair may plan to use; the rest covers importing CrossHair and
#: z3, loading both versions and the reply, so that the search ends before the sandbox's kill.
_BUDGET_SHARE = 0.8
#: The search holds z3's state and both versions' symbolic values.
_MEMORY_MB = 1024
#: Characters of one argument's repr accepted from the sandbox.
_MAX_REPR = 20_000
#: Nesting accepted in an annotation or a parsed argument.
_MAX_DEPTH = 8

#: What `_kind` says of a value of a type the search does not model.
_UNKNOWN = "?"

_SIDE = Path(__file__).with_name("_symbolic_side.py")

_SCALARS = frozenset({"int", "float", "str", "bool", "bytes"})
#: Container spellings (builtin and typing) -> the typing name the sandbox side knows.
_CONTAINERS = {
    "list": "list",
    "List": "list",
    "dict": "dict",
    "Dict": "dict",
    "tuple": "tuple",
    "Tuple": "tuple",
    "set": "set",
    "Set": "set",
    "frozenset": "frozenset",
    "FrozenSet": "frozenset",
}
_ARITY = {"list": 1, "set": 1, "frozenset": 1, "dict": 2}

SearchStatus = Literal[
    "found", "none", "exhausted", "timeout", "unsupported", "unavailable", "failed"
]


@dataclass(frozen=True, kw_only=True)
class SymbolicSearch:
    """How one symbolic search ended.

    `status`: ``found`` (inputs on which CrossHair saw the versions differ), ``none`` (the
    budget ended without one), ``exhausted`` (every path was explored without one: equal as
    far as CrossHair models Python), ``timeout`` (the sandbox killed the search at
    `timeout_s`), ``unsupported`` (not a small typed function pair), ``unavailable``
    (CrossHair is not installed), ``failed`` (the search itself raised: `reason`).
    """

    status: SearchStatus
    inputs: tuple[tuple[Any, ...], ...] = ()
    reason: str = ""
    #: paths CrossHair completed
    paths: int = 0
    #: wall-clock seconds of the sandbox call
    seconds: float = 0.0
    #: the parameter types searched, as the sandbox side spells them
    annotations: tuple[str, ...] = field(default=())
    #: inputs CrossHair reported whose repr this module cannot parse back (dropped)
    unparsed: int = 0


def symbolic_inputs(
    old: str,
    new: str,
    old_name: str,
    new_name: str,
    *,
    timeout_s: float,
    param_types: tuple[str, ...] | list[str] | None = None,
    sandbox: Sandbox | None = None,
) -> list[tuple[Any, ...]]:
    """Argument tuples on which CrossHair found `old_name` in `old` and `new_name` in `new`
    to behave differently (results, exception types or argument mutations), smallest first;
    empty when it found none, or could not search (see `symbolic_search` for why)."""
    search = symbolic_search(
        old,
        new,
        old_name,
        new_name,
        timeout_s=timeout_s,
        param_types=param_types,
        sandbox=sandbox,
    )
    return list(search.inputs)


def symbolic_search(
    old: str,
    new: str,
    old_name: str,
    new_name: str,
    *,
    timeout_s: float,
    param_types: tuple[str, ...] | list[str] | None = None,
    sandbox: Sandbox | None = None,
    max_inputs: int = MAX_INPUTS,
) -> SymbolicSearch:
    """Run CrossHair's behaviour-diff search on the two functions inside the sandbox.

    Args:
        old, new: the two modules' sources.
        old_name, new_name: the top-level functions to compare.
        timeout_s: wall-clock bound of the search (the sandbox kills it there).
        param_types: annotation texts per parameter (``"list[int]"``), used when neither
            version annotates every parameter with a supported type.
        sandbox: a running `Sandbox` to use; None starts a one-worker sandbox.
        max_inputs: inputs returned at most.
    """
    if not (isinstance(timeout_s, (int, float)) and math.isfinite(timeout_s) and timeout_s > 0):
        raise InvalidArgument(f"timeout_s={timeout_s!r} must be a positive number of seconds")
    if max_inputs < 1:
        raise InvalidArgument(f"max_inputs={max_inputs!r} must be at least 1")
    plan = _plan(old, new, old_name, new_name, param_types)
    if isinstance(plan, str):
        return SymbolicSearch(status="unsupported", reason=plan)
    if importlib.util.find_spec("crosshair") is None:
        return SymbolicSearch(
            status="unavailable",
            reason="CrossHair is not installed; install it with: pip install 'assay[symbolic]'",
            annotations=plan,
        )
    call = Call.function(
        "differing_inputs",
        old,
        new,
        old_name,
        new_name,
        list(plan),
        timeout_s * _BUDGET_SHARE,
        max_inputs,
    )
    job = Job(
        source=_SIDE.read_text(encoding="utf-8"),
        calls=(call,),
        limits=Limits(timeout_s=timeout_s, memory_mb=_MEMORY_MB),
        name=f"symbolic {old_name}/{new_name}",
    )
    if sandbox is None:
        with Sandbox(workers=1) as own:
            result = own.run(job)
    else:
        result = sandbox.run(job)
    if not result.import_outcome.ok:
        raise SandboxError(
            f"the symbolic search driver did not load in the sandbox "
            f"({result.import_outcome.status}: {result.import_outcome.exception}); "
            "remedy: check that assay's sandbox runs (assay sandbox doctor)"
        )
    outcome = result.outcomes[0]
    if outcome.status is Status.TIMEOUT:
        return SymbolicSearch(
            status="timeout",
            reason=f"the search did not end within {timeout_s:g} s and was killed",
            seconds=outcome.wall_s,
            annotations=plan,
        )
    if not outcome.ok or not isinstance(outcome.value, str):
        detail = (
            outcome.exception.type + ": " + outcome.exception.message if outcome.exception else ""
        )
        return SymbolicSearch(
            status="failed",
            reason=f"the search ended with {outcome.status}" + (f" ({detail})" if detail else ""),
            seconds=outcome.wall_s,
            annotations=plan,
        )
    return _finished(outcome.value, outcome.wall_s, plan)


def _finished(reply: str, seconds: float, plan: tuple[str, ...]) -> SymbolicSearch:
    """The search's JSON reply as a `SymbolicSearch`, each input parsed back to values."""
    try:
        data = json.loads(reply)
        rows = data["inputs"]
        paths = int(data["paths"])
        exhausted = bool(data["exhausted"])
    except (ValueError, KeyError, TypeError) as error:
        return SymbolicSearch(
            status="failed",
            reason=f"the search's reply is not what its driver writes ({error})",
            seconds=seconds,
            annotations=plan,
        )
    inputs: list[tuple[Any, ...]] = []
    unparsed = 0
    # The checked code ran in the same process as the driver and could have rewritten
    # the reply: take only rows of texts, and parse them as data.
    for row in rows if isinstance(rows, list) else ():
        if not isinstance(row, list) or not all(isinstance(text, str) for text in row):
            unparsed += 1
            continue
        try:
            inputs.append(tuple(literal(text) for text in row))
        except ValueError:
            unparsed += 1
    if inputs:
        status: SearchStatus = "found"
    else:
        status = "exhausted" if exhausted else "none"
    return SymbolicSearch(
        status=status,
        inputs=tuple(inputs),
        paths=paths,
        seconds=seconds,
        annotations=plan,
        unparsed=unparsed,
    )


def _plan(
    old: str,
    new: str,
    old_name: str,
    new_name: str,
    param_types: tuple[str, ...] | list[str] | None,
) -> tuple[str, ...] | str:
    """The parameter types to search with, or why the pair cannot be searched."""
    functions: list[ast.FunctionDef] = []
    for source, name, label in ((old, old_name, "OLD"), (new, new_name, "NEW")):
        try:
            tree = ast.parse(source)
        except SyntaxError as error:
            return f"{label} does not parse ({error.msg}, line {error.lineno})"
        function = next(
            (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None
        )
        if function is None:
            return f"{label} has no top-level function {name!r}"
        lines = (function.end_lineno or function.lineno) - function.lineno + 1
        if lines > MAX_LINES:
            return f"{label}'s {name} has {lines} lines (symbolic search: at most {MAX_LINES})"
        arguments = function.args
        if arguments.vararg or arguments.kwarg or arguments.kwonlyargs:
            return f"{label}'s {name} takes *args, **kwargs or keyword-only parameters"
        functions.append(function)
    old_params = [*functions[0].args.posonlyargs, *functions[0].args.args]
    new_params = [*functions[1].args.posonlyargs, *functions[1].args.args]
    if param_types is not None and len(param_types) != len(old_params):
        raise InvalidArgument(
            f"param_types has {len(param_types)} entries but {old_name} takes "
            f"{len(old_params)} parameters; pass one annotation text per parameter"
        )
    reasons: list[str] = []
    for label, params in (("OLD", old_params), ("NEW", new_params)):
        if len(params) != len(old_params):
            reasons.append(f"NEW takes {len(params)} parameters, OLD {len(old_params)}")
            continue
        texts = _annotations(params)
        if isinstance(texts, tuple):
            return texts
        reasons.append(f"{label}: {texts}")
    if param_types is not None:
        given: list[str] = []
        for param, text in zip(old_params, param_types, strict=True):
            try:
                given.append(_type_text(ast.parse(text, mode="eval").body, 0))
            except (SyntaxError, _Unsupported) as error:
                return f"param_types: {param.arg}: {text!r} is not a supported type ({error})"
        return tuple(given)
    return "; ".join(reasons)


def _annotations(params: list[ast.arg]) -> tuple[str, ...] | str:
    """Every parameter's annotation in the sandbox side's vocabulary, or what is missing."""
    texts: list[str] = []
    for param in params:
        if param.annotation is None:
            return f"parameter {param.arg!r} has no annotation"
        try:
            texts.append(_type_text(param.annotation, 0))
        except _Unsupported as error:
            return f"parameter {param.arg!r}: {error}"
    return tuple(texts)


class _Unsupported(Exception):
    """An annotation outside the types the symbolic search handles (message: which part)."""


def _type_text(node: ast.expr, depth: int) -> str:
    """`node` as a type text of the sandbox side's vocabulary (``list[int]``), or raise."""
    if depth > _MAX_DEPTH:
        raise _Unsupported("nested too deeply")
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        # A quoted annotation (or one under `from __future__ import annotations` written as
        # a string): the same grammar, one level down.
        try:
            inner = ast.parse(node.value, mode="eval").body
        except SyntaxError as error:
            raise _Unsupported(f"{node.value!r} does not parse") from error
        return _type_text(inner, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return f"Union[{_type_text(node.left, depth + 1)}, {_type_text(node.right, depth + 1)}]"
    name = _type_name(node)
    if name in _SCALARS:
        return name
    if name in _CONTAINERS:
        raise _Unsupported(f"{name} without element types")
    if isinstance(node, ast.Subscript):
        base = _type_name(node.value)
        items = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Optional" and len(items) == 1:
            return f"Optional[{_type_text(items[0], depth + 1)}]"
        if base == "Union" and items:
            return "Union[" + ", ".join(_type_text(i, depth + 1) for i in items) + "]"
        container = _CONTAINERS.get(base or "")
        if container == "tuple" and len(items) == 2 and _is_ellipsis(items[1]):
            return f"tuple[{_type_text(items[0], depth + 1)}, ...]"
        if container is not None and (container == "tuple" or len(items) == _ARITY[container]):
            return f"{container}[" + ", ".join(_type_text(i, depth + 1) for i in items) + "]"
    raise _Unsupported(f"type {ast.unparse(node)!r} is not one the symbolic search models")


def _type_name(node: ast.expr) -> str | None:
    """``int`` for ``int``, ``List`` for ``typing.List`` / ``t.List``; None otherwise."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr
    return None


def param_types_of(inputs: Sequence[tuple[Any, ...]]) -> tuple[str, ...] | None:
    """Annotation texts per parameter that cover every concrete input, for `param_types`.

    For functions without annotations (most code, and MBPP's): the inputs the random
    engine already ran say which types the function takes. Returns None when the inputs
    disagree on the number of arguments, or a parameter's values include a type the search
    does not model (then there is nothing honest to search with).
    """
    if not inputs or len({len(args) for args in inputs}) != 1:
        return None
    texts: list[str] = []
    for position in range(len(inputs[0])):
        text = _join([_kind(args[position], 0) for args in inputs])
        if text is None:
            return None
        texts.append(text)
    return tuple(texts)


def _kind(value: Any, depth: int) -> str | None:
    """The type text of one value (``list[int]``), None for ``[]`` (any element) and for
    types the search does not model; raises nothing."""
    if depth > _MAX_DEPTH:
        return _UNKNOWN
    if value is None:
        return "None"
    if isinstance(value, (bool, int, float, str, bytes)):
        return type(value).__name__
    if isinstance(value, (list, set, frozenset)):
        name = {list: "list", set: "set", frozenset: "frozenset"}.get(type(value))
        if name is None:
            return _UNKNOWN
        element = _join([_kind(item, depth + 1) for item in value])
        return None if element is None else f"{name}[{element}]"
    if type(value) is tuple:
        parts = [_kind(item, depth + 1) for item in value]
        if any(part is None or part == _UNKNOWN for part in parts):
            return None
        return "tuple[" + ", ".join(str(part) for part in parts) + "]" if parts else None
    if type(value) is dict:
        keys = _join([_kind(key, depth + 1) for key in value])
        values = _join([_kind(item, depth + 1) for item in value.values()])
        return None if keys is None or values is None else f"dict[{keys}, {values}]"
    return _UNKNOWN


def _join(kinds: list[str | None]) -> str | None:
    """One type text covering all of `kinds` (a union when they differ); None when any is
    unmodelled or nothing is known."""
    known = [kind for kind in kinds if kind is not None]
    if _UNKNOWN in known or not known:
        return None
    distinct = list(dict.fromkeys(known))
    # Containers of the same kind whose element types differ (list[int], list[str]) would
    # need a union inside; a union of both containers says the same and stays readable.
    if len(distinct) == 1:
        return distinct[0]
    if "None" in distinct:
        rest = _join([kind for kind in distinct if kind != "None"])
        return None if rest is None else f"Optional[{rest}]"
    return "Union[" + ", ".join(distinct) + "]"


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def literal(text: str) -> Any:
    """The value a ``repr`` text of plain data spells, without evaluating code.

    Beyond `ast.literal_eval`: ``nan``, ``inf`` (float reprs), ``set()`` and
    ``frozenset({...})``. Raises ValueError for anything else.
    """
    if len(text) > _MAX_REPR:
        raise ValueError(f"repr of {len(text)} characters (at most {_MAX_REPR})")
    try:
        node = ast.parse(text, mode="eval").body
    except (SyntaxError, RecursionError, MemoryError) as error:
        raise ValueError(f"{text[:80]!r} is not a Python literal") from error
    try:
        return _value(node, 0)
    except (TypeError, RecursionError) as error:  # an unhashable set element or dict key
        raise ValueError(f"{text[:80]!r}: {error}") from error


def _value(node: ast.expr, depth: int) -> Any:
    if depth > _MAX_DEPTH * 4:
        raise ValueError("literal nested too deeply")
    if isinstance(node, ast.Constant) and not isinstance(node.value, type(Ellipsis)):
        return node.value
    if isinstance(node, ast.Name) and node.id in ("nan", "inf"):
        return float(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _value(node.operand, depth + 1)
        if isinstance(operand, (int, float, complex)) and not isinstance(operand, bool):
            return -operand if isinstance(node.op, ast.USub) else operand
        raise ValueError(f"sign applied to {type(operand).__name__}")
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        # complex reprs: (1+2j)
        left, right = _value(node.left, depth + 1), _value(node.right, depth + 1)
        if isinstance(left, (int, float)) and isinstance(right, complex):
            return left + right if isinstance(node.op, ast.Add) else left - right
        raise ValueError("arithmetic other than a complex literal")
    if isinstance(node, ast.Tuple):
        return tuple(_value(item, depth + 1) for item in node.elts)
    if isinstance(node, ast.List):
        return [_value(item, depth + 1) for item in node.elts]
    if isinstance(node, ast.Set):
        return {_value(item, depth + 1) for item in node.elts}
    if isinstance(node, ast.Dict):
        if any(key is None for key in node.keys):
            raise ValueError("dict unpacking in a literal")
        return {
            _value(key, depth + 1): _value(value, depth + 1)
            for key, value in zip(node.keys, node.values, strict=True)
            if key is not None
        }
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("set", "frozenset")
        and not node.keywords
        and len(node.args) <= 1
    ):
        items = _value(node.args[0], depth + 1) if node.args else ()
        if not isinstance(items, (set, list, tuple)):
            raise ValueError(f"{node.func.id}() of {type(items).__name__}")
        return set(items) if node.func.id == "set" else frozenset(items)
    raise ValueError(f"{ast.unparse(node)[:80]!r} is not plain data")
