"""AS329 `cors-any-origin`: cross-origin access open to every site."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _callee, _finding, _keyword
from assay.rules.security._sinks import _REQUEST, _tainted
from assay.syntax import last_name

__all__: list[str] = []


_FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.cross_origin"})
_STARLETTE_CORS = frozenset(
    {"starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware"}
)
_DJANGO_SETTINGS = frozenset({"CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_ALL_ORIGINS"})
_ALLOW_ORIGIN = "access-control-allow-origin"


def _wildcard(expr: ast.AST | None) -> bool:
    """``"*"``, ``["*"]`` or a resources dict whose origins are ``"*"``."""
    if expr is None:
        return False
    for node in ast.walk(expr):
        if isinstance(node, ast.Constant) and node.value == "*":
            return True
    return False


def _true(expr: ast.AST | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is True


def _origin_set_by(ctx: Context, node: ast.Call) -> tuple[str, bool] | None:
    """(what is opened, with credentials) for a CORS setup allowing every origin."""
    callee = _callee(ctx, node)
    if callee in _FLASK_CORS:
        origins = _keyword(node, "origins")
        resources = _keyword(node, "resources")
        everyone = (
            (origins is None and resources is None)
            or _wildcard(origins)
            or (origins is None and _wildcard(resources))
        )
        if everyone:
            return f"{last_name(node.func)}()", _true(_keyword(node, "supports_credentials"))
        return None
    if last_name(node.func) == "add_middleware" and node.args:
        middleware = ctx.qualname(node.args[0]) or last_name(node.args[0])
        if middleware in _STARLETTE_CORS or middleware == "CORSMiddleware":
            if _wildcard(_keyword(node, "allow_origins")) or _wildcard_regex(
                _keyword(node, "allow_origin_regex")
            ):
                return "CORSMiddleware", _true(_keyword(node, "allow_credentials"))
    return None


def _wildcard_regex(expr: ast.AST | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value in {".*", "^.*$", ".+", "https?://.*"}


@rule(
    id="AS329", name="cors-any-origin", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Call, ast.Assign), cwe=942,
)  # fmt: skip
def cors_any_origin(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Cross-origin requests are allowed from every site (CWE-942).

    ## What it finds
    `CORS(app)` (flask-cors, whose default is every origin) or `CORS(app, origins="*")`,
    `CORSMiddleware` with `allow_origins=["*"]`, Django's `CORS_ALLOW_ALL_ORIGINS = True`,
    and a handler setting `Access-Control-Allow-Origin` to `"*"` or to the request's own
    `Origin` header unchecked. With credentials allowed as well the finding is an error: any site the
    user visits can then act with their cookies. Lists of named origins stay silent.

    ## Why it matters for AI-written code
    "Fix the CORS error" is answered with `CORS(app)` or `allow_origins=["*"]`: the error
    disappears for the developer's front end and for every other site on the internet.
    Reflecting the `Origin` header (`headers["Access-Control-Allow-Origin"] =
    request.headers["Origin"]`) is the same with credentials included.

    ## Example
    ```python
    from flask import Flask
    from flask_cors import CORS

    app = Flask(__name__)
    CORS(app)
    ```

    ## Use instead
    ```python
    from flask import Flask
    from flask_cors import CORS

    app = Flask(__name__)
    CORS(app, origins=["https://app.example.com"])
    ```
    """
    if isinstance(node, ast.Call):
        opened = _origin_set_by(ctx, node)
        if opened is None:
            return
        what, credentials = opened
        yield _finding(
            ctx,
            node,
            f"{what} allows cross-origin requests from every site"
            + (" with credentials" if credentials else ""),
            evidence={"setting": ctx.segment(node), "credentials": credentials},
            fix="List the origins that may call the API (origins=[...] / allow_origins=[...]).",
            severity=Severity.ERROR if credentials else None,
        )
        return
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return
    target = node.targets[0]
    if isinstance(target, ast.Name) and target.id in _DJANGO_SETTINGS and _true(node.value):
        yield _finding(
            ctx,
            node,
            f"{target.id} = True allows cross-origin requests from every site",
            evidence={"setting": target.id, "credentials": False},
            fix="Set CORS_ALLOWED_ORIGINS to the origins that may call the API instead.",
        )
        return
    if not (
        isinstance(target, ast.Subscript)
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
        and target.slice.value.lower() == _ALLOW_ORIGIN
    ):
        return
    # an origin checked first (`if origin not in ALLOWED: return ...`) is an allow-list
    reflected = _tainted(ctx, node.value, node, _REQUEST) is not None
    if not (_wildcard(node.value) and isinstance(node.value, ast.Constant)) and not reflected:
        return
    yield _finding(
        ctx,
        node,
        "Access-Control-Allow-Origin is set to "
        + ("the request's own origin (any site)" if reflected else '"*"'),
        evidence={"setting": ctx.segment(node), "reflected": reflected, "credentials": reflected},
        fix="Answer with the origin only when it is in an allow-list of known origins.",
        severity=Severity.ERROR if reflected else None,
    )
