"""AS327 `format-string-from-input`: format-string injection."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _tainted_finding
from assay.rules.security._sinks import _OUTSIDE, _tainted

__all__: list[str] = []


@rule(
    id="AS327", name="format-string-from-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=134,
)  # fmt: skip
def format_string_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Request data or user input is used as a `str.format` template (CWE-134).

    ## What it finds
    `template.format(...)` / `template.format_map(...)` / `str.format(template, ...)`
    where the *template* comes from request data or `input()`. Input passed as an argument
    (`"Hello {}".format(name)`) is a different matter and stays silent here.

    ## Why it matters for AI-written code
    "Let users customise the greeting" becomes `request.form["template"].format(user=user)`.
    Format fields can walk attributes: `{user.__class__.__init__.__globals__[SECRET_KEY]}`
    reads module globals — secrets, configuration, keys — into the response.

    ## Example
    ```python
    from flask import Flask, request

    app = Flask(__name__)

    @app.post("/greeting")
    def greeting():
        return request.form["template"].format(name="guest")
    ```

    ## Use instead
    ```python
    from string import Template

    from flask import Flask, request

    app = Flask(__name__)

    @app.post("/greeting")
    def greeting():
        return Template(request.form["template"]).safe_substitute(name="guest")
    ```
    """
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return
    if node.func.attr not in {"format", "format_map"}:
        return
    template: ast.AST = node.func.value
    if isinstance(template, ast.Name) and template.id == "str" and node.args:
        template = node.args[0]
    if isinstance(template, ast.Constant):
        return
    tainted = _tainted(ctx, template, node, _OUTSIDE)
    if tainted is None:
        return
    flow, method = tainted[0], node.func.attr
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _OUTSIDE,
        lambda source: (
            f"{method}() uses {source} as its template: format "
            "fields can read attributes and globals"
        ),
        evidence={"template": ctx.segment(template)},
        fix="Keep format strings in the code; for user-written templates use "
        "string.Template(...).safe_substitute or a sandboxed template engine.",
    )
