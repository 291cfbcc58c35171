"""Functions whose every return is literal data: shared by AS404 and by its sandboxed
confirmation in `assay.behaviour.stages.constant_output` (AS408)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.rules.silent_failure._common import (
    EXEMPT_DECORATORS,
    FunctionNode,
    decorator_names,
    is_default_value,
    nested_names,
    parameter_names,
)
from assay.syntax import dotted_name, own_nodes

__all__ = ["all_returns_literal", "hardcoded_candidates"]


def _literal_data(expr: ast.AST | None) -> bool:
    """A literal that looks like real data: numbers, text, non-empty containers of them."""
    if expr is None:
        return False
    if isinstance(expr, ast.Constant):
        return expr.value is not None and expr.value is not Ellipsis
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return bool(expr.elts) and all(_literal_data(e) or is_default_value(e) for e in expr.elts)
    if isinstance(expr, ast.Dict):
        return bool(expr.values) and all(
            v is not None and (_literal_data(v) or is_default_value(v)) for v in expr.values
        )
    if isinstance(expr, ast.UnaryOp):
        return isinstance(expr.operand, ast.Constant)
    if isinstance(expr, ast.Call) and (expr.args or expr.keywords):
        # Decimal("1.08"), datetime(2024, 1, 1), Forecast("London", 18.5): a value object
        # built from literals only is literal data too.
        name = (dotted_name(expr.func) or "").rsplit(".", 1)[-1]
        arguments = [*expr.args, *(k.value for k in expr.keywords)]
        return (name[:1].isupper() or name in _VALUE_FUNCTIONS) and all(
            _literal_data(a) or is_default_value(a) for a in arguments
        )
    return False


_VALUE_FUNCTIONS = frozenset(
    {"float", "int", "str", "complex", "datetime", "date", "time", "timedelta", "dict",
     "list", "tuple", "set", "frozenset", "bytes"}
)  # fmt: skip


def all_returns_literal(function: FunctionNode) -> bool:
    """At least one return, and every return of the function's own body is literal data."""
    seen = False
    for node in own_nodes(function.body):
        if isinstance(node, ast.Return):
            if not _literal_data(node.value):
                return False
            seen = True
    return seen


def hardcoded_candidates(tree: ast.Module) -> Iterator[tuple[FunctionNode, list[str]]]:
    """Functions whose every return is literal data while no parameter is read.

    Used by AS404 and by its sandboxed confirmation.
    """
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        parameters = parameter_names(node)
        if not parameters or not all_returns_literal(node) or _only_flags(node):
            continue
        if decorator_names(node) & EXEMPT_DECORATORS:
            continue
        used = {n.id for n in own_nodes(node.body) if isinstance(n, ast.Name)} | nested_names(node)
        if used & set(parameters):
            continue
        yield node, parameters


def _only_flags(function: FunctionNode) -> bool:
    """Every return is True or False: a hook or default policy (``is_allowed() -> True``)."""
    return all(
        isinstance(n.value, ast.Constant) and isinstance(n.value.value, bool)
        for n in own_nodes(function.body)
        if isinstance(n, ast.Return)
    )
