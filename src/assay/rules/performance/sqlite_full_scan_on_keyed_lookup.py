"""AS508 sqlite-full-scan-on-keyed-lookup: SQLite query plans, made in the sandbox.

A dynamic rule whose body is called: `keyed_lookups` finds the file's schema and keyed
queries, `assay.behaviour.stages.query_plans` plans them with `PLANNER` on the run's
sandbox pool, and `sqlite_full_scan_on_keyed_lookup` reports the full scans here."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from assay.model import Family, Finding, Severity
from assay.rules._registry import finding_for, rule
from assay.syntax import ImportMap, Parents

__all__ = ["PLANNER", "KeyedLookups", "keyed_lookups", "sqlite_full_scan_on_keyed_lookup"]


_DDL = re.compile(r"^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?(TABLE|(UNIQUE\s+)?INDEX)\b", re.I)
_KEYED = re.compile(
    r"(?:\b\w+\.)?\b(\w+)\s*=\s*(\?\d*|:\w+|@\w+|\$\w+|'[^']*'|-?\d+(?:\.\d+)?)", re.I
)
_FULL_SCAN = re.compile(r"^SCAN (?:TABLE )?(\w+)(?: AS \w+)?$")
#: The job that plans the queries: ``plans(ddl, queries) -> [schema errors, results]``.
PLANNER = """
import sqlite3


def plans(ddl, queries):
    db = sqlite3.connect(":memory:")
    schema_errors = []
    for statement in ddl:
        try:
            db.executescript(statement)
        except sqlite3.Error as error:
            schema_errors.append(str(error))
    results = []
    for query in queries:
        try:
            cursor = db.execute("EXPLAIN QUERY PLAN " + query)
        except sqlite3.ProgrammingError:
            names = {}
            for part in query.replace("(", " ").replace(")", " ").replace(",", " ").split():
                if part[:1] in ":@$" and len(part) > 1:
                    names[part[1:]] = None
            try:
                cursor = db.execute("EXPLAIN QUERY PLAN " + query, names or [None] * query.count("?"))
            except sqlite3.Error as error:
                results.append(["error", str(error)])
                continue
        except sqlite3.Error as error:
            results.append(["error", str(error)])
            continue
        results.append(["plan", [row[3] for row in cursor.fetchall()]])
    return [schema_errors, results]
"""


@dataclass(frozen=True)
class KeyedLookups:
    """A file's schema statements and its queries that look rows up by a column.

    Attributes:
        ddl: the ``CREATE TABLE`` / ``CREATE INDEX`` string literals, in file order.
        queries: each ``execute`` call with the literal SQL it runs.
    """

    ddl: tuple[str, ...]
    queries: tuple[tuple[ast.Call, str], ...]


def keyed_lookups(tree: ast.Module) -> KeyedLookups | None:
    """What there is to plan in `tree`: None unless it imports ``sqlite3``, states a schema
    and runs a keyed query."""
    if not any(
        b.target.partition(".")[0] == "sqlite3" for b in ImportMap.of(tree).bindings.values()
    ):
        return None
    ddl = tuple(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _DDL.match(node.value)
    )
    queries = tuple((call, sql) for call, sql in _executed_sql(tree) if _keyed_columns(sql))
    if not ddl or not queries:
        return None
    return KeyedLookups(ddl, queries)


@rule(
    id="AS508",
    name="sqlite-full-scan-on-keyed-lookup",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    kind="dynamic",
)
def sqlite_full_scan_on_keyed_lookup(
    path: str, tree: ast.Module, work: KeyedLookups, planned: list[tuple[str, object]]
) -> Iterator[Finding]:
    """A SQLite query that looks up rows by a column but is planned as a full table scan.

    ## What it finds
    In a file that uses ``sqlite3`` and contains its schema (``CREATE TABLE`` / ``CREATE
    INDEX`` string literals), every literal SQL query passed to ``execute`` with an equality
    condition (``WHERE email = ?``) is planned with ``EXPLAIN QUERY PLAN`` against that schema
    in the sandbox. A plan step ``SCAN <table>`` (no index) for such a query is reported, with
    the plan as evidence. Queries on an indexed or primary-key column (``SEARCH ... USING
    INDEX``) and queries without a keyed condition stay silent. Runs only when dynamic
    checks are on (``--no-dynamic`` skips it).

    ## Why it matters for AI-written code
    Assistants write the schema and the queries in one answer and forget the index the
    queries need: every lookup reads the whole table, which is instant in the demo and
    linear per request in production.

    ## Example
    ```python
    import sqlite3

    db = sqlite3.connect("app.db")
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT)")


    def find_user(email):
        return db.execute("SELECT id, name FROM users WHERE email = ?", (email,)).fetchone()
    ```

    ## Use instead
    ```python
    import sqlite3

    db = sqlite3.connect("app.db")
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT)")
    db.execute("CREATE UNIQUE INDEX users_email ON users (email)")


    def find_user(email):
        return db.execute("SELECT id, name FROM users WHERE email = ?", (email,)).fetchone()
    ```
    """
    parents = Parents(tree)
    for (call, sql), (kind, plan) in zip(work.queries, planned, strict=False):
        if kind != "plan" or not isinstance(plan, list):
            continue
        scans = [m.group(1) for step in plan if (m := _FULL_SCAN.match(str(step)))]
        if not scans:
            continue
        columns = _keyed_columns(sql)
        table, column = scans[0], columns[0]
        finding = finding_for(
            "AS508",
            path=path,
            line=call.lineno,
            col=call.col_offset,
            message=f"query looks rows up by {', '.join(columns)} but SQLite plans a full scan "
            f"of {', '.join(scans)} (no index on the lookup column)",
            evidence={
                "query": " ".join(sql.split()),
                "plan": [str(step) for step in plan],
                "lookup_columns": columns,
                "schema_statements": len(work.ddl),
            },
            fix=f"CREATE INDEX {table}_{column} ON {table} ({column}) in the schema",
            function=parents.function_name(call),
        )
        # Located at the whole call, as a static rule's finding is.
        yield finding.model_copy(
            update={"end_line": call.end_lineno, "end_col": call.end_col_offset}
        )


def _executed_sql(tree: ast.Module) -> Iterator[tuple[ast.Call, str]]:
    constants = _string_constants(tree)
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"execute", "executemany"}
            and node.args
        ):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            sql: str | None = first.value
        elif isinstance(first, ast.Name):
            sql = constants.get(first.id)
        else:
            sql = None
        if sql and re.match(r"\s*(SELECT|UPDATE|DELETE)\b", sql, re.I):
            yield node, sql


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Names assigned exactly one string literal anywhere in the file."""
    seen: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Constant):
                if isinstance(node.value.value, str):
                    seen.setdefault(target.id, []).append(node.value.value)
    return {name: values[0] for name, values in seen.items() if len(values) == 1}


def _keyed_columns(sql: str) -> list[str]:
    """Columns compared for equality with a value in the WHERE clause."""
    match = re.search(r"\bWHERE\b(.*)", sql, re.I | re.S)
    if match is None:
        return []
    clause = re.split(r"\b(GROUP|ORDER|LIMIT|HAVING)\b", match.group(1), flags=re.I)[0]
    return list(dict.fromkeys(m.group(1) for m in _KEYED.finditer(clause)))
