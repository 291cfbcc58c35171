"""AS308 `secret-in-log`: secrets in logs."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import FunctionFlow, module_flows
from assay.rules._support.naming import identifier, is_secret_name, is_test_path, words
from assay.rules.security._common import _finding
from assay.syntax import dotted_name, last_name, log_call

__all__: list[str] = []


_MASKING = ("mask", "redact", "hash", "len", "bool", "obfuscat", "censor", "hide")


def _module_words(ctx: Context) -> set[str]:
    """The words of the module names this file imports (`import token`, `from .token import
    tok_name`, `from . import token`): in such a file a secret-looking word that names an
    imported module is that module's subject (lexical tokens), not a credential."""
    found: set[str] = set()
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.update(alias.name.split("."))
        elif isinstance(node, ast.ImportFrom):
            found.update((node.module or "").split("."))
            if node.module is None:
                # `from . import token`: what a package-relative import names is a module
                found.update(alias.asname or alias.name for alias in node.names)
    found.update(b.local for b in ctx.imports.values() if b.is_module)
    found.discard("")
    return found


def _secret_reference(ctx: Context, expr: ast.AST, flows: FunctionFlow) -> str | None:
    """The first secret-named value inside `expr` that is printed unmasked: a secret name,
    or a local dict built with a secret key (``settings = {"api_key": ...}``)."""
    stack: list[ast.AST] = [expr]
    modules = _module_words(ctx)
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Call):
            called = (dotted_name(current.func) or last_name(current.func)).lower()
            if any(word in called for word in _MASKING):
                continue
        if isinstance(current, ast.Subscript) and isinstance(current.slice, ast.Slice):
            continue
        name = identifier(current)
        if (
            name is not None
            and is_secret_name(name)
            and not _is_loop_variable(current, flows)
            and not set(words(name)) <= modules
        ):
            return ctx.segment(current)
        if isinstance(current, ast.Subscript) and name is not None:
            continue  # settings["debug"]: one named, non-secret entry of the container
        if isinstance(current, ast.Name):
            key = _secret_key_of_local_dict(current, flows)
            if key is not None:
                return f"{current.id}[{key!r}]"
        if isinstance(current, ast.Compare):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(current))))
    return None


def _secret_key_of_local_dict(name: ast.Name, flows: FunctionFlow) -> str | None:
    for value in flows.assigned_values(name.id, name.lineno):
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and is_secret_name(key.value)
                    and not isinstance(item, ast.Constant)
                ):
                    return key.value
    return None


def _is_loop_variable(expr: ast.AST, flows: FunctionFlow) -> bool:
    if not isinstance(expr, ast.Name):
        return False
    return any(b.loop for b in flows.bindings.get(expr.id, ()))


@rule(
    id="AS308", name="secret-in-log", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=532,
)  # fmt: skip
def secret_in_log(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A password, token or API key is printed or logged (CWE-532).

    ## What it finds
    `print(...)` and `logger.<level>(...)` calls whose arguments include a value named like a
    secret (`password`, `api_key`, `access_token`, `client_secret`, `config["SECRET_KEY"]`),
    or a local dict built with such a key from a non-constant value
    (`settings = {"api_key": os.environ[...]}` then `print(settings)`).
    Names about a secret rather than holding one (`token_count`, `password_field`,
    `max_tokens`), loop variables over tokens, masked values (`mask(token)`, `token[:4]`,
    `len(password)`) and string literals that merely mention a password stay silent, and so
    does a word that names a module the file imports (`token` in a tokenizer that imports a
    `token` module: there it means a lexeme, not a credential).

    ## Why it matters for AI-written code
    Debug prints written "to check it works" (`print(f"Using key {api_key}")`) survive into
    production and put credentials in log files, CI output and crash reports.

    ## Example
    ```python
    import logging

    logger = logging.getLogger(__name__)

    def connect(user, password):
        logger.info("connecting as %s with %s", user, password)
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)

    def connect(user, password):
        logger.info("connecting as %s", user)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    sink = log_call(node)
    if sink is None or is_test_path(ctx.path):
        return
    flows = module_flows(ctx).of(node)
    for argument in [*node.args, *(k.value for k in node.keywords if k.arg not in {"exc_info"})]:
        secret = _secret_reference(ctx, argument, flows)
        if secret is not None:
            yield _finding(
                ctx,
                node,
                f"{sink}() writes the secret {secret!r} to the output",
                evidence={"sink": sink, "secret": secret},
                fix="Log that the secret is present (or its last 4 characters), never the "
                "secret itself.",
            )
            return
