"""AS405: positional column access."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.naming import is_test_path
from assay.syntax import dotted_name

__all__: list[str] = []


_FRAME_READERS = frozenset(
    {"pandas.read_csv", "pandas.read_excel", "pandas.read_sql", "pandas.read_sql_query",
     "pandas.read_sql_table", "pandas.read_parquet", "pandas.read_json", "pandas.DataFrame",
     "pandas.read_table", "pandas.read_feather"}
)  # fmt: skip
_ROW_SOURCES = frozenset({"fetchone", "fetchall", "fetchmany", "execute"})
_SELECT_STAR = re.compile(r"\bselect\s+(\w+\.)?\*", re.IGNORECASE)
_SELECT = re.compile(r"\bselect\b", re.IGNORECASE)


def _int_index(expr: ast.AST) -> int | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, int):
        if not isinstance(expr.value, bool):
            return expr.value
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        inner = _int_index(expr.operand)
        return -inner if inner is not None else None
    return None


_Bindings = dict[str, list[tuple[ast.AST, bool]]]


def _scope_statements(ctx: Context, node: ast.AST) -> list[ast.AST]:
    function = ctx.enclosing_function(node)
    return list(ast.walk(function if function is not None else ctx.tree))


def _bindings(scope: ast.AST) -> _Bindings:
    """name -> (value, is_loop_element) for every binding in `scope`."""
    found: _Bindings = {}
    for item in ast.walk(scope):
        if isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append((item.value, False))
        elif isinstance(item, (ast.For, ast.AsyncFor, ast.comprehension)):
            for element in ast.walk(item.target):
                if isinstance(element, ast.Name):
                    found.setdefault(element.id, []).append((item.iter, True))
        elif isinstance(item, (ast.With, ast.AsyncWith)):
            for with_item in item.items:
                var = with_item.optional_vars
                if isinstance(var, ast.Name):
                    found.setdefault(var.id, []).append((with_item.context_expr, False))
    return found


def _assigned(ctx: Context, name: str, node: ast.AST) -> list[tuple[ast.AST, bool]]:
    """(value, is_loop_element) for every binding of `name` in the scope of `node`."""
    function = ctx.enclosing_function(node)
    scope = function if function is not None else ctx.tree
    return ctx.memo((_bindings, scope), lambda: _bindings(scope)).get(name, [])


def _frame_origin(ctx: Context, expr: ast.AST, depth: int = 4) -> ast.Call | None:
    """The pandas reader call a DataFrame expression comes from (through locals/methods)."""
    current = expr
    for _ in range(depth):
        if isinstance(current, ast.Call):
            name = ctx.qualname(current.func) or ""
            if name in _FRAME_READERS:
                return current
            if isinstance(current.func, ast.Attribute):
                current = current.func.value
                continue
            return None
        if isinstance(current, ast.Name):
            values = [v for v, element in _assigned(ctx, current.id, current) if not element]
            if not values:
                return None
            current = values[-1]
            continue
        if isinstance(current, ast.Subscript):
            current = current.value
            continue
        return None
    return None


def _iloc_column(ctx: Context, node: ast.Subscript) -> dict[str, object] | None:
    target = node.value
    if not (isinstance(target, ast.Attribute) and target.attr in {"iloc", "iat"}):
        return None
    if not isinstance(node.slice, ast.Tuple) or len(node.slice.elts) != 2:
        return None
    column = node.slice.elts[1]
    columns = column.elts if isinstance(column, (ast.List, ast.Tuple)) else [column]
    indexes = [_int_index(c) for c in columns]
    if not indexes or any(i is None for i in indexes):
        return None
    origin = _frame_origin(ctx, target.value)
    if origin is None:
        return None
    header = next((k.value for k in origin.keywords if k.arg == "header"), None)
    if header is not None and isinstance(header, ast.Constant) and header.value is None:
        return None
    return {
        "kind": "dataframe",
        "access": ctx.segment(node),
        "source": ctx.segment(origin),
        "columns": indexes,
    }


def _query_of(ctx: Context, row_value: ast.AST) -> str | None:
    """The SQL literal executed on the cursor that produced `row_value`, if visible."""
    receiver: ast.AST | None = None
    if isinstance(row_value, ast.Call) and isinstance(row_value.func, ast.Attribute):
        if row_value.func.attr == "execute" and row_value.args:
            first = row_value.args[0]
            return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None  # fmt: skip
        receiver = row_value.func.value
    elif isinstance(row_value, ast.Name):
        receiver = row_value
    if receiver is None:
        return None
    name = dotted_name(receiver)
    for item in _scope_statements(ctx, row_value):
        if (
            isinstance(item, ast.Call)
            and isinstance(item.func, ast.Attribute)
            and item.func.attr == "execute"
            and item.args
            and dotted_name(item.func.value) == name
        ):
            first = item.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
            if isinstance(first, ast.JoinedStr):
                return "".join(
                    v.value for v in first.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                )  # fmt: skip
    return None


def _row_source(ctx: Context, value: ast.AST) -> ast.AST | None:
    """The cursor call (or cursor name) rows in `value` come from, following one local."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        return value if value.func.attr in _ROW_SOURCES else None
    if isinstance(value, ast.Name):
        lowered = value.id.lower()
        if "cursor" in lowered or lowered == "cur":
            return value
        for assigned, element in _assigned(ctx, value.id, value):
            if not element and isinstance(assigned, ast.Call) and _row_source(ctx, assigned):
                return assigned
    return None


def _row_column(ctx: Context, node: ast.Subscript, index: int) -> dict[str, object] | None:
    if not isinstance(node.value, ast.Name):
        return None
    bindings = _assigned(ctx, node.value.id, node)
    for bound, element in bindings:
        value = _row_source(ctx, bound)
        if value is None:
            continue
        call = value if isinstance(value, ast.Call) else None
        single_row = call is not None and isinstance(call.func, ast.Attribute) and call.func.attr == "fetchone"  # fmt: skip
        if not (element or single_row):
            continue
        query = _query_of(ctx, value)
        if query is not None and _SELECT.search(query) and not _SELECT_STAR.search(query):
            return None
        if query is None and index < 1:
            return None
        return {
            "kind": "database row",
            "access": ctx.segment(node),
            "query": query,
            "columns": [index],
        }
    return None


_HEADER_SKIPS = re.compile(r"\bnext\(|\.readline\(\)|\[1:\]")
_READS_FILE = re.compile(r"\bopen\(|\.readlines\(\)|\.read_text\(\)|\bcsv\.|\.splitlines\(\)")


def _csv_column(ctx: Context, node: ast.Subscript, index: int) -> dict[str, object] | None:
    """``line.split(",")[4]`` / ``parts[4]`` / ``row[4]`` of csv.reader with a header line."""
    source: ast.AST | None = node.value
    if isinstance(source, ast.Name):
        values = _assigned(ctx, source.id, node)
        source = values[-1][0] if values else None
        is_reader_row = bool(values) and values[-1][1] and _is_csv_reader(ctx, source)
        if is_reader_row:
            return _with_header(ctx, node, index, "csv.reader row")
    if (
        isinstance(source, ast.Call)
        and isinstance(source.func, ast.Attribute)
        and source.func.attr == "split"
        and source.args
        and isinstance(source.args[0], ast.Constant)
        and source.args[0].value in {",", ";", "\t", "|"}
    ):
        return _with_header(ctx, node, index, "split line")
    return None


def _is_csv_reader(ctx: Context, expr: ast.AST | None) -> bool:
    if isinstance(expr, ast.Name):
        values = _assigned(ctx, expr.id, expr)
        return any(_is_csv_reader(ctx, v) for v, _ in values if v is not expr)
    return isinstance(expr, ast.Call) and (ctx.qualname(expr.func) or "") == "csv.reader"


def _with_header(ctx: Context, node: ast.AST, index: int, kind: str) -> dict[str, object] | None:
    function = ctx.enclosing_function(node)
    text = ctx.segment(function) if function is not None else ctx.source
    if not (_HEADER_SKIPS.search(text) and _READS_FILE.search(text)):
        return None
    return {"kind": kind, "access": ctx.segment(node), "columns": [index], "header": True}


@rule(
    id="AS405", name="positional-column-access", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, nodes=(ast.Subscript,),
)  # fmt: skip
def positional_column_access(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A column is read by position (`row[3]`, `.iloc[:, 2]`) where its name was available.

    ## What it finds
    * `df.iloc[:, 2]` / `df.iloc[i, 3]` on a DataFrame read with `pandas.read_*` (which has
      column names unless `header=None`);
    * `row[3]` on rows from a DB cursor when the query is `SELECT *` (column order is the
      table's, not the code's) or not visible; explicit column lists stay silent;
    * `line.split(",")[4]` and `csv.reader` rows indexed by position in a function that
      skips a header line (so the names were right there).

    ## Why it matters for AI-written code
    Assistants do not know your schema, so they guess positions. When a column is added or
    reordered, positional access keeps "working" and silently reads the wrong field.

    ## Example
    ```python
    import pandas as pd

    def average_price(path):
        frame = pd.read_csv(path)
        return frame.iloc[:, 3].mean()
    ```

    ## Use instead
    ```python
    import pandas as pd

    def average_price(path):
        frame = pd.read_csv(path)
        return frame["price"].mean()
    ```
    """
    if not isinstance(node, ast.Subscript) or is_test_path(ctx.path):
        return
    evidence = _iloc_column(ctx, node)
    if evidence is None:
        index = _int_index(node.slice)
        if index is None:
            return
        evidence = _row_column(ctx, node, index) or _csv_column(ctx, node, index)
    if evidence is None:
        return
    yield ctx.finding(
        node,
        f"`{ctx.segment(node)}` reads a {evidence['kind']} column by position; a renamed or "
        "reordered column will be read silently",
        evidence=evidence,
        fix="Use the column name: df['price'], sqlite3.Row / DictCursor with row['price'], "
        "csv.DictReader with row['price'].",
    )
