"""AS304 `redirect-to-request-url`: open redirect."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import FunctionFlow
from assay.rules.security._common import _argument, _callee, _tainted_finding
from assay.rules.security._sinks import _REQUEST, _flow_of, _guarded
from assay.syntax import last_name

__all__: list[str] = []


_REDIRECTS = frozenset(
    {
        "flask.redirect", "werkzeug.utils.redirect", "django.shortcuts.redirect",
        "django.http.HttpResponseRedirect", "django.http.HttpResponsePermanentRedirect",
        "starlette.responses.RedirectResponse", "fastapi.responses.RedirectResponse",
    }
)  # fmt: skip


@rule(
    id="AS304", name="redirect-to-request-url", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Call,), cwe=601,
)  # fmt: skip
def redirect_to_request_url(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A redirect goes to a URL taken from the request (open redirect, CWE-601).

    ## What it finds
    `redirect(...)`, `HttpResponseRedirect(...)` and `RedirectResponse(...)` whose target
    comes from request data (`request.args.get("next")`). Silent when the URL was checked by
    a leaving `if` first (`if not is_safe_url(target): abort(400)`), or built with `url_for`.

    ## Why it matters for AI-written code
    "Redirect back to `next` after login" is answered with `redirect(request.args["next"])`;
    phishing links then bounce through your domain to theirs.

    ## Example
    ```python
    from flask import Flask, redirect, request

    app = Flask(__name__)

    @app.post("/login")
    def login():
        return redirect(request.args.get("next", "/"))
    ```

    ## Use instead
    ```python
    from urllib.parse import urlparse
    from flask import Flask, redirect, request

    app = Flask(__name__)

    @app.post("/login")
    def login():
        target = request.args.get("next", "/")
        if urlparse(target).netloc:
            target = "/"
        return redirect(target)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee not in _REDIRECTS and last_name(node.func) not in {
        "redirect", "HttpResponseRedirect", "RedirectResponse"
    }:  # fmt: skip
        return
    target = _argument(node, 0, "location", "url", "redirect_to")
    if target is None:
        return
    flow, flows = _flow_of(ctx, target, node)
    if not flow.from_kinds(_REQUEST) or _guarded(target, flows, node.lineno):
        return
    if _reassigned_by_check(target, flows, node.lineno):
        return
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _REQUEST,
        lambda source: f"{callee}() redirects to {source}, which any link can set",
        evidence={"sink": callee, "target": ctx.segment(target)},
        fix="Only redirect to relative paths or an allow-list of hosts: check "
        "urlparse(target).netloc (Django: url_has_allowed_host_and_scheme) first.",
    )


def _reassigned_by_check(target: ast.AST, flows: FunctionFlow, line: int) -> bool:
    """A value overwritten inside an ``if`` that inspects it counts as validated."""
    if not isinstance(target, ast.Name):
        return False
    for binding in flows.bindings.get(target.id, ()):
        if not binding.unconditional and binding.line < line and binding.value is not None:
            if isinstance(binding.value, ast.Constant):
                return True
    return False
