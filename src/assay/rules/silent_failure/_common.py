"""AST helpers shared by several silent-failure rules: made-up default values, parameters
and decorators."""

from __future__ import annotations

import ast

from assay.rules._context import Context
from assay.syntax import call_name, dotted_name

__all__ = [
    "EXEMPT_DECORATORS",
    "FunctionNode",
    "decorator_names",
    "describe",
    "is_default_value",
    "nested_names",
    "parameter_names",
]


FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def is_default_value(expr: ast.AST | None) -> bool:
    """None, a literal, an empty or literal container, ``list()``/``dict()``...: data that
    looks like a result but was made up by the handler."""
    if expr is None:
        return True
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return all(is_default_value(e) for e in expr.elts)
    if isinstance(expr, ast.Dict):
        return all(v is not None and is_default_value(v) for v in expr.values)
    if isinstance(expr, ast.Call) and not expr.args and not expr.keywords:
        return call_name(expr) in {"list", "dict", "set", "tuple", "str", "frozenset"}
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.operand, ast.Constant):
        return True
    return False


def describe(expr: ast.AST | None, ctx: Context) -> str:
    return "None" if expr is None else ctx.segment(expr)


def parameter_names(function: FunctionNode) -> list[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return [a.arg for a in every if a.arg not in {"self", "cls"} and not a.arg.startswith("_")]


def nested_names(function: FunctionNode) -> set[str]:
    return {
        n.id
        for n in ast.walk(function)
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)
    }


EXEMPT_DECORATORS = frozenset(
    {"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod",
     "overload", "override"}
)  # fmt: skip


def decorator_names(function: FunctionNode) -> set[str]:
    names: set[str] = set()
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        dotted = dotted_name(target) or ""
        names.add(dotted.rsplit(".", 1)[-1])
    return names
