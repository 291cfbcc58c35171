"""AS324 `ldap-query-from-input`: LDAP injection."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _argument, _tainted_finding
from assay.rules.security._sinks import _USER, _tainted
from assay.rules.security._web import source_mentions

__all__: list[str] = []


#: python-ldap search methods: (base, scope, filterstr, ...).
_PYTHON_LDAP = frozenset({"search", "search_s", "search_st", "search_ext", "search_ext_s"})
#: ldap3 ``Connection.search(search_base, search_filter, ...)``.
_LDAP3 = frozenset({"search", "search_paged"})


_IMPORTS_LDAP = re.compile(r"^\s*(?:from|import)\s+ldap3?\b", re.MULTILINE)


def _uses(ctx: Context, package: str) -> bool:
    if not source_mentions(ctx, _IMPORTS_LDAP):
        return False
    return any(b.target.split(".")[0] == package for b in ctx.imports.values())


@rule(
    id="AS324", name="ldap-query-from-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=90,
)  # fmt: skip
def ldap_query_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Input is pasted into an LDAP search filter or base DN (LDAP injection, CWE-90).

    ## What it finds
    In a module using `ldap` (python-ldap) or `ldap3`, a `search*` call whose filter or base
    DN is assembled (f-string, `+`, `%`, `.format`) from request data, `input()` or a
    parameter. Values passed through `ldap.filter.escape_filter_chars` /
    `ldap3.utils.conv.escape_filter_chars` (or `escape_dn_chars`) stay silent, as do
    constant filters.

    ## Why it matters for AI-written code
    `f"(&(uid={username})(objectClass=person))"` is how generated directory lookups are
    written. A username of `*)(uid=*))(|(uid=*` turns the lookup into "every user", which
    defeats login checks built on it and leaks the directory.

    ## Example
    ```python
    import ldap
    from flask import Flask, request

    app = Flask(__name__)

    @app.get("/user")
    def user():
        conn = ldap.initialize("ldap://localhost")
        name = request.args["name"]
        return str(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={name})"))
    ```

    ## Use instead
    ```python
    import ldap
    from ldap.filter import escape_filter_chars
    from flask import Flask, request

    app = Flask(__name__)

    @app.get("/user")
    def user():
        conn = ldap.initialize("ldap://localhost")
        name = escape_filter_chars(request.args["name"])
        return str(conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={name})"))
    ```
    """
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return
    method = node.func.attr
    parts: list[ast.expr | None] = []
    if _uses(ctx, "ldap") and method in _PYTHON_LDAP:
        parts = [_argument(node, 2, "filterstr"), _argument(node, 0, "base")]
    elif _uses(ctx, "ldap3") and method in _LDAP3:
        parts = [_argument(node, 1, "search_filter"), _argument(node, 0, "search_base")]
    for part in parts:
        if part is None:
            continue
        tainted = _tainted(ctx, part, node, _USER)
        if tainted is None or not tainted[0].interpolated:
            continue
        flow = tainted[0]
        yield _tainted_finding(
            ctx,
            node,
            flow,
            _USER,
            lambda source: f"{method}() runs an LDAP query built from {source}",
            evidence={"sink": method, "query": ctx.segment(part)},
            fix="Escape every value put into a filter with escape_filter_chars (and DNs with "
            "escape_dn_chars) before formatting it in.",
        )
        return
