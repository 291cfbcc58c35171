"""The sandbox side of `assay.behaviour.diff.symbolic`: CrossHair's behaviour-diff search.

This file is not imported by assay: `symbolic.py` sends its text as the source of a sandbox
job, and the job calls `differing_inputs`. It imports only the standard library and
CrossHair, inside the isolation boundary, since the search runs the two versions of the
checked code (on symbolic values, but their own code all the same).

What comes back is one JSON string (plain data): the arguments of each input on which the
versions behaved differently, as ``repr`` texts in parameter order, and how the search ended.
The trusted side parses the texts without evaluating code and confirms every input by a
concrete run of its own.

CrossHair internals used (the version is pinned in pyproject.toml for that reason):
``diff_behavior_with_signature`` (the per-ordering search that ``crosshair diffbehavior``
runs twice), and the ``process_time`` both ``crosshair.core`` and ``crosshair.statespace``
read their deadlines from.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import sys
import time
import types
import typing
from collections import Counter
from collections.abc import Callable
from typing import Any

#: The names an annotation text may use: `symbolic.py` writes them in this vocabulary only.
_TYPE_NAMES: dict[str, Any] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "bytes": bytes,
    "None": None,
    "list": list,
    "dict": dict,
    "tuple": tuple,
    "set": set,
    "frozenset": frozenset,
    "Optional": typing.Optional,
    "Union": typing.Union,
}


def _load(source: str, module_name: str, function_name: str) -> Callable[..., Any]:
    """Execute `source` as a fresh module and return its function `function_name`."""
    module = types.ModuleType(module_name)
    # CrossHair and inspect look functions' modules up by name.
    sys.modules[module_name] = module
    # Inside the sandbox: the search runs the checked code by design.
    code = compile(source, f"<{module_name}>", "exec")
    exec(code, module.__dict__)  # nosec B102  # assay: ignore[AS306]
    function = module.__dict__.get(function_name)
    if not callable(function):
        raise NameError(f"{module_name} defines no function {function_name!r}")
    return typing.cast(Callable[..., Any], function)


def _signature(function: Callable[..., Any], annotations: list[str]) -> inspect.Signature:
    """`function`'s parameters, annotated with the given texts, in order."""
    parameters = list(inspect.signature(function).parameters.values())
    if len(parameters) != len(annotations):
        raise TypeError(f"{len(parameters)} parameters but {len(annotations)} annotations")
    annotated = [
        parameter.replace(annotation=_type(ast.parse(text, mode="eval").body))
        for parameter, text in zip(parameters, annotations, strict=True)
    ]
    return inspect.Signature(annotated)


def _type(node: ast.expr) -> Any:
    """The type an annotation text of `_TYPE_NAMES`' vocabulary names (``list[int]``),
    built from its syntax tree: nothing is evaluated."""
    if isinstance(node, ast.Constant) and node.value in (None, Ellipsis):
        return node.value
    if isinstance(node, ast.Name) and node.id in _TYPE_NAMES:
        return _TYPE_NAMES[node.id]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        arguments = tuple(_type(item) for item in items)
        return _TYPE_NAMES[node.value.id][arguments if len(arguments) > 1 else arguments[0]]
    raise TypeError(f"not an annotation of the symbolic search: {ast.unparse(node)}")


def _wall_clock_deadlines() -> str:
    """Make CrossHair's time budgets wall-clock seconds.

    CrossHair measures its per-condition and per-path budgets in CPU time; on a loaded
    machine that lets a search of N budgeted seconds take several times N on the wall
    clock, past the sandbox's hard limit, which would lose every input found so far. Both
    modules that compare against those deadlines read ``process_time`` from their own
    globals, so replacing it there keeps the two consistent.
    """
    import crosshair.core
    import crosshair.statespace

    modules = (crosshair.core, crosshair.statespace)
    if all(hasattr(module, "process_time") for module in modules):
        for module in modules:
            module.process_time = time.monotonic  # type: ignore[attr-defined]
        return "wall"
    return "cpu"


def differing_inputs(
    old_source: str,
    new_source: str,
    old_name: str,
    new_name: str,
    annotations: list[str],
    budget_s: float,
    max_inputs: int,
) -> str:
    """Search for inputs on which `old_name` and `new_name` behave differently.

    Both orderings of the two functions are searched (as ``crosshair diffbehavior`` does:
    the first function's branches are explored first, so each ordering reaches paths the
    other may not within the budget); the second only when the first found nothing and did
    not exhaust its paths.
    Returns JSON: ``{"inputs": [[repr, ...], ...], "paths": n, "exhausted": bool,
    "nondeterministic": n, "seconds": s, "clock": "wall" | "cpu"}``.
    """
    started = time.monotonic()
    # Registers CrossHair's opcode patches and its models of builtins and the standard
    # library; the search refuses to start without them.
    import crosshair.core_and_libs  # noqa: F401
    from crosshair.diff_behavior import ExceptionEquivalenceType, diff_behavior_with_signature
    from crosshair.options import DEFAULT_OPTIONS

    clock = _wall_clock_deadlines()
    old_function = _load(old_source, "_assay_symbolic_old", old_name)
    new_function = _load(new_source, "_assay_symbolic_new", new_name)
    signature = _signature(old_function, annotations)
    names = list(signature.parameters)
    # A path may overrun the condition budget by one path's time: keep both inside it.
    per_path = max(0.25, min(2.0, budget_s / 8))
    stats: Counter[str] = Counter()
    nondeterministic = 0

    def on_nondeterminism() -> None:
        nonlocal nondeterministic
        nondeterministic += 1

    found: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    exhausted = 0
    orderings = ((old_function, new_function), (new_function, old_function))
    for index, (first, second) in enumerate(orderings):
        remaining = budget_s - (time.monotonic() - started) - per_path
        if remaining <= 0:
            break
        # The first ordering gets half of what is left; the second, everything left.
        share = remaining / 2 if index == 0 else remaining
        options = dataclasses.replace(
            DEFAULT_OPTIONS,
            per_condition_timeout=share,
            per_path_timeout=min(per_path, share),
            stats=stats,
        )
        before = stats["exhaustion"]
        diffs = diff_behavior_with_signature(
            first,
            second,
            signature,
            options,
            ExceptionEquivalenceType.SAME_TYPE,
            on_nondeterminism,
        )
        exhausted += stats["exhaustion"] - before
        for diff in diffs:
            row = [diff.args[name] for name in names]
            if tuple(row) not in seen:
                seen.add(tuple(row))
                found.append(row)
        # Exhausted paths without a difference: the other ordering would walk the same ones.
        if found or stats["exhaustion"] > before:
            break
    found.sort(key=lambda row: sum(len(text) for text in row))
    return json.dumps(
        {
            "inputs": found[:max_inputs],
            "paths": stats["num_paths"],
            "exhausted": exhausted > 0,
            "nondeterministic": nondeterministic,
            "seconds": round(time.monotonic() - started, 3),
            "clock": clock,
        }
    )
