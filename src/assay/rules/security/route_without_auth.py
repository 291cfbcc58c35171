"""AS320 `route-without-auth`: a sensitive route left out of the app's login check."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import is_route
from assay.rules.security._common import _finding
from assay.rules.security._web import (
    ROUTE_DECORATOR,
    STATE_CHANGING,
    Function,
    decorator_name,
    name_words,
    route_paths_and_methods,
    routes,
    source_mentions,
)
from assay.syntax import own_nodes

__all__: list[str] = []


#: Words of a decorator or dependency that checks who is calling.
_AUTH_WORDS = frozenset(
    {"login", "logged", "auth", "authenticated", "authenticate", "authorized", "authorised",
     "authorize", "authorise", "authorization", "permission", "permissions", "role", "roles",
     "admin", "jwt", "signed", "staff", "superuser", "user"}
)  # fmt: skip
#: Words that make a name an authentication *check* rather than, say, a user model.
_CHECK_WORDS = frozenset(
    {"required", "require", "requires", "ensure", "only", "check", "protected", "needed",
     "must", "current", "verify", "logged", "authenticated", "authorized", "authorised"}
)  # fmt: skip
#: Routes that must be reachable without logging in.
_PUBLIC_WORDS = frozenset(
    {"login", "logout", "signin", "signup", "register", "registration", "index", "home",
     "static", "health", "healthz", "ping", "status", "public", "reset", "forgot", "callback",
     "about", "favicon", "robots", "docs", "openapi", "verify", "confirm", "activate", "oauth",
     "webhook", "hook", "token", "sitemap", "contact"}
)  # fmt: skip
#: Words of a route that reads or changes what only its owner or an admin should.
_SENSITIVE_WORDS = frozenset(
    {"admin", "settings", "setting", "account", "profile", "secret", "dashboard", "manage",
     "config", "configuration", "delete", "remove", "update", "edit", "change", "password",
     "billing", "payment", "private", "users", "email", "transfer", "withdraw", "upload"}
)  # fmt: skip
#: Names whose use in a handler's body shows it checks the caller itself.
_INLINE_CHECKS = frozenset(
    {"current_user", "is_authenticated", "login_required", "get_current_user", "user_id",
     "check_auth", "require_login", "authenticate", "verify_token", "get_jwt_identity"}
)  # fmt: skip


def _is_auth_name(name: str) -> bool:
    parts = name_words(name)
    return bool(parts & _AUTH_WORDS) and bool(parts & _CHECK_WORDS)


def _defined_auth_decorators(tree: ast.Module) -> set[str]:
    """Module functions shaped like a decorator (return an inner function) named as a check."""
    found: set[str] = set()
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        inner = {
            n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        returns = {
            n.value.id
            for n in node.body
            if isinstance(n, ast.Return) and isinstance(n.value, ast.Name)
        }
        if inner & returns and _is_auth_name(node.name):
            found.add(node.name)
    return found


def _authenticated(function: Function, decorators: set[str]) -> bool:
    """The route has an auth decorator or dependency, or checks the caller in its body."""
    for decorator in function.decorator_list:
        name = decorator_name(decorator)
        if name in decorators or _is_auth_name(name):
            return True
    arguments = function.args
    for default in [*arguments.defaults, *arguments.kw_defaults]:
        if isinstance(default, ast.Call) and default.args:
            if any(_is_auth_name(decorator_name(a)) for a in default.args):
                return True  # FastAPI: Depends(get_current_user)
    for node in own_nodes(function.body):
        if isinstance(node, ast.Name) and node.id in _INLINE_CHECKS:
            return True
        if isinstance(node, ast.Attribute) and node.attr in _INLINE_CHECKS:
            return True
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "session"
        ):
            return True  # reads who is logged in from the session
        if isinstance(node, ast.Call) and _is_auth_name(decorator_name(node)):
            return True
    return False


@rule(
    id="AS320", name="route-without-auth", family=Family.SECURITY,
    severity=Severity.WARNING, kind="module", cwe=306,
)  # fmt: skip
def route_without_auth(ctx: Context) -> Iterator[Finding]:
    """A sensitive route lacks the login check the app uses on other routes (CWE-306).

    ## What it finds
    In a module that has an authentication decorator — one it defines (a decorator named
    like `ensure_logged_in`, `login_required`, `admin_only`) or one it puts on some route —
    a route without it (or a `Depends(get_current_user)`, or a check of `current_user` /
    `session[...]` in its body) whose methods change state (POST, PUT, PATCH, DELETE) or
    whose path or name is about accounts, settings, admin pages, uploads or deletion. Login,
    logout, registration, password-reset, index and health routes are meant to be public and
    stay silent, as do modules with no authentication at all (assay cannot tell a public API
    from an unprotected one).

    ## Why it matters for AI-written code
    Asked to add one more page to an app, assistants write the route and forget the
    decorator every neighbouring route carries; the app looks protected and the new
    `/settings` or `/delete_user` is open to anyone (missing authentication for a critical
    function; for role checks, missing authorization, CWE-862).

    ## Example
    ```python
    from functools import wraps

    from flask import Flask, redirect, session

    app = Flask(__name__)

    def login_required(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if "user" not in session:
                return redirect("/login")
            return view(*args, **kwargs)
        return wrapper

    @app.route("/settings", methods=["POST"])
    def settings():
        return "saved"
    ```

    ## Use instead
    ```python
    from functools import wraps

    from flask import Flask, redirect, session

    app = Flask(__name__)

    def login_required(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if "user" not in session:
                return redirect("/login")
            return view(*args, **kwargs)
        return wrapper

    @app.route("/settings", methods=["POST"])
    @login_required
    def settings():
        return "saved"
    ```
    """
    if not source_mentions(ctx, ROUTE_DECORATOR):
        return
    handlers = list(routes(ctx.tree))
    decorators = _defined_auth_decorators(ctx.tree)
    used = {
        decorator_name(d)
        for function in handlers
        for d in function.decorator_list
        if _is_auth_name(decorator_name(d))
    }
    if not decorators and not used:
        return
    shown = sorted(decorators | used)
    for function in handlers:
        if not is_route(function) or _authenticated(function, decorators):
            continue
        paths, methods = route_paths_and_methods(function)
        about = name_words(function.name, *paths)
        if about & _PUBLIC_WORDS or (paths and all(p.strip() == "/" for p in paths)):
            continue
        changing = sorted(methods & STATE_CHANGING)
        sensitive = sorted(about & _SENSITIVE_WORDS)
        if not changing and not sensitive:
            continue
        why = f"answers {'/'.join(changing)}" if changing else f"is about {sensitive[0]!r}"
        yield _finding(
            ctx,
            function,
            f"route {function.name}() {why} but has none of the app's login checks "
            f"({', '.join(shown)})",
            evidence={
                "route": function.name,
                "paths": paths,
                "methods": sorted(methods),
                "auth_decorators": shown,
                "cwe_also": [862],
            },
            fix=f"Decorate the route with @{shown[0]} (or check the caller first), or state "
            "why it is public.",
        )
