"""AS322 `url-from-input`: server-side request forgery."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import FunctionFlow
from assay.rules.security._common import _argument, _callee, _tainted_finding
from assay.rules.security._sinks import (
    _REQUEST,
    _flow_of,
    _tainted,
)

__all__: list[str] = []


#: HTTP clients whose first argument (second for ``request(method, url)``) is the URL.
_FETCHES = frozenset(
    {
        "requests.get", "requests.post", "requests.put", "requests.patch", "requests.delete",
        "requests.head", "requests.options", "httpx.get", "httpx.post", "httpx.put",
        "httpx.patch", "httpx.delete", "httpx.head", "httpx.options", "httpx.stream",
        "urllib.request.urlopen", "urllib.request.Request", "urllib.request.urlretrieve",
        "urllib3.request", "aiohttp.request",
    }
)  # fmt: skip
_METHOD_FIRST = frozenset({"requests.request", "httpx.request", "urllib3.request"})


def _host_fixed(ctx: Context, expr: ast.AST, flows: FunctionFlow, line: int) -> bool:
    """The URL starts with a constant scheme and host (``f"https://api.example.com/{id}"``,
    ``BASE + path`` with ``BASE = "https://api.example.com/"``): input only picks a path."""
    for value in _shapes(expr, flows, line):
        first: ast.AST | None = None
        if isinstance(value, ast.JoinedStr) and value.values:
            first = value.values[0]
        elif isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Mod)):
            first = value.left
            while isinstance(first, ast.BinOp) and isinstance(first.op, ast.Add):
                first = first.left
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            if value.func.attr == "format":
                first = value.func.value
        prefix = _constant_text(ctx, first, flows, line)
        if prefix is None or "://" not in prefix:
            return False
        if "/" not in prefix.split("://", 1)[1]:
            return False  # "https://" + host: the host itself comes from input
    return True


def _shapes(expr: ast.AST, flows: FunctionFlow, line: int) -> list[ast.AST]:
    if isinstance(expr, ast.Name):
        values = flows.assigned_values(expr.id, line)
        return values or [expr]
    return [expr]


def _constant_text(
    ctx: Context, expr: ast.AST | None, flows: FunctionFlow, line: int
) -> str | None:
    """The text of a string constant, a local assigned one, or a module-level constant."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if not isinstance(expr, ast.Name):
        return None
    values = flows.assigned_values(expr.id, line)
    if len(values) == 1:
        return _constant_text(ctx, values[0], flows, line)
    if values:
        return None
    for statement in ctx.tree.body:
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == expr.id for t in statement.targets)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            return statement.value.value
    return None


@rule(
    id="AS322", name="url-from-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=918,
)  # fmt: skip
def url_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """The server fetches a URL the client chose (server-side request forgery, CWE-918).

    ## What it finds
    `requests`/`httpx` calls, `urllib.request.urlopen`/`Request` and `urllib3.request`
    whose URL comes from request data (or a route parameter) and whose scheme and host are
    not fixed by the code. A URL built on a constant base (`f"https://api.example.com/users/
    {user_id}"`) and a URL checked first (`if urlparse(url).hostname not in ALLOWED:
    abort(400)`) stay silent.

    ## Why it matters for AI-written code
    "Fetch the page at the URL the user gives" (link previews, webhooks, image proxies) is
    written as `requests.get(request.args["url"])`. The server then fetches
    `http://169.254.169.254/` (cloud credentials), `http://localhost:6379/` or any internal
    service for the attacker, from inside the firewall.

    ## Example
    ```python
    import requests
    from flask import Flask, request

    app = Flask(__name__)

    @app.get("/preview")
    def preview():
        return requests.get(request.args["url"], timeout=5).text
    ```

    ## Use instead
    ```python
    from urllib.parse import urlparse

    import requests
    from flask import Flask, abort, request

    app = Flask(__name__)
    ALLOWED_HOSTS = {"images.example.com"}

    @app.get("/preview")
    def preview():
        url = request.args["url"]
        if urlparse(url).hostname not in ALLOWED_HOSTS:
            abort(400)
        return requests.get(url, timeout=5).text
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee in _METHOD_FIRST:
        url = _argument(node, 1, "url")
    elif callee in _FETCHES:
        url = _argument(node, 0, "url")
    else:
        return
    if url is None or _tainted(ctx, url, node, _REQUEST) is None:
        return
    flow, flows = _flow_of(ctx, url, node)
    if _host_fixed(ctx, url, flows, node.lineno):
        return
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _REQUEST,
        lambda source: (
            f"{callee}() fetches a URL taken from {source}: the client "
            "picks which host the server talks to"
        ),
        evidence={"sink": callee, "url": ctx.segment(url)},
        fix="Fix the scheme and host in code and let input choose only a path or an id, or "
        "check urlparse(url).hostname against an allow-list (and refuse private addresses).",
    )
