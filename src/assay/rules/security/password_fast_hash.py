"""AS309 `password-fast-hash`: fast password hashes."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import FunctionFlow, module_flows
from assay.rules._support.naming import identifier, is_password_name, words
from assay.rules.security._common import _argument, _callee, _finding
from assay.rules.security._sinks import _names_in

__all__: list[str] = []


_FAST_HASHES = frozenset(
    {
        "hashlib.md5", "hashlib.sha1", "hashlib.sha224", "hashlib.sha256", "hashlib.sha384",
        "hashlib.sha512", "hashlib.sha3_256", "hashlib.sha3_512", "hashlib.blake2b",
        "hashlib.blake2s", "hashlib.new",
    }
)  # fmt: skip


def _password_in(expr: ast.AST) -> str | None:
    for child in ast.walk(expr):
        name = identifier(child)
        if name is not None and is_password_name(name):
            return name
    return None


def _salted(expr: ast.AST, flows: FunctionFlow, line: int) -> bool:
    return any("salt" in words(name) for name in _names_in(expr, flows, line))


@rule(
    id="AS309", name="password-fast-hash", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=916,
)  # fmt: skip
def password_fast_hash(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A password is hashed with a fast hash (MD5/SHA-1/SHA-256...) instead of a KDF (CWE-916).

    ## What it finds
    `hashlib.md5/sha1/sha256/...(password...)`, `hashlib.new(name, password)` and
    `h.update(password)` on such a hash object, where the hashed value is named like a
    password. Without a salt the finding is an error (CWE-916 and CWE-328: identical passwords
    give identical hashes, rainbow tables apply); with a salt it is a warning (still billions
    of guesses per second on a GPU). A password kept that way is also an insufficiently
    protected credential (CWE-522: a stolen table gives the passwords back).
    `hashlib.pbkdf2_hmac`, `scrypt`, bcrypt and argon2 stay silent, as do fast hashes of data
    that is not a password.

    ## Why it matters for AI-written code
    `hashlib.sha256(password.encode()).hexdigest()` is the most common "hash the password"
    answer; it looks like security and offers almost none.

    ## Example
    ```python
    import hashlib

    def store_password(password):
        return hashlib.sha256(password.encode()).hexdigest()
    ```

    ## Use instead
    ```python
    import hashlib
    import os

    def store_password(password):
        salt = os.urandom(16)
        return salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    data: ast.expr | None = None
    if callee in _FAST_HASHES:
        data = _argument(node, 1 if callee == "hashlib.new" else 0, "data", "string")
    elif (
        isinstance(node.func, ast.Attribute)
        and node.func.attr == "update"
        and node.args
        and _password_in(node.args[0]) is not None
    ):
        receiver = node.func.value
        flows = module_flows(ctx).of(node)
        if isinstance(receiver, ast.Name) and any(
            isinstance(v, ast.Call) and _callee(ctx, v) in _FAST_HASHES
            for v in flows.assigned_values(receiver.id, node.lineno)
        ):
            data, callee = node.args[0], f"{receiver.id}.update"
    if data is None:
        return
    password = _password_in(data)
    if password is None:
        return
    salted = _salted(data, module_flows(ctx).of(node), node.lineno)
    yield _finding(
        ctx,
        node,
        f"{callee}() hashes {password!r} with a fast hash"
        + (" (salted, still brute-forceable)" if salted else " and no salt"),
        evidence={"hash": callee, "password": password, "salted": salted, "cwe_also": [328, 522]},
        fix="Use a password KDF: hashlib.scrypt / hashlib.pbkdf2_hmac with a random salt "
        "and a high iteration count, or bcrypt/argon2 (passlib, argon2-cffi).",
        severity=Severity.WARNING if salted else None,
    )
