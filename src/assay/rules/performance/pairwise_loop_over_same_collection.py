"""AS506 pairwise-loop-over-same-collection: nested loops over one collection comparing elements."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule

__all__ = ["pairwise_loop_over_same_collection"]


@rule(
    id="AS506",
    name="pairwise-loop-over-same-collection",
    family=Family.PERFORMANCE,
    severity=Severity.INFO,
    nodes=(ast.For,),
)
def pairwise_loop_over_same_collection(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Two nested loops over the same collection whose inner body compares elements.

    ## What it finds
    ``for a in xs: for b in xs: if a == b ...`` (also over ``range(len(xs))``): every pair
    is visited, ``len(xs)**2`` steps, to answer a question a set or dict answers in one pass
    (duplicates, pairs summing to a target, matching keys). Nested loops over different
    collections (rows × columns) stay silent.

    ## Why it matters for AI-written code
    The brute-force pairwise loop is the first solution an assistant writes for "find
    duplicates" or "two sum"; it passes the examples and times out on the real input.

    ## Example
    ```python
    def has_duplicates(items):
        for i in range(len(items)):
            for j in range(len(items)):
                if i != j and items[i] == items[j]:
                    return True
        return False
    ```

    ## Use instead
    ```python
    def has_duplicates(items):
        return len(set(items)) != len(items)
    ```
    """
    if not isinstance(node, ast.For):
        return
    outer = _collection_key(node.iter)
    if outer is None:
        return
    for inner in ast.walk(node):
        if inner is node or not isinstance(inner, ast.For):
            continue
        if _collection_key(inner.iter) != outer:
            continue
        if not any(
            isinstance(c, ast.Compare)
            and any(isinstance(op, (ast.Eq, ast.In, ast.NotIn, ast.Is)) for op in c.ops)
            for c in ast.walk(inner)
        ):
            continue
        yield ctx.finding(
            inner,
            f"nested loops both iterate over {outer!r} and compare elements: "
            f"O(n^2) pairs for n = len({outer})",
            evidence={"outer_loop_line": node.lineno, "collection": outer},
            fix="index the elements once in a set or dict and look each one up",
        )
        return


def _collection_key(iterable: ast.AST) -> str | None:
    """``xs`` for ``xs``, ``range(len(xs))``, ``enumerate(xs)``, ``xs[i+1:]``."""
    if isinstance(iterable, ast.Name):
        return iterable.id
    if isinstance(iterable, ast.Attribute):
        return ast.unparse(iterable)
    if isinstance(iterable, ast.Subscript) and isinstance(iterable.slice, ast.Slice):
        return _collection_key(iterable.value)
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name):
        if iterable.func.id == "enumerate" and iterable.args:
            return _collection_key(iterable.args[0])
        if iterable.func.id == "range" and iterable.args:
            last = iterable.args[1] if len(iterable.args) > 1 else iterable.args[0]
            if (
                isinstance(last, ast.Call)
                and isinstance(last.func, ast.Name)
                and last.func.id == "len"
                and last.args
            ):
                return _collection_key(last.args[0])
    return None
