"""Except-handler helpers shared by AS401 and AS402: broad handlers, and handlers that
only skip a loop item."""

from __future__ import annotations

import ast

from assay.rules._context import Context
from assay.syntax import dotted_name

__all__ = [
    "BROAD",
    "best_effort_cleanup",
    "enclosing_loop",
    "handler_text",
    "is_broad",
    "skips_item",
]


BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_CLEANUP_WORDS = (
    "close", "remove", "unlink", "rmtree", "rmdir", "kill", "terminate", "cancel", "shutdown",
    "cleanup", "clean_up", "release", "disconnect", "stop", "join", "wait", "flush", "delete",
)  # fmt: skip


def best_effort_cleanup(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """``try: os.remove(tmp) except Exception: pass``: the try only cleans up (closing each
    of several files, too), where one failure must not stop the others."""
    statement = ctx.parent(handler)
    if not isinstance(statement, ast.Try) or len(statement.body) != 1:
        return False
    only = statement.body[0]
    if not isinstance(only, ast.Expr) or not isinstance(only.value, ast.Call):
        return False
    func = only.value.func
    dotted = dotted_name(func) or (func.attr if isinstance(func, ast.Attribute) else "")
    name = dotted.rsplit(".", 1)[-1].lower()
    return any(word in name for word in _CLEANUP_WORDS)


def is_broad(ctx: Context, handler: ast.ExceptHandler) -> str | None:
    """``"bare except"``, ``"Exception"`` or ``"BaseException"`` when the handler is broad."""
    if handler.type is None:
        return "bare except"
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for kind in kinds:
        name = ctx.qualname(kind) or dotted_name(kind) or ""
        if name in BROAD:
            return name.rsplit(".", 1)[-1]
    return None


def enclosing_loop(ctx: Context, node: ast.AST) -> ast.For | ast.AsyncFor | ast.While | None:
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.For, ast.AsyncFor, ast.While)):
            return ancestor
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return None
    return None


def skips_item(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """The handler only moves on to the next loop iteration (``continue``, or ``pass`` as
    the last statement of the loop body)."""
    body = handler.body
    if len(body) != 1:
        return False
    if isinstance(body[0], ast.Continue):
        return enclosing_loop(ctx, handler) is not None
    if not isinstance(body[0], ast.Pass):
        return False
    loop = enclosing_loop(ctx, handler)
    if loop is None:
        return False
    statement = ctx.parent(handler)
    return statement is not None and bool(loop.body) and loop.body[-1] is statement


def handler_text(handler: ast.ExceptHandler, broad: str) -> str:
    return "except:" if broad == "bare except" else f"except {broad}:"
