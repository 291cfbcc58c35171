"""AS330 `cipher-weak-mode`: ECB mode, or a fixed IV/nonce."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import module_flows
from assay.rules.security._common import _argument, _callee, _finding
from assay.syntax import last_name

__all__: list[str] = []


#: pycryptodome/pycrypto block ciphers: ``AES.new(key, mode, iv)``.
_PYCRYPTO_CIPHERS = frozenset({"AES", "DES", "DES3", "Blowfish", "CAST", "ARC2"})
#: cryptography's modes that take an IV or nonce as their first argument.
_IV_MODES = frozenset({"CBC", "CFB", "CFB8", "OFB", "CTR", "GCM"})
_MODES_MODULE = "cryptography.hazmat.primitives.ciphers.modes"


def _fixed_bytes(ctx: Context, expr: ast.AST | None, at: ast.AST, depth: int = 0) -> bool:
    """A value the code fixes: a bytes/str literal, ``b"\\0" * 16``, ``bytes(16)``,
    ``"...".encode()``, or a name bound only to one of those (locally or in the module)."""
    if expr is None or depth > 3:
        return False
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, (bytes, str))
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mult):
        return _fixed_bytes(ctx, expr.left, at, depth + 1) or _fixed_bytes(
            ctx, expr.right, at, depth + 1
        )
    if isinstance(expr, ast.Call):
        if last_name(expr.func) in {"bytes", "bytearray"}:
            return all(isinstance(a, ast.Constant) for a in expr.args)
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "encode":
            return isinstance(expr.func.value, ast.Constant)
        if _callee(ctx, expr) == "bytes.fromhex":
            return all(isinstance(a, ast.Constant) for a in expr.args)
        return False
    if isinstance(expr, ast.Name):
        flows = module_flows(ctx).of(at)
        values = flows.assigned_values(expr.id, getattr(at, "lineno", 0))
        if not values and not flows.bindings.get(expr.id):
            values = [
                s.value
                for s in ctx.tree.body
                if isinstance(s, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == expr.id for t in s.targets)
            ]
        return bool(values) and all(_fixed_bytes(ctx, v, at, depth + 1) for v in values)
    return False


def _pycrypto(ctx: Context, node: ast.Call) -> tuple[str, int, ast.AST] | None:
    """(problem, CWE, where) for ``AES.new(key, AES.MODE_ECB)`` or a fixed ``iv=``."""
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "new"):
        return None
    owner = last_name(node.func.value)
    if owner not in _PYCRYPTO_CIPHERS:
        return None
    mode = _argument(node, 1, "mode")
    if isinstance(mode, ast.Attribute) and mode.attr == "MODE_ECB":
        return f"{owner}.new() uses ECB mode", 327, mode
    iv = _argument(node, 2, "iv") or _keyword_any(node, "nonce", "IV")
    if _fixed_bytes(ctx, iv, node):
        return f"{owner}.new() is given a fixed IV/nonce", 329, iv if iv is not None else node
    return None


def _keyword_any(node: ast.Call, *names: str) -> ast.expr | None:
    for keyword in node.keywords:
        if keyword.arg in names:
            return keyword.value
    return None


@rule(
    id="AS330", name="cipher-weak-mode", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=329,
)  # fmt: skip
def cipher_weak_mode(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A block cipher runs in ECB mode or with an IV/nonce fixed in the code
    (CWE-329, CWE-327).

    ## What it finds
    pycryptodome's `AES.new(key, AES.MODE_ECB)` (Bandit's B305 only sees the
    `cryptography` package's ECB), and a constant IV or nonce: `AES.new(key,
    AES.MODE_CBC, b"0000000000000000")`, `modes.CBC(b"\\x00" * 16)`, `modes.GCM(NONCE)`
    with `NONCE = b"..."`. IVs from `os.urandom`, `secrets.token_bytes` or `get_random_bytes`
    stay silent.

    ## Why it matters for AI-written code
    Encryption examples are made deterministic so they "work" twice: a zero IV, a nonce
    constant, or ECB because it needs no IV. ECB shows patterns of the plaintext; a fixed
    CBC IV reveals equal message prefixes; a repeated GCM/CTR nonce gives away the XOR of
    two plaintexts and, for GCM, the authentication key.

    ## Example
    ```python
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    def encryptor(key):
        return Cipher(algorithms.AES(key), modes.CBC(b"\\x00" * 16)).encryptor()
    ```

    ## Use instead
    ```python
    import os

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    def encryptor(key):
        iv = os.urandom(16)
        return iv, Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ```
    """
    if not isinstance(node, ast.Call):
        return
    found = _pycrypto(ctx, node)
    callee = _callee(ctx, node)
    mode = callee.rsplit(".", 1)[-1]
    if (
        found is None
        and mode in _IV_MODES
        and (
            callee.startswith(_MODES_MODULE)
            or last_name(getattr(node.func, "value", node)) == "modes"
        )
    ):
        iv = _argument(node, 0, "initialization_vector", "nonce")
        if _fixed_bytes(ctx, iv, node):
            found = f"modes.{mode}() is given a fixed IV/nonce", 329, node
    if found is None:
        return
    problem, cwe, _ = found
    yield _finding(
        ctx,
        node,
        problem,
        evidence={"cipher_call": ctx.segment(node), "cwe": cwe},
        fix="Use an authenticated mode (AES-GCM via cryptography's AESGCM) with a fresh "
        "random nonce per message (os.urandom(12)), stored next to the ciphertext.",
    )
