"""What web handlers look like to the security rules: the routes of a module, their paths
and methods, the decorators on them and what they hand back to the client."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import TypeAlias

from assay.rules._context import Context
from assay.rules._support.dataflow import is_route
from assay.rules._support.naming import words
from assay.syntax import own_nodes

Function: TypeAlias = "ast.FunctionDef | ast.AsyncFunctionDef"

#: Decorator names that are HTTP methods (``@app.post``, ``@router.delete``).
_METHOD_DECORATORS = frozenset({"get", "post", "put", "delete", "patch"})
#: Methods that change state on the server.
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def routes(tree: ast.Module) -> Iterator[Function]:
    """Every route-decorated function of the module, in source order."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_route(node):
            yield node


def decorator_name(decorator: ast.AST) -> str:
    """``login_required`` for ``@login_required``, ``@auth.login_required`` and
    ``@login_required(role="x")``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Name):
        return target.id
    return ""


def route_paths_and_methods(function: Function) -> tuple[list[str], set[str]]:
    """The URL rules of a route and the HTTP methods it answers (GET when none is named)."""
    paths: list[str] = []
    methods: set[str] = set()
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call):
            continue
        name = decorator_name(decorator)
        if name in _METHOD_DECORATORS:
            methods.add(name.upper())
        if decorator.args and isinstance(decorator.args[0], ast.Constant):
            if isinstance(decorator.args[0].value, str):
                paths.append(decorator.args[0].value)
        for keyword in decorator.keywords:
            if keyword.arg == "methods" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                methods.update(
                    e.value.upper()
                    for e in keyword.value.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                )
    return paths, methods or {"GET"}


def returned_values(function: Function) -> list[ast.expr]:
    """The expressions `function` returns (not those of nested functions)."""
    values = [n.value for n in own_nodes(function.body) if isinstance(n, ast.Return) and n.value]
    return sorted(values, key=lambda v: (v.lineno, v.col_offset))


def name_words(*names: str) -> set[str]:
    """The lower-case words of all `names` together (``change_email`` -> change, email)."""
    found: set[str] = set()
    for name in names:
        found.update(words(name))
    return found


def source_mentions(ctx: Context, pattern: re.Pattern[str]) -> bool:
    """Whether the file's text matches `pattern`, computed once per file: a cheap test that
    lets a rule skip files that cannot hold what it looks for."""
    return ctx.memo(
        (source_mentions, pattern.pattern), lambda: pattern.search(ctx.source) is not None
    )


#: A route decorator anywhere in the file (``@app.route(``, ``@router.get(``).
ROUTE_DECORATOR = re.compile(r"@\w+(?:\.\w+)*\.(?:route|get|post|put|delete|patch|api_route)\(")
