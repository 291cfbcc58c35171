"""AS312 `jwt-not-verified`: JWT without verification."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import module_flows
from assay.rules.security._common import _argument, _callee, _finding, _is_const, _keyword
from assay.rules.security._sinks import _names_in
from assay.syntax import last_name

__all__: list[str] = []


_JWT_DECODERS = frozenset({"jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"})


def _dict_literal(ctx: Context, expr: ast.AST, at: ast.AST) -> ast.Dict | None:
    if isinstance(expr, ast.Dict):
        return expr
    if isinstance(expr, ast.Call) and last_name(expr.func) == "dict":
        return ast.Dict(
            keys=[ast.Constant(k.arg) for k in expr.keywords],
            values=[k.value for k in expr.keywords],
        )
    if isinstance(expr, ast.Name):
        flows = module_flows(ctx).of(at)
        for value in flows.assigned_values(expr.id, getattr(at, "lineno", 0)):
            found = _dict_literal(ctx, value, at)
            if found is not None:
                return found
    return None


def _jwt_problems(ctx: Context, call: ast.Call) -> list[str]:
    problems: list[str] = []
    if _is_const(_keyword(call, "verify"), False):
        problems.append("verify=False")
    options = _keyword(call, "options")
    if options is not None:
        literal = _dict_literal(ctx, options, call)
        for key, value in zip(literal.keys if literal else [], literal.values if literal else [], strict=False):  # fmt: skip
            if isinstance(key, ast.Constant) and key.value == "verify_signature" and _is_const(value, False):  # fmt: skip
                problems.append('options={"verify_signature": False}')
    algorithms = _argument(call, 2, "algorithms")
    if algorithms is None and not problems:
        problems.append("no algorithms= list (the token's own header picks the algorithm)")
    elif algorithms is not None and any(
        isinstance(n, ast.Constant) and str(n.value).lower() == "none" for n in ast.walk(algorithms)
    ):
        problems.append('algorithms includes "none"')
    elif algorithms is not None and _from_unverified_header(ctx, algorithms, call):
        problems.append("algorithms taken from the token's own unverified header")
    return problems


def _from_unverified_header(ctx: Context, algorithms: ast.AST, call: ast.Call) -> bool:
    """``algorithms=[jwt.get_unverified_header(token)["alg"]]``, directly or via locals:
    the attacker chooses the algorithm (e.g. HS256 with the RSA public key as secret)."""
    flows = module_flows(ctx).of(call)
    sources: list[ast.AST] = [algorithms]
    for name in _names_in(algorithms, flows, call.lineno):
        sources.extend(flows.assigned_values(name, call.lineno))
    return any(
        isinstance(n, ast.Call) and last_name(n.func) == "get_unverified_header"
        for source in sources
        for n in ast.walk(source)
    )


@rule(
    id="AS312", name="jwt-not-verified", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=347,
)  # fmt: skip
def jwt_not_verified(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A JWT is decoded without verifying its signature or pinning algorithms (CWE-347).

    ## What it finds
    `jwt.decode(...)` (PyJWT, python-jose) with `verify=False`, with
    `options={"verify_signature": False}` (also through a local variable), without an
    `algorithms=[...]` list, with `"none"` among the algorithms, or with the algorithm read
    from the token's own unverified header (`jwt.get_unverified_header(token)["alg"]`).

    ## Why it matters for AI-written code
    When decoding fails in a snippet, the quickest "fix" an assistant suggests is to turn
    verification off; the code keeps working and now accepts tokens anyone can forge.

    ## Example
    ```python
    import jwt

    def current_user(token):
        claims = jwt.decode(token, options={"verify_signature": False})
        return claims["sub"]
    ```

    ## Use instead
    ```python
    import jwt

    def current_user(token, key):
        claims = jwt.decode(token, key, algorithms=["HS256"])
        return claims["sub"]
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee not in _JWT_DECODERS:
        return
    problems = _jwt_problems(ctx, node)
    if not problems:
        return
    yield _finding(
        ctx,
        node,
        f"{callee}() accepts unverified tokens: {'; '.join(problems)}",
        evidence={"decoder": callee, "problems": problems},
        fix="Verify with the key and a fixed algorithm list: jwt.decode(token, key, "
        'algorithms=["HS256"]) (RS256/ES256 with the public key).',
    )
