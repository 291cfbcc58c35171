"""AS310 `secret-compared-with-eq`: secret comparison with `==`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import module_flows
from assay.rules._support.naming import identifier, is_secret_name, is_test_path, words
from assay.rules.security._common import _finding
from assay.syntax import dotted_name, last_name

__all__: list[str] = []


_COMPARED_SECRETS = frozenset(
    {"signature", "sig", "hmac", "mac", "token", "secret", "apikey", "otp", "csrf", "password",
     "passwd", "pwd"}
)  # fmt: skip


def _compared_secret(expr: ast.AST) -> str | None:
    if isinstance(expr, ast.Call):
        called = last_name(expr.func)
        if called in {"len", "bool", "type", "isinstance"}:
            return None
        if called in {"hexdigest", "digest"} and _is_hmac(expr.func):
            return "hmac digest"
    name = identifier(expr)
    if name is None:
        return None
    parts = words(name)
    if set(parts) & _NOT_COMPARED_SECRETS or (name.isupper() and len(parts) > 1):
        return None  # default_model_signature, TOKEN_OPERATOR: not secrets
    if is_secret_name(name) or set(parts) & _COMPARED_SECRETS:
        return name
    return None


#: Words that make a secret-looking name something else (a Python signature, a token kind).
_NOT_COMPARED_SECRETS = frozenset(
    {"type", "count", "name", "id", "len", "default", "model", "func", "function", "method",
     "call", "param", "params", "kind", "lexer", "parser", "next", "last", "prev", "current"}
)  # fmt: skip


@rule(
    id="AS310", name="secret-compared-with-eq", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Compare,), cwe=208,
)  # fmt: skip
def secret_compared_with_eq(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A token, signature or password is compared with `==` (timing side channel, CWE-208).

    ## What it finds
    `a == b` / `a != b` where both sides are named like secrets (`request_token !=
    stored_token`, `headers.get("X-Api-Key") == api_key`), or one side is a keyed digest
    (`hmac.new(...).hexdigest()`, or a local assigned from one). Comparisons with `None`,
    literals or UPPER_CASE constants, of lengths or types, of names that are about something
    else (`token_type`, `next_token`, `default_signature`), inside `__eq__`, and in test files
    stay silent.

    ## Why it matters for AI-written code
    `if request.headers["X-Signature"] == expected:` is how webhook verification is
    usually sketched. `==` stops at the first differing byte, so response times leak how
    much of a guess is right.

    ## Example
    ```python
    import hashlib
    import hmac

    def verify(body, signature, key):
        expected = hmac.new(key, body, hashlib.sha256).hexdigest()
        return signature == expected
    ```

    ## Use instead
    ```python
    import hashlib
    import hmac

    def verify(body, signature, key):
        expected = hmac.new(key, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature, expected)
    ```
    """
    if not isinstance(node, ast.Compare):
        return
    if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        return
    if is_test_path(ctx.path):
        return
    function = ctx.enclosing_function(node)
    if function is not None and function.name in {"__eq__", "__ne__"}:
        return  # comparing two credential objects for equality, not checking a secret
    left, right = node.left, node.comparators[0]
    if isinstance(left, ast.Constant) or isinstance(right, ast.Constant):
        return
    # Both sides must look secret (``request_token != stored_token``), or one side is a
    # keyed digest (``signature == expected`` with ``expected = hmac.new(...)``): a lexer's
    # ``token == other`` compares token kinds, not credentials.
    named = [_compared_secret(side) for side in (left, right)]
    derived = (
        [_derived_secret(side, node, ctx) for side in (left, right)]
        if "hmac" in ctx.source
        else [None, None]
    )
    secret = next((n for n in named if n), None)
    keyed = any(derived) or "hmac digest" in named
    if secret is None and any(derived):
        secret = next(d for d in derived if d)
    if secret is None or not (all(named) or keyed):
        return
    yield _finding(
        ctx,
        node,
        f"{secret!r} is compared with {'==' if isinstance(node.ops[0], ast.Eq) else '!='}, "
        "which leaks timing",
        evidence={"left": ctx.segment(left), "right": ctx.segment(right)},
        fix="Compare secrets in constant time: hmac.compare_digest(a, b) "
        "(or secrets.compare_digest).",
    )


def _derived_secret(expr: ast.AST, at: ast.AST, ctx: Context) -> str | None:
    """A local name assigned from ``....hexdigest()`` / ``hmac.new(...)`` is a digest."""
    if not isinstance(expr, ast.Name):
        return None
    flows = module_flows(ctx).of(at)
    for value in flows.assigned_values(expr.id, getattr(at, "lineno", 0)):
        if _is_hmac(value):
            return expr.id
    return None


def _is_hmac(expr: ast.AST) -> bool:
    """True when `expr` involves ``hmac.new(...)``/``hmac.digest(...)`` (a keyed digest)."""
    for inner in ast.walk(expr):
        if isinstance(inner, ast.Call):
            called = dotted_name(inner.func) or ""
            if called in {"hmac.new", "hmac.digest", "hmac.HMAC"}:
                return True
    return False
