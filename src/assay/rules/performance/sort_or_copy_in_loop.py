"""AS504 sort-or-copy-in-loop: sorting or copying a whole list inside a loop."""

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
    list_bound_outside,
    loop_finding,
    scope_of,
)

__all__ = ["sort_or_copy_in_loop"]


@rule(
    id="AS504",
    name="sort-or-copy-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Call, ast.Subscript),
)
def sort_or_copy_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Sorting or copying a whole list inside a loop.

    ## What it finds
    ``sorted(xs)``, ``xs.sort()``, ``list(xs)``, ``xs.copy()`` or ``xs[:]`` inside a loop over
    the input, where ``xs`` is a list bound outside the loop, and ``xs = xs[1:]`` /
    ``xs = xs[:-1]`` (a sequence shrunk by one element by copying the rest) in any loop that
    carries ``xs`` from one iteration to the next. Each iteration pays ``O(n log n)`` or
    ``O(n)`` again. A name the loop re-binds from fresh data each time (the loop variable,
    ``line = line[:-1]`` on each line read, ``parts = parts[1:]`` right after
    ``parts = name.split(";")``) is sliced once per item, which is linear, and stays silent.

    ## Why it matters for AI-written code
    "Keep the list sorted" and "work on a copy to be safe" are common assistant habits; inside
    a loop they turn linear algorithms into quadratic ones.

    ## Example
    ```python
    def running_medians(values):
        window = []
        medians = []
        for value in values:
            window.append(value)
            ordered = sorted(window)
            medians.append(ordered[len(ordered) // 2])
        return medians
    ```

    ## Use instead
    ```python
    import bisect


    def running_medians(values):
        window = []
        medians = []
        for value in values:
            bisect.insort(window, value)
            medians.append(window[len(window) // 2])
        return medians
    ```
    """
    target: ast.AST | None = None
    what = ""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"sorted", "list"} and len(node.args) == 1:
            target, what = node.args[0], f"{func.id}()"
        elif isinstance(func, ast.Attribute) and func.attr in {"sort", "copy"} and not node.args:
            target, what = func.value, f".{func.attr}()"
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        bounds = (node.slice.lower, node.slice.upper, node.slice.step)
        if all(b is None for b in bounds) and isinstance(node.ctx, ast.Load):
            target, what = node.value, "[:] copy"
        elif _shrinks_itself(node, ctx):
            yield from _shrinking_slice(node, ctx)
            return
    if target is None:
        return
    loop = enclosing_loop(node, ctx)
    if loop is None or not list_bound_outside(target, loop, ctx):
        return
    label = ctx.segment(target)
    yield loop_finding(
        ctx,
        node,
        loop,
        f"{what} of list {label!r} inside a loop repeats the whole sort/copy on every iteration",
        "sort once outside the loop, keep it sorted with bisect.insort, or use heapq",
        collection=label,
    )


def _shrinks_itself(node: ast.Subscript, ctx: Context) -> bool:
    """``xs = xs[1:]`` (or ``xs[:-1]``): one element dropped by copying the rest, assigned
    back to the sliced name. Slicing by a computed amount (``data = data[written:]`` after a
    partial write) consumes chunks, not elements, and is left alone."""
    parent = ctx.parent(node)
    if not isinstance(node.slice, ast.Slice) or node.slice.step is not None:
        return False
    lower, upper = node.slice.lower, node.slice.upper
    by_one = (upper is None and _small_int(lower, 1, 2)) or (
        lower is None and _small_int(upper, -2, -1)
    )
    return (
        by_one
        and isinstance(parent, ast.Assign)
        and parent.value is node
        and isinstance(node.value, ast.Name)
        and any(isinstance(t, ast.Name) and t.id == node.value.id for t in parent.targets)
    )


def _small_int(node: ast.AST | None, low: int, high: int) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = node.operand
        return (
            isinstance(inner, ast.Constant)
            and isinstance(inner.value, int)
            and (low <= -inner.value <= high)
        )
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, int) and low <= node.value <= high
    )


def _carried_across_iterations(name: str, loop: LoopNode, ctx: Context) -> bool:
    """Every binding of `name` inside `loop` derives from its own previous value
    (``xs = xs[1:]``, ``token, xs = get_token(xs)``): the value at the top of an iteration
    is what the previous one left, so the slices add up. A loop target or a binding from
    fresh data (``line = line[:-1]`` on each ``for line in f``, ``parts = name.split(";")``
    before ``parts = parts[1:]``) starts each iteration over: one slice per item is linear."""
    loop_node: ast.AST = ctx.parent(loop) or loop if isinstance(loop, ast.comprehension) else loop
    for binding, _ in bindings_of(scope_of(loop_node, ctx), name):
        if not is_inside(binding, loop_node):
            continue
        if binding is loop or (
            isinstance(binding, (ast.For, ast.AsyncFor, ast.comprehension, ast.withitem))
        ):
            return False
        value = getattr(binding, "value", None)
        if value is None or not any(
            isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
            for n in ast.walk(value)
        ):
            return False
    return True


def _shrinking_slice(node: ast.Subscript, ctx: Context) -> Iterator[Finding]:
    loop = enclosing_loop(node, ctx)
    if loop is None or not isinstance(node.value, ast.Name):
        return
    if not _carried_across_iterations(node.value.id, loop, ctx):
        return
    label = ctx.segment(node.value)
    yield loop_finding(
        ctx,
        node,
        loop,
        f"{label} = {ctx.segment(node)} inside a loop copies the rest of the sequence on every "
        "iteration (quadratic)",
        "iterate with an index or a for loop, or use collections.deque and popleft()",
        always_warn=True,
        collection=label,
    )
