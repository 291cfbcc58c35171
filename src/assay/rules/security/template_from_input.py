"""AS305 `template-from-input`: server-side template injection."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _argument, _callee, _tainted_finding
from assay.rules.security._sinks import _USER, _tainted

__all__: list[str] = []


_TEMPLATE_FUNCTIONS = frozenset(
    {
        "flask.render_template_string", "jinja2.Template", "jinja2.environment.Template",
        "mako.template.Template", "django.template.Template", "render_template_string",
    }
)  # fmt: skip


@rule(
    id="AS305", name="template-from-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=1336,
)  # fmt: skip
def template_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Input becomes part of a template's source (server-side template injection, CWE-1336).

    ## What it finds
    `render_template_string`, Jinja2 `Template(...)`/`Environment.from_string(...)`, Mako and
    Django `Template(...)` whose template text contains request data or `input()`, or is
    assembled from a parameter (a parameter passed straight through is a template API, not
    an injection). Passing the values as template variables
    (`render_template_string("Hi {{ name }}", name=name)`) stays silent; `string.Template` is
    not a template engine and is not reported.

    ## Why it matters for AI-written code
    `render_template_string(f"<h1>Hello {name}</h1>")` looks like formatting, but the
    result is compiled as Jinja: `{{ config }}` leaks secrets and `{{ ''.__class__... }}`
    runs code. It is also plain XSS (CWE-79), since nothing is escaped.

    ## Example
    ```python
    from flask import Flask, render_template_string, request

    app = Flask(__name__)

    @app.get("/hello")
    def hello():
        name = request.args.get("name", "world")
        return render_template_string(f"<h1>Hello {name}</h1>")
    ```

    ## Use instead
    ```python
    from flask import Flask, render_template_string, request

    app = Flask(__name__)

    @app.get("/hello")
    def hello():
        name = request.args.get("name", "world")
        return render_template_string("<h1>Hello {{ name }}</h1>", name=name)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    from_string = isinstance(node.func, ast.Attribute) and node.func.attr == "from_string"
    if callee not in _TEMPLATE_FUNCTIONS and not from_string:
        return
    source = _argument(node, 0, "source", "text")
    if source is None:
        return
    tainted = _tainted(ctx, source, node, _USER)
    if tainted is None:
        return
    flow, _ = tainted
    if not flow.from_kinds(("request", "input")) and not flow.interpolated:
        return  # a parameter passed straight through: a template API, not an assembled template
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _USER,
        lambda source: f"{callee}() compiles a template containing {source}",
        evidence={"sink": callee, "template": ctx.segment(source), "cwe_also": [79]},
        fix="Keep the template constant and pass values as variables: "
        'render_template_string("Hello {{ name }}", name=name).',
    )
