"""AS319 `login-reveals-accounts`: different answers for unknown user and wrong password."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.naming import identifier, is_password_name
from assay.rules.security._common import _finding
from assay.rules.security._web import source_mentions
from assay.syntax import last_name, own_nodes

__all__: list[str] = []


_ACCOUNT = r"(?:user(?:\s*name)?|account|login|e-?mail)"
_PASSWORD = r"(?:pass(?:word|wd)?|pw|pwd)"
#: "No such user", "Wrong username", "Username not found", "Account does not exist".
_UNKNOWN_ACCOUNT = re.compile(
    rf"\b(?:no\s+such|unknown|non-?existent|invalid|wrong|incorrect|bad)\s+{_ACCOUNT}\b"
    rf"|\b{_ACCOUNT}\b[^.!?]*?\b(?:not\s+found|does\s*n[o']t\s+exists?|not\s+exists?|"
    r"not\s+registered|unknown|not\s+recogni[sz]ed)",
    re.IGNORECASE,
)
#: "Wrong password", "Password is incorrect", "Invalid pw".
_WRONG_PASSWORD = re.compile(
    rf"\b(?:wrong|incorrect|invalid|bad)\s+{_PASSWORD}\b"
    rf"|\b{_PASSWORD}\b[^.!?]*?\b(?:wrong|incorrect|invalid|mismatch|does\s*n[o']t\s+match|"
    r"not\s+match|not\s+correct)",
    re.IGNORECASE,
)
_MENTIONS_PASSWORD = re.compile(rf"\b{_PASSWORD}\b|credential", re.IGNORECASE)
_MENTIONS_ACCOUNT = re.compile(rf"\b{_ACCOUNT}\b|credential", re.IGNORECASE)
_SENDERS = frozenset({"abort", "flash", "jsonify", "make_response", "Response", "HTTPException"})


def _messages(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[ast.AST, str]]:
    """(statement, text) for each string literal the function sends back: returned,
    raised, aborted with or flashed."""
    for node in own_nodes(function.body):
        sent: ast.AST | None = None
        if isinstance(node, ast.Return):
            sent = node.value
        elif isinstance(node, ast.Raise):
            sent = node.exc
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if last_name(node.value.func) in _SENDERS:
                sent = node.value
        if sent is None:
            continue
        for part in ast.walk(sent):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                yield node, part.value


def _handles_password(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    names = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    for node in own_nodes(function.body):
        name = identifier(node) if isinstance(node, (ast.Name, ast.Subscript)) else None
        if name is not None:
            names.append(name)
    return any(is_password_name(name) for name in names)


@rule(
    id="AS319", name="login-reveals-accounts", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.FunctionDef, ast.AsyncFunctionDef), cwe=204,
)  # fmt: skip
def login_reveals_accounts(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A login answers "no such user" and "wrong password" differently (CWE-204).

    ## What it finds
    A function that handles a password and sends back (returns, raises, aborts or flashes)
    one message saying the account does not exist ("No such user", "Username not found")
    and another saying the password is wrong ("Wrong password", "Password incorrect").
    One message for both cases ("Bad username or password", "Invalid credentials") stays
    silent.

    ## Why it matters for AI-written code
    Generated login handlers branch on "user found?" then "password matches?" and give each
    branch its own helpful message. The difference tells an attacker which usernames exist,
    the first half of credential stuffing and password spraying (observable response
    discrepancy, CWE-204, a kind of information exposure, CWE-200).

    ## Example
    ```python
    def login(users, username, password):
        user = users.get(username)
        if user is None:
            return "No such user"
        if not user.check(password):
            return "Wrong password"
        return "Welcome"
    ```

    ## Use instead
    ```python
    def login(users, username, password):
        user = users.get(username)
        if user is None or not user.check(password):
            return "Invalid username or password"
        return "Welcome"
    ```
    """
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return
    if not source_mentions(ctx, _UNKNOWN_ACCOUNT) or not source_mentions(ctx, _WRONG_PASSWORD):
        return
    unknown: tuple[ast.AST, str] | None = None
    wrong: tuple[ast.AST, str] | None = None
    for statement, text in _messages(node):
        if (
            unknown is None
            and _UNKNOWN_ACCOUNT.search(text)
            and not _MENTIONS_PASSWORD.search(text)
        ):
            unknown = (statement, text)
        if wrong is None and _WRONG_PASSWORD.search(text) and not _MENTIONS_ACCOUNT.search(text):
            wrong = (statement, text)
    if unknown is None or wrong is None or not _handles_password(node):
        return
    yield _finding(
        ctx,
        unknown[0],
        f"{node.name}() answers {unknown[1]!r} for an unknown account and {wrong[1]!r} for a "
        "wrong password: the difference tells which accounts exist",
        evidence={
            "function": node.name,
            "unknown_account": unknown[1],
            "wrong_password": wrong[1],
            "wrong_password_line": getattr(wrong[0], "lineno", None),
            "cwe_also": [203, 200],
        },
        fix='Give one answer for both cases ("Invalid username or password"), with the same '
        "status code and, ideally, the same timing.",
    )
