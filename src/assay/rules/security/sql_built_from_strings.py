"""AS301 `sql-built-from-strings`: SQL injection."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import FunctionFlow
from assay.rules.security._common import _argument, _callee, _finding
from assay.rules.security._sinks import _ANY_KIND, _built_at, _construction, _flow_of, _source_text
from assay.syntax import last_name

__all__: list[str] = []


_SQL_KEYWORDS = re.compile(
    r"\b(select|insert\s+into|update|delete\s+from|where|values|create\s+table|drop\s+table|"
    r"alter\s+table|order\s+by|group\s+by)\b",
    re.IGNORECASE,
)
_SQL_SINKS = frozenset({"execute", "executemany", "executescript", "raw", "exec_driver_sql"})
_SQL_FUNCTIONS = frozenset(
    {
        "sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
        "pandas.read_sql", "pandas.read_sql_query", "django.db.models.expressions.RawSQL",
    }
)  # fmt: skip


def _looks_like_sql(expr: ast.AST, flows: FunctionFlow, line: int) -> bool:
    frontier: list[ast.AST] = [expr]
    for _ in range(3):
        following: list[ast.AST] = []
        for item in frontier:
            for node in ast.walk(item):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if _SQL_KEYWORDS.search(node.value):
                        return True
                elif isinstance(node, ast.Name):
                    following.extend(flows.assigned_values(node.id, line))
        frontier = following
    return False


@rule(
    id="AS301", name="sql-built-from-strings", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=89,
)  # fmt: skip
def sql_built_from_strings(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """SQL assembled with an f-string, `%`, `+` or `.format` reaches `execute` (CWE-89).

    ## What it finds
    A call to `execute`/`executemany`/`executescript`, SQLAlchemy `text()` or
    `pandas.read_sql` whose query was built by interpolating a non-constant value — directly
    or through local variables. The evidence names the value's source (a request field, a
    parameter, a call) and the variables it went through. Constant queries, queries whose
    only interpolated parts are constants or numbers (`len(ids)`), and parameterised queries
    (`execute("... = ?", (name,))`) stay silent.

    ## Why it matters for AI-written code
    Assistants write `f"SELECT * FROM users WHERE name = '{name}'"` because it reads
    naturally and works on the happy path; one quote in `name` makes it an injection.

    ## Example
    ```python
    def find_user(conn, name):
        query = f"SELECT * FROM users WHERE name = '{name}'"
        return conn.execute(query).fetchall()
    ```

    ## Use instead
    ```python
    def find_user(conn, name):
        query = "SELECT * FROM users WHERE name = ?"
        return conn.execute(query, (name,)).fetchall()
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if last_name(node.func) not in _SQL_SINKS and callee not in _SQL_FUNCTIONS:
        return
    query = _argument(node, 0, "sql", "statement", "query", "operation")
    if query is None or isinstance(query, ast.Constant):
        return
    if isinstance(query, ast.Call) and _callee(ctx, query) in _SQL_FUNCTIONS:
        return  # reported once, at the inner text(...)
    flow, flows = _flow_of(ctx, query, node)
    if not flow.interpolated or flow.constant:
        return
    if not _looks_like_sql(query, flows, node.lineno):
        return
    yield _finding(
        ctx,
        node,
        f"SQL passed to {callee}() is assembled from {_source_text(flow, _ANY_KIND)}: "
        "an injection point",
        built_at=_built_at(query, flows, node.lineno),
        evidence={
            "sink": callee,
            "query": _construction(ctx, query, flows, node.lineno),
            **flow.evidence(),
        },
        fix="Use placeholders and pass the values separately: "
        'execute("... WHERE name = ?", (name,)) (%s for psycopg/MySQL); '
        "identifiers (table/column names) must come from a fixed allow-list.",
    )
