"""AS505 list-index-in-loop: ``list.index(x)`` or ``list.count(x)`` inside a loop."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.performance._loops import enclosing_loop, list_bound_outside, loop_finding

__all__ = ["list_index_in_loop"]


@rule(
    id="AS505",
    name="list-index-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Call,),
)
def list_index_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """``list.index(x)`` or ``list.count(x)`` inside a loop.

    ## What it finds
    A linear search (``.index`` / ``.count``) on a list bound outside a loop over the input.
    Searches in strings and in small constant lists stay silent.

    ## Why it matters for AI-written code
    Assistants reach for ``.index`` to find positions ("where is this id in the list?") in
    every iteration, instead of building a position map once.

    ## Example
    ```python
    def positions(ids, order):
        order = list(order)
        return [order.index(i) for i in ids]
    ```

    ## Use instead
    ```python
    def positions(ids, order):
        where = {value: index for index, value in enumerate(order)}
        return [where[i] for i in ids]
    ```
    """
    if not isinstance(node, ast.Call):
        return
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in {"index", "count"}:
        return
    loop = enclosing_loop(node, ctx)
    if loop is None or not list_bound_outside(func.value, loop, ctx):
        return
    label = ctx.segment(func.value)
    yield loop_finding(
        ctx,
        node,
        loop,
        f"{label}.{func.attr}() scans the list on every iteration of the loop (quadratic)",
        "build a dict (value -> index) or a collections.Counter once, before the loop",
        collection=label,
    )
