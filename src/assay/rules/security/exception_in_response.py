"""AS317 `exception-in-response`: error details sent to the client."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import is_route
from assay.rules.security._common import _callee, _finding
from assay.syntax import last_name, own_nodes

__all__: list[str] = []


#: Calls whose result is the current traceback as text.
_TRACEBACK_CALLS = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_tb",
     "traceback.format_stack", "sys.exc_info"}
)  # fmt: skip
#: Exceptions whose message is written for the client (validation), not an internal detail.
_CLIENT_FACING = frozenset({"ValueError", "BadRequest", "HTTPException", "ValidationError"})
#: Calls that end the request with an error page or body the client sees.
_ABORTS = frozenset({"abort", "HTTPException", "make_response", "jsonify", "Response"})


def _caught_names(handler: ast.ExceptHandler) -> list[str]:
    caught = handler.type
    items = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught else []
    return [last_name(item) for item in items]


def _client_facing(handler: ast.ExceptHandler) -> bool:
    names = _caught_names(handler)
    return bool(names) and all(
        name in _CLIENT_FACING or name.endswith("ValidationError") for name in names
    )


def _client_error(sent: ast.AST) -> bool:
    """The response names a 4xx status (``abort(404, ...)``, ``HTTPException(400, ...)``,
    ``return str(e), 422``, ``status_code=409``): the handler maps the error to a client
    mistake on purpose."""
    candidates: list[ast.AST] = []
    if isinstance(sent, ast.Tuple) and len(sent.elts) > 1:
        candidates.append(sent.elts[1])
    if isinstance(sent, ast.Call):
        candidates.extend(sent.args[:1])
        candidates.extend(k.value for k in sent.keywords if k.arg in {"status_code", "code"})
    return any(
        isinstance(c, ast.Constant) and isinstance(c.value, int) and 400 <= c.value < 500
        for c in candidates
    )


def _specific(handler: ast.ExceptHandler) -> bool:
    """The handler catches named exceptions, not everything."""
    names = _caught_names(handler)
    return bool(names) and not {"Exception", "BaseException"} & set(names)


def _mentions(ctx: Context, expr: ast.AST, tainted: set[str]) -> str | None:
    """What in `expr` carries the exception's text: the bound name or a traceback call.
    ``type(e).__name__`` and ``isinstance(e, ...)`` only name the class and do not count."""
    skip: set[int] = set()
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and last_name(node.func) in {"type", "isinstance"}:
            skip.update(id(inner) for inner in ast.walk(node))
    for node in ast.walk(expr):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Name) and node.id in tainted:
            return node.id
        if isinstance(node, ast.Call) and _callee(ctx, node) in _TRACEBACK_CALLS:
            return f"{_callee(ctx, node)}()"
    return None


def _sent(node: ast.AST) -> ast.AST | None:
    """What a statement sends to the client: a returned value, or an abort/raise of an
    HTTP error carrying a message."""
    if isinstance(node, ast.Return):
        return node.value
    if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
        if last_name(node.exc.func) in _ABORTS:
            return node.exc
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        if last_name(node.value.func) == "abort":
            return node.value
    return None


@rule(
    id="AS317", name="exception-in-response", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.ExceptHandler,), cwe=209,
)  # fmt: skip
def exception_in_response(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A web handler sends an exception's text or a traceback to the client (CWE-209).

    ## What it finds
    In a route-decorated function, an `except ... as e:` block that returns (or `abort`s /
    raises an HTTP error with) something built from `e` — `str(e)`, `f"Error: {e}"`,
    `jsonify(error=repr(e))`, a local assigned from them — or `traceback.format_exc()`.
    Handlers that only catch exceptions whose message is meant for the client (`ValueError`,
    `*ValidationError`, `BadRequest`), named exceptions answered with an explicit 4xx
    status (`except NotFound as e: abort(404, str(e))`: a deliberate mapping) and
    `type(e).__name__` stay silent, as do functions that are not routes (a CLI may print its
    errors).

    ## Why it matters for AI-written code
    `except Exception as e: return str(e), 500` is the default error handling of generated
    Flask and FastAPI code. Database errors then show table and column names, file errors
    show server paths, and driver errors can echo the query or the connection string: a map
    for the next attack (information exposure, CWE-200).

    ## Example
    ```python
    import sqlite3

    from flask import Flask

    app = Flask(__name__)

    @app.get("/report")
    def report():
        try:
            rows = sqlite3.connect("app.db").execute("SELECT * FROM report").fetchall()
        except sqlite3.Error as e:
            return f"Database error: {e}", 500
        return {"rows": rows}
    ```

    ## Use instead
    ```python
    import logging
    import sqlite3

    from flask import Flask

    app = Flask(__name__)

    @app.get("/report")
    def report():
        try:
            rows = sqlite3.connect("app.db").execute("SELECT * FROM report").fetchall()
        except sqlite3.Error:
            logging.exception("report query failed")
            return "Internal error", 500
        return {"rows": rows}
    ```
    """
    if not isinstance(node, ast.ExceptHandler) or _client_facing(node):
        return
    function = ctx.enclosing_function(node)
    if function is None or not is_route(function):
        return
    tainted = {node.name} if node.name else set()
    for statement in own_nodes(node.body):
        if isinstance(statement, ast.Assign) and _mentions(ctx, statement.value, tainted):
            tainted.update(
                t.id for target in statement.targets for t in ast.walk(target)
                if isinstance(t, ast.Name)
            )  # fmt: skip
        sent = _sent(statement)
        if sent is None:
            continue
        carrier = _mentions(ctx, sent, tainted)
        if carrier is None or (_specific(node) and _client_error(sent)):
            continue
        yield _finding(
            ctx,
            statement,
            f"{function.name}() sends {carrier!r} (the exception's details) to the client",
            evidence={
                "handler": function.name,
                "caught": _caught_names(node) or ["everything"],
                "sent": ctx.segment(sent),
                "cwe_also": [200],
            },
            fix="Log the exception (logging.exception) and send a generic message with an "
            "error id; keep driver and traceback text on the server.",
        )
        return
