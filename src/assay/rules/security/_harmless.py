"""Why a Bandit result's sink is harmless, when the call's own syntax shows it.

These explanations never silence a Bandit MEDIUM/HIGH result (issue 21: it stays at least a
warning); they cap it at that floor, lower its confidence and say why in the evidence, so a
reviewer reads the reason next to the pattern match. Each check looks only at the flagged
expression and its immediate syntactic context, never at identifiers' names.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from assay.rules._context import Context
from assay.rules.security._bandit import BanditIssue

#: Functions that HTML-escape their argument (their result is safe to mark as markup).
_ESCAPES = frozenset(
    {"markupsafe.escape", "jinja2.escape", "html.escape", "markupsafe.Markup.escape"}
)


def _node_at(ctx: Context, issue: BanditIssue, kind: type[ast.AST]) -> ast.AST | None:
    """The `kind` node Bandit reported (its line and column), if there is one."""
    for node in ast.walk(ctx.tree):
        if (
            isinstance(node, kind)
            and getattr(node, "lineno", None) == issue.line
            and getattr(node, "col_offset", None) == issue.col
        ):
            return node
    return None


def _is_escape(ctx: Context, call: ast.Call) -> bool:
    return (ctx.qualname(call.func) or "") in _ESCAPES


def _escaped_text(ctx: Context, expr: ast.AST) -> bool:
    """True when `expr` is assembled only from string constants and escape() results."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, ast.JoinedStr):
        return all(_escaped_text(ctx, part) for part in expr.values)
    if isinstance(expr, ast.FormattedValue):
        return _escaped_text(ctx, expr.value)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return _escaped_text(ctx, expr.left) and _escaped_text(ctx, expr.right)
    if isinstance(expr, (ast.Tuple, ast.List)):
        return all(_escaped_text(ctx, element) for element in expr.elts)
    if isinstance(expr, ast.IfExp):
        return _escaped_text(ctx, expr.body) and _escaped_text(ctx, expr.orelse)
    if isinstance(expr, (ast.GeneratorExp, ast.ListComp)):
        return _escaped_text(ctx, expr.elt)
    if isinstance(expr, ast.Call):
        if _is_escape(ctx, expr):
            return True
        func = expr.func
        # "sep".join(parts) / "<b>{}</b>".format(parts): constant text around escaped parts
        if (
            isinstance(func, ast.Attribute)
            and func.attr in {"join", "format"}
            and isinstance(func.value, ast.Constant)
            and isinstance(func.value.value, str)
        ):
            arguments = [*expr.args, *(k.value for k in expr.keywords)]
            return bool(arguments) and all(_escaped_text(ctx, a) for a in arguments)
    return False


def _markup_of_escaped_text(ctx: Context, issue: BanditIssue) -> str | None:
    call = _node_at(ctx, issue, ast.Call)
    if not isinstance(call, ast.Call) or len(call.args) != 1:
        return None
    if _escaped_text(ctx, call.args[0]):
        return "the text marked safe is built only from string constants and escape() results"
    return None


def _address_compared(ctx: Context, issue: BanditIssue) -> str | None:
    literal = _node_at(ctx, issue, ast.Constant)
    parent = ctx.parent(literal) if literal is not None else None
    # host == "0.0.0.0", or host in ("0.0.0.0", "::"): a test of a value, not a bind
    if isinstance(parent, (ast.Tuple, ast.List, ast.Set)):
        parent = ctx.parent(parent)
    if isinstance(parent, ast.Compare):
        return "the address is only compared with a value here, nothing is bound to it"
    return None


_EXPLAINERS: dict[str, Callable[[Context, BanditIssue], str | None]] = {
    "B704": _markup_of_escaped_text,
    "B104": _address_compared,
}


def why_harmless(ctx: Context, issue: BanditIssue) -> str | None:
    """Why the flagged expression of `issue` cannot be exploited, or None when nothing in
    its syntax shows that."""
    explainer = _EXPLAINERS.get(issue.test_id)
    return explainer(ctx, issue) if explainer is not None else None
