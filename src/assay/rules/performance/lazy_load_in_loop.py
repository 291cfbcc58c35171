"""AS510 lazy-load-in-loop: a loop over ORM query results that reads a related object of every row."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.performance._loops import bindings_of, scope_of

__all__ = ["lazy_load_in_loop"]


_ORM_ITERATORS = frozenset({"query", "scalars", "all", "filter", "filter_by", "objects"})
_EAGER = re.compile(
    r"\b(joinedload|selectinload|subqueryload|contains_eager|immediateload|"
    r"select_related|prefetch_related|raiseload)\b"
)


@rule(
    id="AS510",
    name="lazy-load-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.For, ast.comprehension),
    confidence="medium",
)
def lazy_load_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A loop over ORM query results that reads a related object of every row (N+1).

    ## What it finds
    ``for order in session.scalars(select(Order)):`` (or ``session.query(...)``,
    ``Model.objects.all()``...) whose body reads ``order.customer.name`` or loops over
    ``order.items``: with lazy relationships each row triggers one more query. Loops whose
    query asks for eager loading (``joinedload``, ``selectinload``, ``select_related``,
    ``prefetch_related``...) stay silent, as do loops over plain lists.

    ## Why it matters for AI-written code
    The ORM hides the query, so the assistant's answer reads like ordinary attribute
    access; the database sees one query per row.

    ## Example
    ```python
    from sqlalchemy import select


    def order_lines(session, Order):
        lines = []
        for order in session.scalars(select(Order)):
            lines.append(f"{order.id}: {order.customer.name}")
        return lines
    ```

    ## Use instead
    ```python
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload


    def order_lines(session, Order):
        query = select(Order).options(joinedload(Order.customer))
        return [f"{order.id}: {order.customer.name}" for order in session.scalars(query)]
    ```
    """
    if not isinstance(node, (ast.For, ast.comprehension)) or not isinstance(node.target, ast.Name):
        return
    source = _query_source(node.iter, ctx)
    if source is None or _EAGER.search(source):
        return
    row = node.target.id
    body = ctx.parent(node) if isinstance(node, ast.comprehension) else node
    for child in ast.walk(body or node):
        related = _related_access(child, row)
        if related is None:
            continue
        yield ctx.finding(
            child,
            f"{related} is loaded lazily for every row of the query in the loop (one query "
            "per row, N+1)",
            evidence={
                "loop_line": getattr(node, "lineno", node.iter.lineno),
                "query": " ".join(source.split())[:200],
            },
            fix="load the relationship with the query (joinedload / selectinload, or "
            "select_related / prefetch_related in Django)",
        )
        return


def _query_source(iterable: ast.AST, ctx: Context) -> str | None:
    """The source of the ORM query `iterable` runs (through one assignment), or None."""
    expression = iterable
    if isinstance(iterable, ast.Name):
        values = [v for _, v in bindings_of(scope_of(iterable, ctx), iterable.id) if v is not None]
        if len(values) != 1:
            return None
        expression = values[0]
    calls = [n for n in ast.walk(expression) if isinstance(n, ast.Call)]
    methods = {c.func.attr for c in calls if isinstance(c.func, ast.Attribute)}
    names = {n.attr for n in ast.walk(expression) if isinstance(n, ast.Attribute)}
    if not (methods & _ORM_ITERATORS) or not ({"query", "scalars", "objects"} & names):
        return None
    text = ctx.segment(expression)
    if isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute):
        # session.scalars(query): the eager-loading options live where `query` was built.
        for argument in expression.args:
            if isinstance(argument, ast.Name):
                bound = [v for _, v in bindings_of(scope_of(argument, ctx), argument.id) if v]
                text += " " + " ".join(ctx.segment(v) for v in bound)
    return text


def _related_access(node: ast.AST, row: str) -> str | None:
    """``row.rel.attr`` (a related object's field) or ``for x in row.rel`` (a collection)."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == row
    ):
        return f"{row}.{node.value.attr}"
    if (
        isinstance(node, (ast.For, ast.comprehension))
        and isinstance(node.iter, ast.Attribute)
        and isinstance(node.iter.value, ast.Name)
        and node.iter.value.id == row
    ):
        return f"{row}.{node.iter.attr}"
    return None
