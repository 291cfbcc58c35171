"""AS321 `html-from-input`: reflected cross-site scripting."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import is_route, module_flows
from assay.rules.security._common import _argument, _callee, _tainted_finding
from assay.rules.security._sinks import _REQUEST, _tainted
from assay.rules.security._web import source_mentions
from assay.syntax import last_name

__all__: list[str] = []


#: Response constructors whose first argument is sent as the body, as HTML by default.
_HTML_RESPONSES = frozenset(
    {
        "flask.make_response", "flask.Response", "werkzeug.wrappers.Response",
        "django.http.HttpResponse", "starlette.responses.HTMLResponse",
        "fastapi.responses.HTMLResponse", "aiohttp.web.Response",
    }
)  # fmt: skip
#: Frameworks that send a handler's returned string as an HTML page (FastAPI sends JSON).
_STRING_IS_HTML = ("flask", "bottle")


#: An import of a framework that serves returned strings as HTML.
_HTML_FRAMEWORK = re.compile(r"^\s*(?:from|import)\s+(?:flask|bottle)\b", re.MULTILINE)


def _returns_html(ctx: Context) -> bool:
    if not source_mentions(ctx, _HTML_FRAMEWORK):
        return False
    return any(binding.target.split(".")[0] in _STRING_IS_HTML for binding in ctx.imports.values())


def _body(ctx: Context, node: ast.AST) -> tuple[ast.AST, str] | None:
    """The HTML body `node` sends, and how: a route's returned string (or the first item of
    a returned tuple), or the first argument of a response constructor."""
    if isinstance(node, ast.Call):
        callee = _callee(ctx, node)
        if callee in _HTML_RESPONSES or (
            last_name(node.func) in {"make_response", "HTMLResponse", "HttpResponse"}
        ):
            body = _argument(node, 0, "response", "content", "body", "text")
            return (body, f"{callee}()") if body is not None else None
        return None
    if not isinstance(node, ast.Return) or node.value is None or not _returns_html(ctx):
        return None
    function = ctx.enclosing_function(node)
    if function is None or not is_route(function):
        return None
    value = node.value
    if isinstance(value, ast.Tuple) and value.elts:
        value = value.elts[0]
    if isinstance(value, (ast.JoinedStr, ast.BinOp)):
        return value, "the returned page"
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr == "format":
            return value, "the returned page"
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        # a helper of this module that assembles the page: `return page(title)`
        flows = module_flows(ctx)
        helper = flows.function_named(value.func.id)
        summary = flows.summary(helper) if helper is not None else None
        if summary is not None and summary.interpolated:
            return value, f"the page {value.func.id}() builds"
    return None


@rule(
    id="AS321", name="html-from-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Return, ast.Call), cwe=79,
)  # fmt: skip
def html_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Request data is pasted into an HTML response without escaping (reflected XSS, CWE-79).

    ## What it finds
    A Flask (or Bottle) route that returns a string assembled with an f-string, `+`, `%` or
    `.format` from request data or its URL parameters, and `make_response(...)`,
    `Response(...)`, Django's `HttpResponse(...)` and `HTMLResponse(...)` given such a
    string. The data is followed through local variables and the module's own helper
    functions. Values passed through `html.escape`/`markupsafe.escape` (or a helper that
    does), rendered by a template with autoescaping (`render_template`), or sent as JSON
    (`jsonify`, FastAPI's default) stay silent.

    ## Why it matters for AI-written code
    `return f"<h1>Hello {name}</h1>"` is the shortest way to answer "greet the user by
    name", and Flask serves it as `text/html`: a link with `<script>` in the name runs in
    the victim's session.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)

    @app.route("/hello/<username>")
    def hello(username):
        return "Hello {}!".format(username)
    ```

    ## Use instead
    ```python
    from flask import Flask
    from markupsafe import escape

    app = Flask(__name__)

    @app.route("/hello/<username>")
    def hello(username):
        return "Hello {}!".format(escape(username))
    ```
    """
    body = _body(ctx, node)
    if body is None:
        return
    value, how = body
    tainted = _tainted(ctx, value, node, _REQUEST)
    if tainted is None:
        return
    flow, _ = tainted
    if not flow.interpolated:
        return
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _REQUEST,
        lambda source: f"{how} is HTML built from {source} without escaping",
        evidence={"sink": how, "body": ctx.segment(value)},
        fix="Escape what comes from the request (markupsafe.escape / html.escape), or "
        "render a template with autoescaping (render_template) instead of building HTML.",
    )
