"""AS316 `hardcoded-credential`: passwords and keys written into the source."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.naming import identifier, is_password_name, is_secret_name, is_test_path
from assay.rules.security._common import _callee, _finding
from assay.syntax import last_name

__all__: list[str] = []


#: Database drivers whose ``connect(host, user, password, ...)`` takes the password third.
_POSITIONAL_PASSWORD = frozenset({"MySQLdb.connect", "pymysql.connect", "MySQLdb.Connect"})
#: Credentials inside a connection string: ``password=...`` (libpq) or ``user:pass@`` (URLs).
_IN_DSN = re.compile(r"(?:\bpassword\s*=\s*[^\s;'\"]+)|(?://[^/\s:@]+:[^/\s@]+@)", re.IGNORECASE)
#: Placeholders that stand for a value supplied later, not a credential.
_PLACEHOLDER = re.compile(r"^(?:\$\{?\w+\}?|%\(\w+\)s|\{\w*\}|<[^>]*>|\*+|x+|\.\.\.)$", re.I)


def _credential_literal(expr: ast.AST | None, *, empty: bool = False) -> str | None:
    """The text of a string literal usable as a credential (empty only where `empty`)."""
    if not isinstance(expr, ast.Constant) or not isinstance(expr.value, str):
        return None
    value = expr.value
    if (not value and not empty) or _PLACEHOLDER.match(value):
        return None
    return value


def _masked(value: str) -> str:
    """The literal as shown in a report: never the whole secret."""
    if not value:
        return "''"
    return repr(value[:2] + "…") if len(value) > 3 else repr(value[:1] + "…")


def _compared_password(node: ast.Compare) -> tuple[str, str] | None:
    """``password == "hunter2"``: the password's name and the literal it is checked against."""
    if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        return None
    left, right = node.left, node.comparators[0]
    for named, literal in ((left, right), (right, left)):
        value = _credential_literal(literal)
        name = identifier(named)
        if value is not None and name is not None and is_password_name(name):
            return name, value
    return None


def _may_hold_credentials(node: ast.Call) -> bool:
    """A literal argument at all, before the callee is resolved (most calls have none)."""
    return any(
        isinstance(k.value, ast.Constant) and isinstance(k.value.value, str) for k in node.keywords
    ) or any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args)


def _call_credentials(ctx: Context, node: ast.Call) -> Iterator[tuple[ast.AST, str, str]]:
    """(where, what, literal) for each credential a call is given as a literal."""
    if not _may_hold_credentials(node):
        return
    callee = _callee(ctx, node)
    connects = last_name(node.func).lower() == "connect" or callee.endswith(".connect")
    for keyword in node.keywords:
        if keyword.arg is None or not (
            is_password_name(keyword.arg) or is_secret_name(keyword.arg)
        ):
            continue
        value = _credential_literal(keyword.value, empty=connects)
        if value is not None:
            yield keyword.value, f"{keyword.arg}=", value
    if callee in _POSITIONAL_PASSWORD and len(node.args) >= 3:
        value = _credential_literal(node.args[2], empty=True)
        if value is not None:
            yield node.args[2], "the password argument", value
    if connects or callee.endswith("create_engine"):
        for argument in node.args:
            text = _credential_literal(argument)
            if text is not None and _IN_DSN.search(text):
                yield argument, "the connection string", text


@rule(
    id="AS316", name="hardcoded-credential", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Compare, ast.Call), cwe=798,
)  # fmt: skip
def hardcoded_credential(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A password or key is written into the code (hard-coded credentials, CWE-798).

    ## What it finds
    A password checked against a string literal (`if password == "admin":`), and literals
    passed as credentials: keyword arguments named like a password or key
    (`connect(user="root", passwd="root")`, `Client(api_key="sk-...")`), the third
    positional argument of `MySQLdb.connect`/`pymysql.connect`, and connection strings with a
    password in them (`"postgresql://app:s3cret@db/app"`, `"dbname=x password=y"`). An empty
    password counts for database connections (`passwd=""` logs in as a user with no
    password). Values read from the environment, a settings object or a parameter stay
    silent, as do placeholders (`"${DB_PASSWORD}"`, `"***"`), empty strings compared against
    (a presence check) and test files. Bandit's B105/B106 (LOW) report part of this; their
    result on the same line is attached to this finding.

    ## Why it matters for AI-written code
    Asked for a login check or a database connection, assistants fill in
    `username == "admin" and password == "password"` or `passwd="root"` to make the example
    run. Anyone who reads the code (or the wheel, or the container image) has the account,
    and rotating it means a release.

    ## Example
    ```python
    import MySQLdb

    def connect():
        return MySQLdb.connect(host="db", user="app", passwd="s3cret", db="app")
    ```

    ## Use instead
    ```python
    import os

    import MySQLdb

    def connect():
        return MySQLdb.connect(
            host="db", user="app", passwd=os.environ["DB_PASSWORD"], db="app"
        )
    ```
    """
    if isinstance(node, ast.Compare):
        compared = _compared_password(node)
        if compared is None or is_test_path(ctx.path):
            return
        name, value = compared
        yield _finding(
            ctx,
            node,
            f"{name!r} is checked against the literal {_masked(value)}: a password in the code",
            evidence={"credential": name, "kind": "compared", "cwe_also": [259]},
            fix="Look the account up in a user store and compare hashes "
            "(hmac.compare_digest on a KDF's output); keep secrets out of the source.",
        )
        return
    if not isinstance(node, ast.Call) or not _may_hold_credentials(node):
        return
    if is_test_path(ctx.path):
        return
    callee = _callee(ctx, node)
    for where, what, value in _call_credentials(ctx, node):
        yield _finding(
            ctx,
            where,
            f"{callee}() is given {what} as the literal {_masked(value)}: a credential in the code",
            evidence={"credential": what, "kind": "argument", "sink": callee, "cwe_also": [259]},
            fix="Read the credential from the environment or a secret store "
            '(os.environ["DB_PASSWORD"]) instead of writing it into the source.',
        )
