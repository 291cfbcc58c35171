"""AS507 query-in-loop: a database query or HTTP request issued once per item of a loop (N+1)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.performance._loops import (
    LoopNode,
    bindings_of,
    enclosing_loop,
    loop_iterable,
    scope_of,
)

__all__ = ["query_in_loop"]


_HTTP_CALLS = frozenset(
    f"{lib}.{verb}"
    for lib in ("requests", "httpx")
    for verb in ("get", "post", "put", "patch", "delete", "head", "request")
) | {"urllib.request.urlopen"}
_DB_RECEIVER = frozenset(
    {"cursor", "cur", "conn", "connection", "db", "session", "engine", "con", "c", "database"}
)


@rule(
    id="AS507",
    name="query-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Call,),
)
def query_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A database query or HTTP request issued once per item of a loop (N+1).

    ## What it finds
    Inside a loop over the input: ``cursor.execute(...)``, ``session.query(...)``,
    ``session.get(...)``, ``Model.objects.get/filter(...)``, ``Model.query.get(...)``, or
    ``requests``/``httpx``
    calls. Each iteration pays a round trip; one batched query (``WHERE id IN (...)``, a
    join, ``executemany``) or one bulk request does the same work once. ``executemany``,
    queries outside loops and loops over a small constant collection stay silent.

    ## Why it matters for AI-written code
    Assistants write data access one record at a time because that is how the prompt reads
    ("for each order, load its customer"). Latency grows with the data, not with the code.

    ## Example
    ```python
    import sqlite3


    def load_customers(conn: sqlite3.Connection, order_ids):
        cursor = conn.cursor()
        names = []
        for order_id in order_ids:
            cursor.execute("SELECT name FROM customers WHERE order_id = ?", (order_id,))
            names.append(cursor.fetchone())
        return names
    ```

    ## Use instead
    ```python
    import sqlite3


    def load_customers(conn: sqlite3.Connection, order_ids):
        marks = ",".join("?" * len(order_ids))
        cursor = conn.execute(
            f"SELECT name FROM customers WHERE order_id IN ({marks})", list(order_ids)
        )
        return cursor.fetchall()
    ```
    """
    if not isinstance(node, ast.Call):
        return
    kind = _query_kind(node, ctx)
    if kind is None:
        return
    loop = enclosing_loop(node, ctx)
    if loop is None or isinstance(loop, ast.While) or _counting_loop(loop):
        return
    yield ctx.finding(
        node,
        f"{kind} {ctx.segment(node.func)}(...) is issued once per loop iteration (N+1)",
        evidence={"loop_line": getattr(loop, "lineno", 0), "call": ctx.segment(node)[:160]},
        fix="batch it: one query with WHERE ... IN (...) / a join / executemany, or one bulk "
        "request, before the loop",
    )


def _counting_loop(loop: LoopNode) -> bool:
    """``for attempt in range(retries)``: retries and pagination, not one call per item."""
    iterable = loop_iterable(loop)
    return (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "range"
    )


def _query_kind(node: ast.Call, ctx: Context) -> str | None:
    name = ctx.qualname(node.func)
    if name in _HTTP_CALLS:
        return "HTTP request"
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    receiver_name = (
        receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", None)
    )
    if func.attr == "execute" and (
        receiver_name in _DB_RECEIVER or _bound_to_cursor(receiver, ctx)
    ):
        return "query"
    if func.attr in {"query", "get", "scalars", "scalar"} and receiver_name in {
        "session",
        "db",
        "db_session",
    }:
        return "query"
    if func.attr in {"get", "filter"} and receiver_name == "objects":
        return "ORM query"
    if func.attr in {"get", "filter_by", "get_or_404"} and receiver_name == "query":
        return "ORM query"
    if func.attr in {"get", "post"} and receiver_name in {"client", "http", "session"}:
        return "HTTP request" if _imports_any(ctx, {"requests", "httpx"}) else None
    return None


def _bound_to_cursor(receiver: ast.AST, ctx: Context) -> bool:
    if not isinstance(receiver, ast.Name):
        return False
    for _, value in bindings_of(scope_of(receiver, ctx), receiver.id):
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in {"cursor", "connect"}
        ):
            return True
    return False


def _imports_any(ctx: Context, modules: Iterable[str]) -> bool:
    wanted = set(modules)
    return any(b.target.partition(".")[0] in wanted for b in ctx.imports.values())
