"""AS501 membership-test-on-list-in-loop: ``x in some_list`` inside a loop."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.performance._loops import (
    enclosing_loop,
    grows_in_loop,
    list_bound_outside,
    loop_finding,
)

__all__ = ["membership_test_on_list_in_loop"]


@rule(
    id="AS501",
    name="membership-test-on-list-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Compare,),
)
def membership_test_on_list_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """``x in some_list`` inside a loop, where the list was built outside the loop.

    ## What it finds
    An ``in`` / ``not in`` test against a variable bound to a list (a list display, a list
    comprehension, ``list(...)``, ``sorted(...)``, ``.split()``, a ``list`` parameter) inside
    a loop over the input, when the list is not rebuilt in the loop. Each test scans the
    list, so the loop costs ``len(items) * len(list)``. Tests against sets, dicts, strings
    and small constant lists stay silent.

    ## Why it matters for AI-written code
    ``if x not in seen: seen.append(x)`` is the assistant's favourite de-duplication: it
    reads well and passes every small test, then takes minutes on real data.

    ## Example
    ```python
    def unique(items):
        seen = []
        for item in items:
            if item not in seen:
                seen.append(item)
        return seen
    ```

    ## Use instead
    ```python
    def unique(items):
        seen = set()
        result = []
        for item in items:
            if item not in seen:
                seen.add(item)
                result.append(item)
        return result
    ```
    """
    if not isinstance(node, ast.Compare):
        return
    for op, right in zip(node.ops, node.comparators, strict=True):
        if not isinstance(op, (ast.In, ast.NotIn)):
            continue
        loop = enclosing_loop(node, ctx)
        if loop is None or not list_bound_outside(right, loop, ctx):
            continue
        label = ctx.segment(right)
        yield loop_finding(
            ctx,
            node,
            loop,
            f"membership test on list {label!r} inside a loop scans the list on every "
            "iteration (quadratic)",
            f"keep a set alongside (e.g. {label}_set = set({label})) and test membership there",
            self_quadratic=grows_in_loop(right, loop, ctx),
            collection=label,
        )
