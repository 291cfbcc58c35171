"""Look-ups the hallucination rules share: what kind of package a top-level name is, whether
a line is guarded by a version/platform test, and what an import-rooted name or a method on a
receiver of evident type resolves to.
"""

from __future__ import annotations

import ast
from functools import lru_cache

from assay.knowledge.resolve import (
    OTHER_PYTHON_STDLIB,
    RUNTIME_MODULES,
    STDLIB_MODULES,
    ApiLookup,
    ApiResolver,
    is_installed,
    offline_index,
)
from assay.rules._context import Context
from assay.rules.hallucination._file_state import (
    PATH_TYPES,
    FileState,
    declared_type,
    literal_type,
    rebound,
)

__all__ = [
    "attribute_target",
    "checkable",
    "guarded",
    "import_modules",
    "import_tops",
    "method_lookup",
    "prefetch",
    "resolver",
    "top_kind",
]

_GUARD_EXCEPTIONS = frozenset(
    {"ImportError", "ModuleNotFoundError", "AttributeError", "Exception", "BaseException"}
)
#: Words (lower-cased) in an `if` test that make the branch version/platform specific.
_GUARD_WORDS = (
    "version_info",
    "sys.version",
    "platform",
    "os.name",
    "hasattr",
    "type_checking",
    "py2",
    "py3",
    "pypy",
    "implementation",
    "windows",
    "win32",
    "macos",
    "darwin",
    "linux",
)
_STR_TO_STR = frozenset(
    {
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "title",
        "casefold",
        "replace",
        "format",
        "capitalize",
        "swapcase",
        "zfill",
        "center",
        "ljust",
        "rjust",
        "removeprefix",
        "removesuffix",
        "expandtabs",
    }
)
#: Modules that exist for type checkers only (typeshed), never at run time.
_TYPING_ONLY_MODULES = frozenset({"__future__", "_typeshed", "typeshed"})


@lru_cache(maxsize=1)
def resolver() -> ApiResolver:
    """The one API resolver of the process (its surfaces serve every file of a run)."""
    return ApiResolver()


def top_kind(top: str, ctx: Context) -> str:
    """``stdlib``, ``project``, ``installed``, ``runtime`` (built into a runtime such as
    Pyodide), ``known`` (on PyPI, not installed) or ``unknown``."""
    if top in STDLIB_MODULES or top in _TYPING_ONLY_MODULES or top in OTHER_PYTHON_STDLIB:
        return "stdlib"
    if top in ctx.project_modules:
        return "project"
    if top in RUNTIME_MODULES and not is_installed(top):
        return "runtime"
    if is_installed(top):
        return "installed"
    if offline_index().distribution_for(top) is not None:
        return "known"
    return "unknown"


def guarded(node: ast.AST, ctx: Context) -> bool:
    """True when `node` runs only under a try/except ImportError or a version/platform test."""
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, ast.Try) and any(_catches_guard(h) for h in ancestor.handlers):
            return True
        if isinstance(ancestor, (ast.If, ast.IfExp)):
            test = ast.unparse(ancestor.test).lower()
            if any(word in test for word in _GUARD_WORDS):
                return True
    return False


def _catches_guard(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, ast.Name) and k.id in _GUARD_EXCEPTIONS for k in kinds)


def import_tops(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The top-level package names an absolute import statement imports."""
    return [module.split(".")[0] for module in import_modules(node)]


def import_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted module names an absolute import statement imports."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0 and node.module:
        return [node.module]
    return []


def checkable(top: str, ctx: Context) -> bool:
    """True when `top` can be described from real objects: standard or installed."""
    return top_kind(top, ctx) in {"stdlib", "installed"}


def prefetch(ctx: Context, state: FileState) -> None:
    """Describe every checkable module the file imports in one batch, once per file."""
    if state.prefetched_api:
        return
    state.prefetched_api = True
    modules: list[str] = ["builtins"]
    statements = {id(b.node): b.node for b in ctx.imports.values()}
    for node in statements.values():
        if isinstance(node, ast.Import):
            dotted = [alias.name for alias in node.names]
        elif node.level == 0 and node.module:
            dotted = [node.module]
        else:
            continue
        for name in dotted:
            parts = name.split(".")
            if checkable(parts[0], ctx):
                modules += [".".join(parts[: i + 1]) for i in range(len(parts))]
    resolver().prefetch(modules)


def attribute_target(node: ast.Attribute, ctx: Context, state: FileState) -> str | None:
    """The qualified name of the import-rooted chain ending at `node`, if any.

    Inner links of a chain are looked up too (no parent map needed);
    `unknown_module_attribute` reports each missing name once per chain."""
    if not isinstance(node.ctx, ast.Load):
        return None
    root: ast.expr = node
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id not in ctx.imports:
        return None
    if rebound(root, ctx, state):
        return None
    return ctx.qualname(node)


def _receiver_type(expr: ast.expr, ctx: Context, state: FileState) -> tuple[str, str] | None:
    """(module, class) of an expression whose type is evident from the source."""
    literal = literal_type(expr)
    if literal is not None:
        return literal
    if isinstance(expr, ast.Call):
        if ctx.qualname(expr.func) in PATH_TYPES:
            return ("pathlib", "Path")
        method = expr.func
        if isinstance(method, ast.Attribute) and method.attr in _STR_TO_STR:
            if _receiver_type(method.value, ctx, state) == ("builtins", "str"):
                return ("builtins", "str")
    if isinstance(expr, ast.Name):
        return declared_type(expr, ctx, state)
    return None


def method_lookup(node: ast.Attribute, ctx: Context, state: FileState) -> ApiLookup | None:
    """The attribute `node` names on a receiver of evident type, or None if not evident."""
    receiver = _receiver_type(node.value, ctx, state)
    if receiver is None or not isinstance(node.ctx, ast.Load):
        return None
    module, cls = receiver
    prefetch(ctx, state)
    members = resolver().class_members(module, cls)
    if members is None:
        return None
    return resolver().member(
        members,
        node.attr,
        owner=cls if module == "builtins" else f"{module}.{cls}",
        qualname=f"{cls}.{node.attr}",
        instance=True,
    )
