"""AS311 `random-for-secrets`: `random` for secrets."""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.naming import identifier, words
from assay.rules.security._common import _callee, _finding

__all__: list[str] = []


_RANDOM_FUNCTIONS = frozenset(
    {"random.choice", "random.choices", "random.randint", "random.random", "random.randrange",
     "random.getrandbits", "random.sample", "random.shuffle", "random.randbytes",
     "random.uniform", "numpy.random.randint", "numpy.random.choice"}
)  # fmt: skip
_RANDOM_SECRET_WORDS = frozenset(
    {"token", "password", "passwd", "pwd", "secret", "otp", "salt", "nonce", "apikey", "csrf",
     "passphrase", "pin", "session", "sessionid"}
)  # fmt: skip
_CODE_QUALIFIERS = frozenset(
    {"verification", "reset", "activation", "confirmation", "invite", "recovery", "auth",
     "login", "security", "one", "access"}
)  # fmt: skip


def _secret_purpose(name: str) -> bool:
    parts = words(name)
    if set(parts) & _RANDOM_SECRET_WORDS:
        return True
    pairs = set(itertools.pairwise(parts))
    if ("api", "key") in pairs or ("secret", "key") in pairs:
        return True
    return "code" in parts and bool(set(parts) & _CODE_QUALIFIERS)


def _random_purpose(ctx: Context, call: ast.Call) -> str | None:
    function = ctx.enclosing_function(call)
    for ancestor in ctx.ancestors(call):
        if isinstance(ancestor, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = ancestor.targets if isinstance(ancestor, ast.Assign) else [ancestor.target]
            for target in targets:
                name = identifier(target)
                if name is not None and _secret_purpose(name):
                    if _only_feeds_other_values(ctx, target, function):
                        return None
                    return name
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ancestor.name if _secret_purpose(ancestor.name) else None
    return None


def _only_feeds_other_values(
    ctx: Context, target: ast.AST, function: ast.FunctionDef | ast.AsyncFunctionDef | None
) -> bool:
    """True when the local `target` is only an ingredient: every read of it builds another
    local whose name says no secret (`token = random.randrange(n)` then `boundary = "=" *
    15 + fmt % token`), inside a function whose name says no secret either. The secret word
    named an intermediate; what leaves the function is the other value."""
    if not isinstance(target, ast.Name) or function is None or _secret_purpose(function.name):
        return False
    reads = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and node.id == target.id and isinstance(node.ctx, ast.Load)
    ]
    if not reads:
        return False
    for read in reads:
        statement = next((a for a in ctx.ancestors(read) if isinstance(a, ast.stmt)), None)
        if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
            return False
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if not all(isinstance(t, ast.Name) and not _secret_purpose(t.id) for t in targets):
            return False
    return True


@rule(
    id="AS311", name="random-for-secrets", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=330,
)  # fmt: skip
def random_for_secrets(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """The `random` module generates a token, password, OTP or salt (CWE-330).

    ## What it finds
    `random.choice/choices/randint/random/getrandbits/...` used where the result is a secret:
    assigned to a name like `token`, `password`, `otp`, `reset_code`, `api_key`, or inside a
    function named so (`generate_token`). `random.SystemRandom()`, `secrets` and `random`
    used for simulations, sampling or shuffling data stay silent, and so does a secret-named
    local that is only an ingredient of other values named without a secret word, in a
    function so named (`token = random.randrange(n)` only feeding `boundary = ... % token`
    in `make_boundary()`).

    ## Why it matters for AI-written code
    `"".join(random.choices(string.ascii_letters, k=32))` is the first answer for "generate
    a token"; Mersenne Twister output is predictable after 624 observed values.

    ## Example
    ```python
    import random
    import string

    def generate_token(length=32):
        return "".join(random.choices(string.ascii_letters + string.digits, k=length))
    ```

    ## Use instead
    ```python
    import secrets

    def generate_token(length=32):
        return secrets.token_urlsafe(length)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee not in _RANDOM_FUNCTIONS:
        return
    purpose = _random_purpose(ctx, node)
    if purpose is None:
        return
    yield _finding(
        ctx,
        node,
        f"{callee}() makes {purpose!r}, but `random` is predictable",
        evidence={"generator": callee, "purpose": purpose},
        fix="Use the secrets module: secrets.token_urlsafe(), secrets.token_hex(), "
        "secrets.choice(alphabet) or secrets.randbelow(n).",
    )
