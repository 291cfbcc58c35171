"""Look-ups the hallucination rules share: what kind of package a top-level name is, whether
a line is guarded by a version/platform test, and what an import-rooted name or a method on a
receiver of evident type resolves to.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from functools import lru_cache

from assay.knowledge.infer import FileInference
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
    """The attribute `node` names on a receiver of evident or inferred type, or None if
    neither is known."""
    if not isinstance(node.ctx, ast.Load):
        return None
    receiver = _receiver_type(node.value, ctx, state)
    if receiver is None:
        if id(node) not in state.inferred:
            state.inferred[id(node)] = _inferred_lookup(node, ctx, state)
        return state.inferred[id(node)]
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


#: Receivers that are the method's own object: their class is the file's, never installed.
_SELF_NAMES = frozenset({"self", "cls", "mcs", "metacls"})
#: Modules of interface types (`typing.IO`, `collections.abc.Mapping`): a value annotated with
#: one is an instance of some concrete class with more members.
_INTERFACE_MODULES = frozenset(
    {"typing", "typing_extensions", "collections.abc", "_typeshed", "abc"}
)


def _worth_inferring(expr: ast.expr, ctx: Context, state: FileState) -> bool:
    """Receivers whose type jedi may know and the evident-type rules do not: call results,
    subscripts, attributes of objects and names, when their value can come from a standard or
    installed module (jedi is not asked about the project's own objects: their classes
    cannot be described, and asking costs seconds per file)."""
    if isinstance(expr, ast.Name) and (expr.id in _SELF_NAMES or expr.id in ctx.imports):
        return False
    if isinstance(expr, ast.Attribute) and attribute_target(expr, ctx, state) is not None:
        # An import-rooted chain (`np.linalg`) is a module attribute: AS102's question.
        return False
    if not isinstance(expr, (ast.Call, ast.Subscript, ast.Name, ast.Attribute)):
        return False
    return _seeded(expr, ctx, state, depth=0)


#: How many name bindings and local-function returns a seed is followed through.
_SEED_DEPTH = 6


def _seeded(expr: ast.expr, ctx: Context, state: FileState, *, depth: int) -> bool:
    """Whether `expr`'s value may come from an installed third-party module: its root is such
    an import, or a name, ``self`` attribute or local function whose bound values, returns or
    annotations are (followed `_SEED_DEPTH` steps). Each name is judged once per file (a
    name bound hundreds of times must not multiply the work); a cycle counts as no."""
    if depth > _SEED_DEPTH:
        return False
    while isinstance(expr, (ast.Call, ast.Subscript, ast.Attribute, ast.Await)):
        if (
            isinstance(expr, ast.Attribute)
            and isinstance(expr.value, ast.Name)
            and expr.value.id in _SELF_NAMES
        ):
            # `self.session`: what the class assigns to `self.session` anywhere.
            return _name_seeded(f".{expr.attr}", ctx, state, depth=depth)
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    if not isinstance(expr, ast.Name):
        return False
    binding = ctx.imports.get(expr.id)
    if binding is not None:
        return top_kind(binding.target.split(".")[0], ctx) == "installed"
    return _name_seeded(expr.id, ctx, state, depth=depth)


def _name_seeded(key: str, ctx: Context, state: FileState, *, depth: int) -> bool:
    known = state.seeds.get(key)
    if known is not None:
        return known
    state.seeds[key] = False  # in progress: a cycle through this name adds nothing
    sources = state.bindings(ctx).get(key, [])
    found = any(_seeded(value, ctx, state, depth=depth + 1) for value in sources)
    state.seeds[key] = found
    return found


def _inferred_lookup(node: ast.Attribute, ctx: Context, state: FileState) -> ApiLookup | None:
    """The attribute `node` names on a receiver whose type jedi infers, checked against the
    class as the installed package really defines it (introspected, not guessed)."""
    receiver = node.value
    if node.attr.startswith("__") or not _worth_inferring(receiver, ctx, state):
        return None
    if receiver.end_lineno is None or receiver.end_col_offset is None:
        return None
    if state.inference is None:
        state.inference = FileInference(ctx.source, sys_path=resolver().sys_path)
    inferred = state.inference.type_at(receiver.end_lineno, receiver.end_col_offset)
    if (
        inferred is None
        or inferred.module in _INTERFACE_MODULES
        or not checkable(inferred.module.split(".")[0], ctx)
    ):
        return None
    detail = resolver().class_detail(inferred.module, inferred.name)
    if detail is None:
        return None
    parent = ctx.parent(node)
    hidden = detail.hides(called=isinstance(parent, ast.Call) and parent.func is node)
    # A __getattr__ that cannot make this name appear (it serves items, the name is called)
    # does not make a missing name unknown.
    members = (
        detail.members
        if hidden
        else {k: v for k, v in detail.members.items() if k != "__getattr__"}
    )
    found = resolver().member(
        members,
        node.attr,
        owner=inferred.qualname,
        qualname=f"{inferred.qualname}.{node.attr}",
        instance=True,
    )
    if found.status == "missing":
        if hidden or node.attr in detail.subclass_names:
            # typeshed's `Self` and factories declared to return a base class make jedi name
            # the base type: a subclass's name proves nothing missing.
            return None
        if node.end_lineno is None or node.end_col_offset is None:
            return None
        # dir() of a class misses what __init__ sets on the instance; jedi reads it.
        if state.inference.defines(node.end_lineno, node.end_col_offset) is not False:
            return None
    return replace(found, via="jedi")
