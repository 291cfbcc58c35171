"""AS326 `log-from-input`: log injection."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import FunctionFlow
from assay.rules.security._common import _callee, _tainted_finding
from assay.rules.security._sinks import (
    _REQUEST,
    _flow_of,
    _names_in,
)
from assay.syntax import LOG_METHODS, last_name

__all__: list[str] = []


_LINE_BREAKS = frozenset({"\n", "\r", "\r\n"})


def _is_logger(ctx: Context, call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in LOG_METHODS:
        return False
    if _callee(ctx, call).startswith("logging."):
        return True
    receiver = call.func.value
    if "log" in last_name(receiver).lower():
        return True
    # `audit = logging.getLogger("audit")` at module level: a logger by another name
    return isinstance(receiver, ast.Name) and any(
        isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == receiver.id for t in statement.targets)
        and isinstance(statement.value, ast.Call)
        and _callee(ctx, statement.value) in {"logging.getLogger", "structlog.get_logger"}
        for statement in ctx.tree.body
    )


def _line_breaks_removed(expr: ast.AST, flows: FunctionFlow, line: int) -> bool:
    """A ``.replace("\\n", ...)`` (or ``\\r``) on the way, or a ``!r`` conversion, which
    escapes line breaks."""
    values: list[ast.AST] = [expr]
    for name in _names_in(expr, flows, line):
        values.extend(flows.assigned_values(name, line))
    for value in values:
        for node in ast.walk(value):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "replace"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in _LINE_BREAKS
            ):
                return True
            if isinstance(node, ast.FormattedValue) and node.conversion == ord("r"):
                return True
    return False


@rule(
    id="AS326", name="log-from-input", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Call,), cwe=117,
)  # fmt: skip
def log_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Request data is written to a log unescaped (log injection, CWE-117).

    ## What it finds
    `logging`/`logger`/`app.logger` calls (`info`, `warning`, `error`, ...) given request
    data or a route parameter, in the message or as an argument. Values whose line breaks
    were replaced (`name.replace("\\n", "")`) or that are formatted with `!r` / `%r` (repr
    escapes them) stay silent.

    ## Why it matters for AI-written code
    "Log each login attempt" becomes `logger.info(f"login failed for {username}")`. A
    username containing a newline then writes a forged line (`... INFO login ok for admin`)
    that misleads whoever reads or parses the log, and control sequences can attack the
    terminal that displays it.

    ## Example
    ```python
    import logging

    from flask import Flask, request

    app = Flask(__name__)
    logger = logging.getLogger(__name__)

    @app.post("/login")
    def login():
        logger.info("failed login for %s", request.form["username"])
        return "no"
    ```

    ## Use instead
    ```python
    import logging

    from flask import Flask, request

    app = Flask(__name__)
    logger = logging.getLogger(__name__)

    @app.post("/login")
    def login():
        logger.info("failed login for %r", request.form["username"])
        return "no"
    ```
    """
    if not isinstance(node, ast.Call) or not _is_logger(ctx, node):
        return
    message = node.args[0] if node.args else None
    if (
        isinstance(message, ast.Constant)
        and isinstance(message.value, str)
        and "%r" in message.value
        and "%s" not in message.value
    ):
        return  # every argument is shown through repr(), line breaks escaped
    for argument in node.args:
        flow, flows = _flow_of(ctx, argument, node)
        if not flow.from_kinds(_REQUEST) or _line_breaks_removed(argument, flows, node.lineno):
            continue
        yield _tainted_finding(
            ctx,
            node,
            flow,
            _REQUEST,
            lambda source: (
                f"{ctx.segment(node.func)}() writes {source} to the log "
                "unescaped: a line break in it forges log lines"
            ),
            evidence={"sink": ctx.segment(node.func), "logged": ctx.segment(argument)},
            fix='Log input through %r (repr escapes line breaks) or strip "\\r" and "\\n" '
            "from it first.",
        )
        return
