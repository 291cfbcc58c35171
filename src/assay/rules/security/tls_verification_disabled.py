"""AS313 `tls-verification-disabled`: TLS verification off."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.naming import words
from assay.rules.security._common import _callee, _finding, _is_const, _keyword
from assay.syntax import last_name

__all__: list[str] = []


_HTTP_VERBS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream",
     "Client", "AsyncClient", "Session", "urlopen", "TCPConnector", "ClientSession"}
)  # fmt: skip


def _tls_off(ctx: Context, node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        callee = _callee(ctx, node)
        if callee in {"ssl._create_unverified_context", "ssl._create_stdlib_context"}:
            return f"{callee}()"
        http = callee.split(".")[0] in {"requests", "httpx", "aiohttp", "urllib3"} or (
            last_name(node.func) in _HTTP_VERBS
        )
        for name in ("verify", "ssl", "verify_ssl"):
            if http and _is_const(_keyword(node, name), False):
                return f"{name}=False"
        cert_reqs = _keyword(node, "cert_reqs")
        if cert_reqs is not None and (
            _is_const_str(cert_reqs, "CERT_NONE") or last_name(cert_reqs) == "CERT_NONE"
        ):
            return "cert_reqs=CERT_NONE"
        return None
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
        attribute = target.attr if isinstance(target, ast.Attribute) else None
        if attribute == "verify_mode" and last_name(value) == "CERT_NONE":
            return "verify_mode = CERT_NONE"
        if attribute == "check_hostname" and _is_const(value, False):
            return "check_hostname = False"
        if attribute == "verify" and _is_const(value, False):
            return f"{ctx.segment(target)} = False"
        if attribute == "_create_default_https_context" and last_name(value) == "_create_unverified_context":  # fmt: skip
            return "ssl._create_default_https_context = ssl._create_unverified_context"
    return None


_OPTION_WORDS = frozenset({"verify", "insecure", "ssl", "tls", "cert", "certificate", "unsafe"})


def _behind_an_option(ctx: Context, node: ast.AST) -> bool:
    """Inside ``if verify is False:`` / ``if insecure:``: the caller opted out explicitly
    (a library implementing its documented ``verify=False``), not a blanket switch-off."""
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, ast.If):
            for name in ast.walk(ancestor.test):
                text = name.id if isinstance(name, ast.Name) else getattr(name, "attr", None)
                if text and set(words(text)) & _OPTION_WORDS:
                    return True
    return False


#: ssl.SSLContext's own verification attributes.
_CONTEXT_ATTRIBUTES = frozenset({"check_hostname", "verify_mode"})


def _wrapper_default(ctx: Context, node: ast.AST) -> bool:
    """``self.check_hostname = False`` in the ``__init__`` of a class with no base class: the
    class mirrors ``ssl.SSLContext``'s interface (a wrapper around another TLS library) and
    initialises its own attribute; it is not an SSLContext, and its users set the value."""
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return False
    target = node.targets[0]
    if not (
        isinstance(target, ast.Attribute)
        and target.attr in _CONTEXT_ATTRIBUTES
        and isinstance(target.value, ast.Name)
    ):
        return False
    function = ctx.enclosing_function(node)
    if function is None or function.name != "__init__" or not function.args.args:
        return False
    if target.value.id != function.args.args[0].arg:
        return False
    owner = ctx.parent(function)
    return isinstance(owner, ast.ClassDef) and all(
        isinstance(base, ast.Name) and base.id == "object" for base in owner.bases
    )


def _is_const_str(expr: ast.AST, text: str) -> bool:
    return isinstance(expr, ast.Constant) and expr.value == text


@rule(
    id="AS313", name="tls-verification-disabled", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call, ast.Assign), cwe=295,
)  # fmt: skip
def tls_verification_disabled(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Certificate verification is turned off for TLS connections (CWE-295).

    ## What it finds
    `requests`/`httpx`/`aiohttp` calls and clients with `verify=False`, `ssl=False` or
    `verify_ssl=False`; `ssl._create_unverified_context()`; `ctx.verify_mode = ssl.CERT_NONE`;
    `ctx.check_hostname = False`; `session.verify = False`; `cert_reqs="CERT_NONE"`; and the
    global `ssl._create_default_https_context = ssl._create_unverified_context`. Settings
    made inside `if verify is False:` / `if insecure:` (a library implementing an explicit
    opt-out its caller chose) are not reported, nor is `self.check_hostname = False` in the
    `__init__` of a class without base classes (a wrapper mirroring `ssl.SSLContext`'s
    interface sets its own default; a subclass of `ssl.SSLContext` doing so is reported).

    ## Why it matters for AI-written code
    `SSLError: certificate verify failed` is a common question, and `verify=False` the most
    common answer. It silences the error by accepting any certificate, so any network
    position can read and change the traffic.

    ## Example
    ```python
    import requests

    def fetch(url):
        return requests.get(url, verify=False, timeout=10).json()
    ```

    ## Use instead
    ```python
    import requests

    def fetch(url, ca_bundle="/etc/ssl/certs/internal-ca.pem"):
        return requests.get(url, verify=ca_bundle, timeout=10).json()
    ```
    """
    what = _tls_off(ctx, node)
    if what is None or _behind_an_option(ctx, node) or _wrapper_default(ctx, node):
        return
    yield _finding(
        ctx,
        node,
        f"TLS certificate verification is disabled ({what})",
        evidence={"setting": what},
        fix="Keep verification on; for a private CA pass its bundle (verify='/path/ca.pem', "
        "ssl.create_default_context(cafile=...)) or install it in the system store.",
    )
