"""AS502 list-pop-front-in-loop: ``list.pop(0)`` or ``list.insert(0, x)`` inside a loop."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.performance._loops import (
    bindings_of,
    enclosing_loop,
    is_list_value,
    loop_finding,
    scope_of,
)

__all__ = ["list_pop_front_in_loop"]


@rule(
    id="AS502",
    name="list-pop-front-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Call,),
)
def list_pop_front_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """``list.pop(0)`` or ``list.insert(0, x)`` inside a loop.

    ## What it finds
    Removing or inserting at the front of a list in a loop, when the receiver is a list (or
    an unannotated parameter) and not a ``collections.deque``. Every such call shifts all
    remaining elements, so draining a list this way is quadratic. ``pop()`` from the end and
    ``deque.popleft()`` stay silent.

    ## Why it matters for AI-written code
    Breadth-first searches and work queues written by assistants very often use a list as a
    queue; the result is correct and slow on large graphs.

    ## Example
    ```python
    def bfs(graph, start):
        queue = [start]
        order = []
        while queue:
            node = queue.pop(0)
            order.append(node)
            queue.extend(graph[node])
        return order
    ```

    ## Use instead
    ```python
    from collections import deque


    def bfs(graph, start):
        queue = deque([start])
        order = []
        while queue:
            node = queue.popleft()
            order.append(node)
            queue.extend(graph[node])
        return order
    ```
    """
    if not isinstance(node, ast.Call):
        return
    func = node.func
    if not isinstance(func, ast.Attribute) or not node.args:
        return
    first = node.args[0]
    front = (
        isinstance(first, ast.Constant) and first.value == 0 and not isinstance(first.value, bool)
    )
    if not front or func.attr not in {"pop", "insert"}:
        return
    if func.attr == "pop" and len(node.args) != 1:
        return
    loop = enclosing_loop(node, ctx)
    if loop is None or not _list_or_untyped_parameter(func.value, ctx):
        return
    label = ctx.segment(func.value)
    yield loop_finding(
        ctx,
        node,
        loop,
        f"{label}.{func.attr}(0{', ...' if func.attr == 'insert' else ''}) in a loop shifts "
        "every element each time (quadratic)",
        "use collections.deque and popleft()/appendleft()",
        # Draining or filling a list from the front is quadratic in that list alone.
        always_warn=True,
        collection=label,
    )


def _list_or_untyped_parameter(expr: ast.AST, ctx: Context) -> bool:
    if not isinstance(expr, ast.Name):
        return False
    bindings = bindings_of(scope_of(expr, ctx), expr.id)
    if not bindings:
        return False
    for binding, value in bindings:
        if isinstance(binding, ast.arg) and value is None:
            continue
        if not is_list_value(value):
            return False
    return True
