"""What a stub body looks like (`pass`, `...`, `raise NotImplementedError`, a TODO return):
shared by AS403, which reports stubs, and AS404, which leaves them to AS403."""

from __future__ import annotations

import ast
import io
import re
import tokenize

from assay.rules._context import Context
from assay.rules.silent_failure._common import (
    FunctionNode,
    describe,
    is_default_value,
    nested_names,
    parameter_names,
)
from assay.syntax import dotted_name

__all__ = ["body_without_docstring", "stub_kind"]


_TODO = re.compile(r"#.*\b(TODO|FIXME|XXX|HACK|implement|placeholder|stub)\b", re.IGNORECASE)


def _comment_lines(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # The file parsed with ast; a tokenizer disagreement only loses TODO comments.
        return comments
    return comments


def body_without_docstring(function: FunctionNode) -> list[ast.stmt]:
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            body = body[1:]
    return body


def _has_todo(ctx: Context, function: FunctionNode) -> bool:
    comments = ctx.memo(_comment_lines, lambda: _comment_lines(ctx.source))
    end = function.end_lineno or function.lineno
    return any(_TODO.search(comments[n]) for n in range(function.lineno, end + 1) if n in comments)


def stub_kind(ctx: Context, function: FunctionNode) -> str | None:
    body = body_without_docstring(function)
    if len(body) != 1:
        return None
    only = body[0]
    if isinstance(only, ast.Pass):
        return "pass"
    if isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant):
        if only.value.value is Ellipsis:
            return "..."
    if isinstance(only, ast.Raise) and only.exc is not None:
        raised = only.exc.func if isinstance(only.exc, ast.Call) else only.exc
        if dotted_name(raised) in {"NotImplementedError", "builtins.NotImplementedError"}:
            return "raise NotImplementedError"
    if isinstance(only, ast.Return) and is_default_value(only.value) and _has_todo(ctx, function):
        return f"return {describe(only.value, ctx)} with a TODO"
    if isinstance(only, ast.Return) and _is_none(only.value) and _promises_a_value(function):
        return "return None, though annotated to return a value"
    return None


def _is_none(expr: ast.expr | None) -> bool:
    return expr is None or (isinstance(expr, ast.Constant) and expr.value is None)


def _promises_a_value(function: FunctionNode) -> bool:
    """Annotated with a return type other than None, with parameters it never reads."""
    returns = function.returns
    if returns is None or (isinstance(returns, ast.Constant) and returns.value is None):
        return False
    if isinstance(returns, ast.Name) and returns.id in {"None", "NoReturn", "Never"}:
        return False
    parameters = set(parameter_names(function))
    return bool(parameters) and not parameters & nested_names(function)
