"""AS328 `cookie-without-flags`: a session cookie readable by scripts or sent over HTTP."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.naming import identifier, is_secret_name, words
from assay.rules.security._common import _argument, _finding, _keyword

__all__: list[str] = []


#: Cookie names that carry who the client is.
_SESSION_WORDS = frozenset(
    {"session", "sess", "sid", "auth", "token", "jwt", "login", "remember", "csrf", "user"}
)


def _sensitive_cookie(name: ast.AST | None, value: ast.AST | None) -> str | None:
    """The cookie's name when it (or the value set) reads as a session or credential."""
    shown = None
    if isinstance(name, ast.Constant) and isinstance(name.value, str):
        shown = name.value
        if set(words(name.value)) & _SESSION_WORDS or is_secret_name(name.value):
            return shown
    if value is not None:
        held = identifier(value)
        if held is not None and (set(words(held)) & _SESSION_WORDS or is_secret_name(held)):
            return shown or held
    return None


def _unset(call: ast.Call, flag: str) -> bool:
    """The flag is missing or literally false (a variable may be configuration: not judged)."""
    value = _keyword(call, flag)
    return value is None or (isinstance(value, ast.Constant) and not value.value)


@rule(
    id="AS328", name="cookie-without-flags", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Call,), cwe=1004,
)  # fmt: skip
def cookie_without_flags(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A session or token cookie is set without `httponly=True` or `secure=True`
    (CWE-1004, CWE-614).

    ## What it finds
    `response.set_cookie(name, value, ...)` (Flask, Werkzeug, Django, Starlette) for a
    cookie whose name or value reads as a session, login or token (`session_id`,
    `auth_token`, `remember_me`) and that lacks `httponly=True` (scripts can read it) or
    `secure=True` (it is sent over plain HTTP). Flags given as variables are configuration
    and are not judged; cookies that hold no credential (`theme`, `lang`) stay silent.

    ## Why it matters for AI-written code
    `resp.set_cookie("session_id", token)` is the shortest working answer, and every flag
    defaults to off. One XSS anywhere on the site then reads the session from
    `document.cookie`, and any plain-HTTP request (a captive portal, a mixed-content image)
    sends it in clear text.

    ## Example
    ```python
    from flask import Flask, make_response

    app = Flask(__name__)

    @app.post("/login")
    def login():
        response = make_response("ok")
        response.set_cookie("session_id", "generated-token")
        return response
    ```

    ## Use instead
    ```python
    from flask import Flask, make_response

    app = Flask(__name__)

    @app.post("/login")
    def login():
        response = make_response("ok")
        response.set_cookie(
            "session_id", "generated-token", httponly=True, secure=True, samesite="Lax"
        )
        return response
    ```
    """
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return
    if node.func.attr != "set_cookie":
        return
    name = _argument(node, 0, "key")
    cookie = _sensitive_cookie(name, _argument(node, 1, "value"))
    if cookie is None:
        return
    missing = [flag for flag in ("httponly", "secure") if _unset(node, flag)]
    if not missing:
        return
    # the weakness named first is the one present: HttpOnly missing (1004), else Secure (614)
    cwes = [1004 if m == "httponly" else 614 for m in missing]
    yield _finding(
        ctx,
        node,
        f"cookie {cookie!r} is set without {' and '.join(f'{m}=True' for m in missing)}",
        evidence={"cookie": cookie, "missing": missing, "cwe": cwes[0], "cwe_also": cwes[1:]},
        fix="Set session cookies with httponly=True, secure=True and samesite='Lax' (or 'Strict').",
    )
