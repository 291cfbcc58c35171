"""AS502 list-pop-front-in-loop: ``list.pop(0)`` or ``list.insert(0, x)`` inside a loop."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.performance._loops import (
    LoopNode,
    bindings_of,
    enclosing_loop,
    is_inside,
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
    remaining elements, so draining a list this way is quadratic. It fires when the loop runs
    as long as the list does: a ``for`` loop filling or draining one list kept across its
    items, or a ``while`` loop whose condition reads the list (``while queue:``) or drains
    another collection; one finding per list and loop. ``pop()`` from the end,
    ``deque.popleft()``, a list rebuilt for each item of the loop, and a ``while`` loop that
    walks a linked structure (``while node: path.insert(0, node); node = node.parent``, one
    shift per link) stay silent.

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
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return
    func = node.func
    name = _front_call(node)
    if name is None:
        return
    loop = enclosing_loop(node, ctx)
    if loop is None or not _list_or_untyped_parameter(func.value, ctx):
        return
    if not _grows_with_the_loop(name, loop, ctx):
        return
    same = _front_calls(name, loop, ctx)
    if same and same[0] is not node:
        return  # one finding per list and loop: the first call stands for the others
    label = ctx.segment(func.value)
    more = f" (and {len(same) - 1} more on {label} in this loop)" if len(same) > 1 else ""
    yield loop_finding(
        ctx,
        node,
        loop,
        f"{label}.{func.attr}(0{', ...' if func.attr == 'insert' else ''}) in a loop shifts "
        f"every element each time (quadratic){more}",
        "use collections.deque and popleft()/appendleft()",
        # Draining or filling a list from the front is quadratic in that list alone.
        always_warn=True,
        collection=label,
        calls=[c.lineno for c in same],
    )


def _front_call(node: ast.AST) -> str | None:
    """The receiver's name of ``<name>.pop(0)`` / ``<name>.insert(0, x)``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
        return None
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and first.value == 0):
        return None
    if isinstance(first.value, bool) or node.func.attr not in {"pop", "insert"}:
        return None
    if node.func.attr == "pop" and len(node.args) != 1:
        return None
    return node.func.value.id if isinstance(node.func.value, ast.Name) else None


def _front_calls(name: str, loop: LoopNode, ctx: Context) -> list[ast.Call]:
    """Front operations on `name` that `loop` repeats, in source order."""
    loop_node: ast.AST = ctx.parent(loop) or loop if isinstance(loop, ast.comprehension) else loop
    calls = [
        n
        for n in ast.walk(loop_node)
        if isinstance(n, ast.Call) and _front_call(n) == name and enclosing_loop(n, ctx) is loop
    ]
    return sorted(calls, key=lambda c: (c.lineno, c.col_offset))


def _grows_with_the_loop(name: str, loop: LoopNode, ctx: Context) -> bool:
    """The loop runs as long as the list does: a ``for`` loop that keeps one list across its
    items (not one rebuilt per item, where each list gets a single front operation), or a
    ``while`` loop whose condition reads the list itself (``while queue:``,
    ``while len(parts) > 1``) or drains another collection. A ``while`` loop walking a linked
    structure (``while node: path.insert(0, node); node = node.parent``) repeats once per
    link, a bound unrelated to the list, and stays silent."""
    loop_node: ast.AST = ctx.parent(loop) or loop if isinstance(loop, ast.comprehension) else loop
    if any(is_inside(b, loop_node) for b, _ in bindings_of(scope_of(loop_node, ctx), name)):
        return False  # the list is rebuilt for each item of this loop
    if not isinstance(loop, ast.While):
        return True
    read = {n.id for n in ast.walk(loop.test) if isinstance(n, ast.Name)}
    if name in read:
        return True
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in {"pop", "popleft", "popitem"}
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id in read
        for n in ast.walk(loop)
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
