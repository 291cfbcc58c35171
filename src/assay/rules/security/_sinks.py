"""Following a value from where it comes from (request, input, parameter) to the sink
where it does harm, through local assignments and the checks that guard it."""

from __future__ import annotations

import ast
from typing import Any

from assay.rules._context import Context
from assay.rules._support.dataflow import Flow, FunctionFlow, SourceKind, module_flows

_ANY_KIND: tuple[SourceKind, ...] = ("request", "input", "param", "call")
_REQUEST: tuple[SourceKind, ...] = ("request",)
_USER: tuple[SourceKind, ...] = ("request", "input", "param")
#: Data from outside the program only (a parameter may be something the caller wrote).
_OUTSIDE: tuple[SourceKind, ...] = ("request", "input")


def _flow_of(ctx: Context, expr: ast.AST, at: ast.AST) -> tuple[Flow, FunctionFlow]:
    flows = module_flows(ctx).of(at)
    return flows.flow(expr, getattr(at, "lineno", None)), flows


def _names_in(expr: ast.AST, flows: FunctionFlow, line: int, depth: int = 3) -> set[str]:
    """Names whose values reach `expr`, following local assignments a few steps back."""
    found: set[str] = set()
    frontier = [expr]
    for _ in range(depth):
        following: list[ast.AST] = []
        for item in frontier:
            for node in ast.walk(item):
                if isinstance(node, ast.Name) and node.id not in found:
                    found.add(node.id)
                    following.extend(flows.assigned_values(node.id, line))
        frontier = following
    return found


def _guarded(expr: ast.AST, flows: FunctionFlow, line: int) -> bool:
    return any(flows.guarded(name, line) for name in _names_in(expr, flows, line))


def _tainted(
    ctx: Context, expr: ast.AST, at: ast.AST, kinds: tuple[SourceKind, ...]
) -> tuple[Flow, FunctionFlow] | None:
    if isinstance(expr, ast.Constant):
        return None  # a literal carries no source: no need to build the module's flows
    flow, flows = _flow_of(ctx, expr, at)
    if not flow.from_kinds(kinds) or _guarded(expr, flows, getattr(at, "lineno", 0)):
        return None
    return flow, flows


def _built_at(expr: ast.AST, flows: FunctionFlow, line: int) -> set[int]:
    """Lines of the local assignments that feed `expr`."""
    lines: set[int] = set()
    for name in _names_in(expr, flows, line):
        for value in flows.assigned_values(name, line):
            start: int = getattr(value, "lineno", 0)
            end: int = getattr(value, "end_lineno", None) or start
            lines.update(range(start, end + 1))
    return lines


def _flow_evidence(flow: Flow, kinds: tuple[SourceKind, ...]) -> dict[str, Any]:
    return flow.evidence(kinds)


def _source_text(flow: Flow, kinds: tuple[SourceKind, ...]) -> str:
    sources = flow.from_kinds(kinds)
    return sources[0].description if sources else "a non-constant value"


def _construction(ctx: Context, expr: ast.AST, flows: FunctionFlow, line: int) -> str:
    """The source of `expr`, or of what was last assigned to it when it is a name."""
    if isinstance(expr, ast.Name):
        values = flows.assigned_values(expr.id, line)
        if values:
            return f"{expr.id} = {ctx.segment(values[-1])}"
    return ctx.segment(expr)
