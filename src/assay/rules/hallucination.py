"""Hallucination rules: packages, modules, attributes, methods and signatures that do not exist.

Every verdict comes from `assay.knowledge.resolve`: the standard library and installed packages are
described from the real objects (in a separate interpreter, never importing the checked
code), unknown packages are looked up in the shipped PyPI index and, online, in the package
index pip uses. When a verdict cannot be certain (a module with ``__getattr__``, code under
a version or platform guard, a package that is not installed) the rules stay silent or say
``info``; they never guess.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from assay.config import Settings
from assay.knowledge.resolve import (
    OTHER_PYTHON_STDLIB,
    PYTHON_VERSION,
    STDLIB_MODULES,
    ApiLookup,
    ApiResolver,
    IndexAnswer,
    IndexClient,
    closest_names,
    installed_version,
    is_installed,
    normalize,
    offline_index,
    signature_problems,
)
from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule

__all__ = [
    "call_signature_mismatch",
    "unknown_api",
    "unknown_method",
    "unknown_package",
    "unverified_package",
]

#: A package first published this recently, or with this few releases, looks slopsquatted.
_NEW_PACKAGE_DAYS = 90
_FEW_RELEASES = 2
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
_BUILTIN_RECEIVERS = {
    ast.List: "list",
    ast.ListComp: "list",
    ast.Dict: "dict",
    ast.DictComp: "dict",
    ast.Set: "set",
    ast.SetComp: "set",
    ast.Tuple: "tuple",
    ast.JoinedStr: "str",
}
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
_ANNOTATION_TYPES = frozenset({"str", "bytes", "list", "dict", "set", "tuple", "int", "float"})
_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})
_BUILTIN_NAMES = frozenset(dir(builtins))
#: What an assistant usually meant by a method name borrowed from another language.
_FOREIGN_METHODS = {
    "push": "append",
    "contains": "the `in` operator",
    "includes": "the `in` operator",
    "has_key": "the `in` operator",
    "toUpperCase": "upper",
    "toLowerCase": "lower",
    "trim": "strip",
    "trimStart": "lstrip",
    "trimEnd": "rstrip",
    "length": "len(...)",
    "size": "len(...)",
    "indexOf": "index or find",
    "startsWith": "startswith",
    "endsWith": "endswith",
    "forEach": "a for loop",
    "substring": "slicing",
    "equals": "==",
    "charAt": "indexing",
    "isEmpty": "`not value`",
    "putAll": "update",
    "addAll": "extend",
    "removeAll": "a comprehension",
    "toString": "str(...)",
    "read": "read_text or read_bytes",
    "write": "write_text or write_bytes",
}
#: What an assistant usually meant by a standard-library name that does not exist.
_KNOWN_CONFUSIONS = {
    "os.path.splitall": "pathlib.PurePath(path).parts",
    "json.parse": "json.loads",
    "json.stringify": "json.dumps",
    "itertools.flatten": "itertools.chain.from_iterable",
    "math.clamp": "max(low, min(high, value))",
    "random.pick": "random.choice",
    "shutil.copy_tree": "shutil.copytree",
    "os.listfiles": "os.listdir or os.scandir",
    "string.vowels": 'a literal such as "aeiou"',
    "datetime.date.today_iso": "datetime.date.today().isoformat()",
    "collections.OrderedSet": "dict.fromkeys(items) (keeps order)",
    "time.now": "time.time or datetime.datetime.now",
    "os.getenv_bool": "os.getenv(...) plus an explicit parse",
    "re.escape_all": "re.escape",
    "subprocess.run_command": "subprocess.run",
    "asyncio.run_sync": "asyncio.run or asyncio.to_thread",
}
#: Markers of standard names that exist only on other platforms or implementations.
_OTHER_PLATFORM = (
    "win",
    "Win",
    "WIN",
    "darwin",
    "Darwin",
    "mac",
    "Proactor",
    "CTRL_",
    "msvcrt",
    "pypy",
)
#: Standard names that exist only on other platforms (Windows, macOS/BSD), by module.
_OTHER_PLATFORM_NAMES = {
    "ctypes": {
        "HRESULT",
        "FormatError",
        "GetLastError",
        "get_last_error",
        "set_last_error",
        "oledll",
        "OleDLL",
        "WINFUNCTYPE",
    },
    "os": {
        "startfile",
        "add_dll_directory",
        "O_BINARY",
        "O_NOINHERIT",
        "O_TEMPORARY",
        "O_RANDOM",
        "O_SEQUENTIAL",
        "O_SHORT_LIVED",
        "O_TEXT",
        "O_EXLOCK",
        "O_SHLOCK",
        "chflags",
        "lchflags",
        "lchmod",
        "get_handle_inheritable",
        "set_handle_inheritable",
    },
    "select": {"kqueue", "kevent", "devpoll"},
    "signal": {"SIGBREAK"},
    "socket": {
        "ioctl",
        "SIO_RCVALL",
        "SIO_KEEPALIVE_VALS",
        "SIO_LOOPBACK_FAST_PATH",
        "RCVALL_ON",
        "RCVALL_OFF",
        "RCVALL_MAX",
        "AF_SYSTEM",
        "SYSPROTO_CONTROL",
    },
    "subprocess": {
        "STARTUPINFO",
        "STARTF_USESHOWWINDOW",
        "STARTF_USESTDHANDLES",
        "SW_HIDE",
        "CREATE_NEW_CONSOLE",
        "CREATE_NEW_PROCESS_GROUP",
        "CREATE_NO_WINDOW",
        "DETACHED_PROCESS",
        "CREATE_DEFAULT_ERROR_MODE",
        "CREATE_BREAKAWAY_FROM_JOB",
        "ABOVE_NORMAL_PRIORITY_CLASS",
        "BELOW_NORMAL_PRIORITY_CLASS",
        "HIGH_PRIORITY_CLASS",
        "IDLE_PRIORITY_CLASS",
        "NORMAL_PRIORITY_CLASS",
        "REALTIME_PRIORITY_CLASS",
    },
    "sys": {"getwindowsversion", "dllhandle", "pypy_version_info"},
    "time": {"pthread_getcpuclockid"},
}


# --------------------------------------------------------------------------- per-file state


#: The functions whose body holds a node, innermost first.
_Chain = tuple[ast.AST, ...]


@dataclass
class _FileState:
    """What the rules work out once per file, lazily: rebound names, scopes, index answers."""

    tree: ast.Module
    answers: dict[str, IndexAnswer] = field(default_factory=dict)
    prefetched: bool = False
    prefetched_api: bool = False
    reported: set[tuple[str | None, int, int]] = field(default_factory=set)
    _analysis: tuple[dict[int, frozenset[str]], dict[int, _Chain], frozenset[str]] | None = None
    _scopes: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def analysis(
        self, ctx: Context
    ) -> tuple[dict[int, frozenset[str]], dict[int, _Chain], frozenset[str]]:
        """Scope bindings, Name scope chains and evident-type names (one pass, on demand)."""
        if self._analysis is None:
            self._analysis = _scope_bindings(ctx)
        return self._analysis


_last: list[tuple[Context, _FileState]] = []


def _state(ctx: Context) -> _FileState:
    if _last and _last[0][0] is ctx:
        return _last[0][1]
    state = _FileState(tree=ctx.tree)
    _last[:] = [(ctx, state)]
    return state


@lru_cache(maxsize=1)
def _resolver() -> ApiResolver:
    return ApiResolver()


_clients: dict[tuple[str | None, float, float], IndexClient] = {}


def _client(settings: Settings) -> IndexClient:
    """One client per index configuration, so its memory cache serves every file of a run."""
    key = (settings.index_url, settings.network_timeout, settings.cache_ttl_hours)
    if key not in _clients:
        _clients[key] = IndexClient(settings)
    return _clients[key]


def _scope_bindings(
    ctx: Context,
) -> tuple[dict[int, frozenset[str]], dict[int, _Chain], frozenset[str]]:
    """One pass over the file: the names each scope binds itself (module: key 0, functions:
    their id); for every Name node, the functions whose body holds it (innermost first); and
    the names annotated with, or assigned a literal of, an evident type somewhere."""
    scopes: dict[int, set[str]] = {0: set()}
    chains: dict[int, _Chain] = {}
    evident: set[str] = set()

    def visit(node: ast.AST, scope: set[str], chain: _Chain) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                if not isinstance(child, ast.Lambda):
                    scope.add(child.name)
                own = scopes.setdefault(id(child), set())
                arguments = child.args
                own.update(
                    a.arg
                    for a in [
                        *arguments.posonlyargs,
                        *arguments.args,
                        *arguments.kwonlyargs,
                        arguments.vararg,
                        arguments.kwarg,
                    ]
                    if a is not None
                )
                # Decorators, defaults and annotations run in the enclosing scope.
                body = child.body if isinstance(child.body, list) else [child.body]
                for part in ast.iter_child_nodes(child):
                    if part in body:
                        visit_one(part, own, (child, *chain))
                    else:
                        visit_one(part, scope, chain)
                continue
            visit_one(child, scope, chain)

    def visit_one(child: ast.AST, scope: set[str], chain: _Chain) -> None:
        if isinstance(child, ast.Name):
            chains[id(child)] = chain
            if not isinstance(child.ctx, ast.Load):
                scope.add(child.id)
        elif isinstance(child, ast.arg) and child.annotation is not None:
            if _annotation_type(child.annotation, ctx) is not None:
                evident.add(child.arg)
        elif isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
            if _annotation_type(child.annotation, ctx) is not None:
                evident.add(child.target.id)
        elif isinstance(child, ast.Assign) and len(child.targets) == 1:
            target = child.targets[0]
            if isinstance(target, ast.Name) and _literal_type(child.value) is not None:
                evident.add(target.id)
        elif isinstance(child, ast.ClassDef):
            scope.add(child.name)
        elif isinstance(child, ast.ExceptHandler) and child.name:
            scope.add(child.name)
        visit(child, scope, chain)

    visit(ctx.tree, scopes[0], ())
    bindings = {key: frozenset(names) for key, names in scopes.items()}
    return bindings, chains, frozenset(evident)


def _scopes_of(node: ast.AST, ctx: Context, state: _FileState) -> _Chain:
    """The functions whose *body* contains `node`, innermost first (not decorators/defaults)."""
    if isinstance(node, ast.Name):
        known = state.analysis(ctx)[1].get(id(node))
        if known is not None:
            return known
    scopes: list[ast.AST] = []
    child = node
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if child in ancestor.body:
                scopes.append(ancestor)
        elif isinstance(ancestor, ast.Lambda) and child is ancestor.body:
            scopes.append(ancestor)
        child = ancestor
    return tuple(scopes)


def _rebound(name: ast.Name, ctx: Context, state: _FileState) -> bool:
    """True when `name` may not refer to its import: rebound in its scope or the module."""
    bindings = state.analysis(ctx)[0]
    if name.id in bindings[0]:
        return True
    return any(
        name.id in bindings.get(id(scope), frozenset()) for scope in _scopes_of(name, ctx, state)
    )


def _declared_type(name: ast.Name, ctx: Context, state: _FileState) -> tuple[str, str] | None:
    """The evident type of `name` in its scope: annotated once, never assigned otherwise."""
    if name.id not in state.analysis(ctx)[2]:
        return None
    scopes = _scopes_of(name, ctx, state)
    scope: ast.AST = scopes[0] if scopes else ctx.tree
    table = state._scopes.get(id(scope))
    if table is None:
        table = _scope_types(scope, ctx)
        state._scopes[id(scope)] = table
    return table.get(name.id)


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """Nodes of `scope` itself, not of the functions, lambdas and classes nested in it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _scope_types(scope: ast.AST, ctx: Context) -> dict[str, tuple[str, str]]:
    """Names of `scope` with one evident type: annotated or literal-assigned exactly once."""
    declared: dict[str, set[tuple[str, str] | None]] = {}
    typed_targets: set[int] = set()
    stores: dict[str, int] = {}
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        arguments = scope.args
        for arg in [
            *arguments.posonlyargs,
            *arguments.args,
            *arguments.kwonlyargs,
            arguments.vararg,
            arguments.kwarg,
        ]:
            if arg is None:
                continue
            if arg.annotation is not None and arg not in (arguments.vararg, arguments.kwarg):
                declared.setdefault(arg.arg, set()).add(_annotation_type(arg.annotation, ctx))
            else:
                stores[arg.arg] = stores.get(arg.arg, 0) + 1
    for node in _own_nodes(scope):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            typed_targets.add(id(node.target))
            declared.setdefault(node.target.id, set()).add(_annotation_type(node.annotation, ctx))
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and (literal := _literal_type(node.value)) is not None
        ):
            # `tags = []` assigned once and never rebound: the type is evident.
            declared.setdefault(node.targets[0].id, set()).add(literal)
            typed_targets.add(id(node.targets[0]))
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            if id(node) not in typed_targets:
                stores[node.id] = stores.get(node.id, 0) + 1
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                stores[bound] = stores.get(bound, 0) + 1
        elif isinstance(node, ast.ExceptHandler) and node.name:
            stores[node.name] = stores.get(node.name, 0) + 1
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name):
            # isinstance(x, ...) / is_quoted_name(x): x may be a subclass with more methods.
            callee = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else (node.func.id if isinstance(node.func, ast.Name) else "")
            )
            if callee == "isinstance" or callee.lstrip("_").startswith("is_"):
                stores[node.args[0].id] = stores.get(node.args[0].id, 0) + 1
    table: dict[str, tuple[str, str]] = {}
    for name, types in declared.items():
        only = next(iter(types))
        if len(types) == 1 and only is not None and name not in stores:
            table[name] = only
    return table


def _literal_type(value: ast.expr) -> tuple[str, str] | None:
    if isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
        return ("builtins", type(value.value).__name__)
    for node_type, name in _BUILTIN_RECEIVERS.items():
        if isinstance(value, node_type):
            return ("builtins", name)
    return None


def _annotation_type(annotation: ast.expr, ctx: Context) -> tuple[str, str] | None:
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    if isinstance(annotation, ast.Name) and annotation.id in _ANNOTATION_TYPES:
        return ("builtins", annotation.id)
    if ctx.qualname(annotation) in _PATH_TYPES:
        return ("pathlib", "Path")
    return None


def _top_kind(top: str, ctx: Context) -> str:
    """``stdlib``, ``project``, ``installed``, ``known`` (on PyPI, not installed) or ``unknown``."""
    if top in STDLIB_MODULES or top in _TYPING_ONLY_MODULES or top in OTHER_PYTHON_STDLIB:
        return "stdlib"
    if top in ctx.project_modules:
        return "project"
    if is_installed(top):
        return "installed"
    if offline_index().distribution_for(top) is not None:
        return "known"
    return "unknown"


def _guarded(node: ast.AST, ctx: Context) -> bool:
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


def _import_tops(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if node.level == 0 and node.module:
        return [node.module.split(".")[0]]
    return []


# --------------------------------------------------------------------------- AS101 / AS105


def _index_answers(ctx: Context, state: _FileState) -> dict[str, IndexAnswer]:
    """Online answers for every unknown top-level import of the file, asked in one batch."""
    if ctx.settings.offline or state.prefetched:
        return state.answers
    state.prefetched = True
    unknown = [
        top
        for node in ast.walk(ctx.tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for top in _import_tops(node)
        if _top_kind(top, ctx) == "unknown"
    ]
    if unknown:
        state.answers = _client(ctx.settings).lookup(unknown)
    return state.answers


def _closest_packages(top: str) -> list[str]:
    """Similar real names, plus the real package an invented one is named after
    (``pandas_smart_utils`` -> ``pandas``)."""
    index = offline_index()
    pool = set(index.projects) | set(index.import_names) | STDLIB_MODULES
    similar = closest_names(normalize(top), pool) or closest_names(top, pool)
    stem = normalize(top).split("-")[0]
    stems = (
        [stem] if stem != normalize(top) and (stem in index.rank or stem in STDLIB_MODULES) else []
    )
    return list(dict.fromkeys([*similar, *stems]))[:4]


def _young_or_unused(answer: IndexAnswer) -> str | None:
    if answer.first_release:
        age = (date.today() - date.fromisoformat(answer.first_release)).days
        if age <= _NEW_PACKAGE_DAYS:
            return f"first published {answer.first_release} ({age} days ago)"
    if answer.releases is not None and answer.releases <= _FEW_RELEASES:
        return f"only {answer.releases} release(s) ever published"
    return None


@rule(
    id="AS101",
    name="unknown-package",
    family=Family.HALLUCINATION,
    severity=Severity.ERROR,
    nodes=(ast.Import, ast.ImportFrom),
)
def unknown_package(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """An import of a package that is not in the standard library, not installed, not part of
    the project and not a known PyPI project.

    ## What it finds
    A top-level import whose name is not a standard module, not installed here, not a module
    of the checked project, and neither a project name nor a known import name in assay's
    index of the 15,000 most downloaded PyPI projects. Online (the default), the package
    index pip is configured with is asked too; a name it knows but that was published very
    recently or almost never released is still reported, as a warning.

    ## Why it matters for AI-written code
    Assistants invent plausible package names (`flask_gpt`, `pandas_utils`). Attackers
    register such names on PyPI with malicious code ("slopsquatting"), so the first person
    who runs `pip install` on the suggestion installs malware. A name that does not exist at
    all is at best an `ImportError` waiting to happen.

    ## Example
    ```python
    import flask_autodoc_gpt

    app = flask_autodoc_gpt.App()
    ```

    ## Use instead
    ```python
    import json
    from flask import Flask

    app = Flask(__name__)
    ```
    ## Data
    The offline index (`assay/knowledge/data/pypi_index.json.gz`) holds the 15,000 most downloaded
    PyPI projects of the 30 days up to 2026-04-01 (hugovk/top-pypi-packages) and about 220
    import names that differ from their project names (`yaml` -> PyYAML). Rebuild it with
    `python scripts/build_pypi_index.py --top <top-pypi-packages-30-days.min.json.gz>`.
    Offline, a real but rarer project is reported too; the message says the check was
    offline, and online mode asks the index (`index-url`, `PIP_INDEX_URL` or pip's
    configuration; answers cached for `cache-ttl-hours`, bounded by `network-timeout`).
    """
    if not isinstance(node, (ast.Import, ast.ImportFrom)):
        return
    state = _state(ctx)
    for top in _import_tops(node):
        if _top_kind(top, ctx) != "unknown":
            continue
        answer = _index_answers(ctx, state).get(normalize(top))
        closest = _closest_packages(top)
        checked = [
            "standard library",
            "installed distributions",
            "this project's modules",
            f"offline PyPI index ({len(offline_index().projects):,} projects, "
            f"{offline_index().last_update})",
        ]
        evidence: dict[str, Any] = {"package": top, "closest": closest, "checked": checked}
        if answer is not None and answer.exists is not None:
            checked.append(answer.index)
        if answer is not None and answer.exists:
            shape = _young_or_unused(answer)
            if shape is None:
                continue
            evidence |= {"index_answer": answer.as_json(), "why": shape}
            yield ctx.finding(
                node,
                f"`{top}` exists on {answer.index} but was {shape}: a classic slopsquatting "
                "shape; check it is the package you meant"
                + (f" (well-known names: {', '.join(closest)})" if closest else ""),
                evidence=evidence,
                severity=Severity.WARNING,
            )
            continue
        where = (
            "not installed, not in this project, and not among the "
            f"{len(offline_index().projects):,} most downloaded PyPI projects (checked offline)"
        )
        if answer is not None and answer.exists is False:
            where = f"not installed, not in this project, and not on {answer.index}"
        hint = f"; closest real names: {', '.join(closest)}" if closest else ""
        yield ctx.finding(
            node,
            f"`{top}` is not a known package: not in the standard library, {where}{hint}",
            evidence=evidence,
            severity=Severity.INFO if _guarded(node, ctx) else None,
            fix=f"replace `{top}` with a real package{' such as ' + closest[0] if closest else ''}",
        )


@rule(
    id="AS105",
    name="unverified-package",
    family=Family.HALLUCINATION,
    severity=Severity.INFO,
    nodes=(ast.Import, ast.ImportFrom),
)
def unverified_package(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """An import of a real PyPI package that is not installed, so its API was not verified.

    ## What it finds
    A top-level import of a known PyPI project (in assay's offline index) that is not
    installed in the environment assay runs in.

    ## Why it matters for AI-written code
    assay checks modules, attributes and signatures against the installed package. When it
    is missing, those checks cannot run, and saying nothing would look like "verified". This
    finding says what was *not* checked; install the project's dependencies to check it.

    ## Example
    ```python
    import tensorflow_datasets as tfds

    ds = tfds.load("mnist")
    ```

    ## Use instead
    ```python
    import json

    data = json.loads("{}")
    ```
    """
    if not isinstance(node, (ast.Import, ast.ImportFrom)):
        return
    for top in _import_tops(node):
        if _top_kind(top, ctx) != "known" or _guarded(node, ctx):
            continue
        distribution = offline_index().distribution_for(top)
        yield ctx.finding(
            node,
            f"not verified: `{top}` (PyPI project `{distribution}`) is not installed, so its "
            "modules, attributes and signatures were not checked",
            evidence={"package": top, "distribution": distribution, "installed": False},
            fix=f"pip install {distribution}",
        )


# --------------------------------------------------------------------------- AS102


def _checkable(top: str, ctx: Context) -> bool:
    return _top_kind(top, ctx) in {"stdlib", "installed"}


def _prefetch(ctx: Context, state: _FileState) -> None:
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
            if _checkable(parts[0], ctx):
                modules += [".".join(parts[: i + 1]) for i in range(len(parts))]
    _resolver().prefetch(modules)


def _where(top: str) -> str:
    if top in STDLIB_MODULES:
        return f"Python {PYTHON_VERSION}"
    version = installed_version(top)
    return f"{top} {version}" if version else f"the installed {top}"


def _missing_finding(node: ast.AST, ctx: Context, found: ApiLookup, top: str) -> Finding | None:
    if found.missing is None or _guarded(node, ctx):
        return None
    owner, _, name = found.missing.rpartition(".")
    if top in STDLIB_MODULES and (
        any(marker in name for marker in _OTHER_PLATFORM)
        or name in _OTHER_PLATFORM_NAMES.get(owner, ())
    ):
        return None
    where = _where(top)
    closest = [f"{found.owner}.{c}" for c in found.closest]
    hint = f"; closest: {', '.join(f'`{c}`' for c in closest)}" if closest else ""
    severity = None
    if top in STDLIB_MODULES and ctx.settings.target_python > tuple(
        map(int, PYTHON_VERSION.split("."))
    ):
        severity = Severity.INFO
    evidence: dict[str, Any] = {
        "missing": found.missing,
        found.owner_kind: found.owner,
        "closest": closest,
    }
    meant = _KNOWN_CONFUSIONS.get(found.missing)
    if meant is not None:
        evidence["python_equivalent"] = meant
        hint += f"; in Python use {meant}"
    if top in STDLIB_MODULES:
        evidence["python"] = PYTHON_VERSION
    else:
        evidence["version"] = installed_version(top)
    return ctx.finding(
        node,
        f"`{found.missing}` does not exist in {where}{hint}",
        evidence=evidence,
        severity=severity,
        fix=f"use {meant or closest[0]}" if meant or closest else None,
    )


@rule(
    id="AS102",
    name="unknown-module-attribute",
    family=Family.HALLUCINATION,
    severity=Severity.ERROR,
    nodes=(ast.Import, ast.ImportFrom, ast.Attribute),
)
def unknown_api(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A module, attribute, function or class that the real (installed) package does not have.

    ## What it finds
    `import pkg.sub`, `from pkg import name` and `pkg.a.b` chains where a part does not exist
    in the standard library of the running Python or in the installed version of the
    package. The package is described from its real objects in a separate interpreter; the
    checked code is never imported. Names behind a module `__getattr__` are asked for
    explicitly; code under `try/except ImportError` or a version/platform test is skipped.

    ## Why it matters for AI-written code
    Assistants complete API names by analogy: `os.path.splitall`, `json.parse`,
    `itertools.flatten`, `requests.get_json`. The code reads well and fails only when that
    line runs, often in an error path nobody tested.

    ## Example
    ```python
    import os.path

    parts = os.path.splitall("/usr/local/bin")
    ```

    ## Use instead
    ```python
    import os.path
    from pathlib import PurePath

    parts = PurePath("/usr/local/bin").parts
    head, tail = os.path.split("/usr/local/bin")
    ```
    """
    state = _state(ctx)
    targets: list[str] = []
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names if "." in alias.name]
    elif isinstance(node, ast.ImportFrom):
        if node.level == 0 and node.module:
            targets = [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    elif isinstance(node, ast.Attribute):
        target = _attribute_target(node, ctx, state)
        targets = [target] if target else []
    for qualname in targets:
        top = qualname.split(".")[0]
        if not _checkable(top, ctx):
            continue
        _prefetch(ctx, state)
        found = _resolver().lookup(qualname)
        if found.status != "missing":
            continue
        key = (found.missing, getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        if key in state.reported:
            continue
        state.reported.add(key)
        if isinstance(node, ast.Attribute) and _in_annotation(node, ctx):
            continue
        finding = _missing_finding(node, ctx, found, top)
        if finding is not None:
            yield finding


def _attribute_target(node: ast.Attribute, ctx: Context, state: _FileState) -> str | None:
    """The qualified name of the import-rooted chain ending at `node`, if any.

    Inner links of a chain are looked up too (no parent map needed); `unknown_api` reports
    each missing name once per chain."""
    if not isinstance(node.ctx, ast.Load):
        return None
    root: ast.expr = node
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id not in ctx.imports:
        return None
    if _rebound(root, ctx, state):
        return None
    return ctx.qualname(node)


def _in_annotation(node: ast.AST, ctx: Context) -> bool:
    """True inside a type annotation: type checkers' names (typeshed-only) live there."""
    child = node
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, ast.arg) and child is ancestor.annotation:
            return True
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            child is ancestor.returns
        ):
            return True
        if isinstance(ancestor, ast.AnnAssign) and child is ancestor.annotation:
            return True
        if isinstance(ancestor, ast.stmt):
            return False
        child = ancestor
    return False


# --------------------------------------------------------------------------- AS103


def _receiver_type(expr: ast.expr, ctx: Context, state: _FileState) -> tuple[str, str] | None:
    """(module, class) of an expression whose type is evident from the source."""
    literal = _literal_type(expr)
    if literal is not None:
        return literal
    if isinstance(expr, ast.Call):
        if ctx.qualname(expr.func) in _PATH_TYPES:
            return ("pathlib", "Path")
        method = expr.func
        if isinstance(method, ast.Attribute) and method.attr in _STR_TO_STR:
            if _receiver_type(method.value, ctx, state) == ("builtins", "str"):
                return ("builtins", "str")
    if isinstance(expr, ast.Name):
        return _declared_type(expr, ctx, state)
    return None


def _method_lookup(node: ast.Attribute, ctx: Context, state: _FileState) -> ApiLookup | None:
    receiver = _receiver_type(node.value, ctx, state)
    if receiver is None or not isinstance(node.ctx, ast.Load):
        return None
    module, cls = receiver
    _prefetch(ctx, state)
    members = _resolver().class_members(module, cls)
    if members is None:
        return None
    return _resolver().member(
        members,
        node.attr,
        owner=cls if module == "builtins" else f"{module}.{cls}",
        qualname=f"{cls}.{node.attr}",
        instance=True,
    )


@rule(
    id="AS103",
    name="unknown-method",
    family=Family.HALLUCINATION,
    severity=Severity.ERROR,
    nodes=(ast.Attribute,),
)
def unknown_method(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A method or attribute that an object of an evident type does not have.

    ## What it finds
    Attribute access on a receiver whose type is evident from the source: a `str`, `bytes`,
    `list`, `dict`, `set` or `tuple` literal or comprehension, an f-string,
    `pathlib.Path(...)`, or a name annotated with one of those types (`text: str`), where
    the type has no such attribute in the running Python.

    ## Why it matters for AI-written code
    Assistants borrow method names from other languages and libraries: `str.contains`,
    `list.push`, `dict.has_key` (removed in Python 3), `Path.read()`. Each is an
    `AttributeError` at run time.

    ## Example
    ```python
    def shout(text: str) -> str:
        return text.toUpperCase()
    ```

    ## Use instead
    ```python
    def shout(text: str) -> str:
        return text.upper()
    ```
    """
    if not isinstance(node, ast.Attribute):
        return
    state = _state(ctx)
    found = _method_lookup(node, ctx, state)
    if found is None or found.status != "missing" or _guarded(node, ctx):
        return
    closest = [f"{found.owner}.{c}" for c in found.closest]
    hint = f"; closest: {', '.join(f'`{c}`' for c in closest)}" if closest else ""
    evidence: dict[str, Any] = {
        "missing": found.missing,
        "type": found.owner,
        "closest": closest,
        "python": PYTHON_VERSION,
    }
    meant = _FOREIGN_METHODS.get(node.attr)
    if meant is not None:
        evidence["python_equivalent"] = meant
        hint += f"; in Python use {meant}"
    yield ctx.finding(
        node,
        f"`{found.missing}` does not exist in Python {PYTHON_VERSION}{hint}",
        evidence=evidence,
        fix=f"use {meant or closest[0]}" if meant or closest else None,
    )


# --------------------------------------------------------------------------- AS104


@rule(
    id="AS104",
    name="call-signature-mismatch",
    family=Family.HALLUCINATION,
    severity=Severity.ERROR,
    nodes=(ast.Call,),
)
def call_signature_mismatch(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A call whose arguments cannot bind to the real signature of a standard or installed API.

    ## What it finds
    Calls to standard-library or installed functions, classes and methods (on receivers of
    evident type) that pass an unknown keyword argument, pass a positional-only parameter by
    keyword, pass more positional arguments than the function accepts, or leave out a
    required argument. The signature is the real one (`inspect.signature` in a separate
    interpreter); `*args`/`**kwargs` on either side are respected, and callables without an
    introspectable signature are skipped.

    ## Why it matters for AI-written code
    Assistants mix up parameter names across libraries and versions:
    `os.makedirs(path, exists_ok=True)`, `text.split(",", maxsplits=1)`,
    `sorted(items, cmp=compare)` (Python 2). Each raises `TypeError` when the line runs.
    Functions that forward `**kwargs` (such as `json.dumps`) cannot be checked this way.

    ## Example
    ```python
    import os

    os.makedirs("build/reports", exists_ok=True)
    ```

    ## Use instead
    ```python
    import os

    os.makedirs("build/reports", exist_ok=True)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    state = _state(ctx)
    found: ApiLookup | None = None
    if isinstance(node.func, ast.Attribute):
        found = _method_lookup(node.func, ctx, state)
    if found is None:
        target = (
            _attribute_target(node.func, ctx, state)
            if isinstance(node.func, ast.Attribute)
            else _name_target(node.func, ctx, state)
        )
        if target is None or not _checkable(target.split(".")[0], ctx):
            return
        _prefetch(ctx, state)
        found = _resolver().lookup(target)
    if found.status != "exists" or found.signature is None or _guarded(node, ctx):
        return
    keywords = [k.arg for k in node.keywords if k.arg is not None]
    problems = signature_problems(
        found.signature,
        positional=sum(1 for a in node.args if not isinstance(a, ast.Starred)),
        keywords=keywords,
        star_args=any(isinstance(a, ast.Starred) for a in node.args),
        star_kwargs=any(k.arg is None for k in node.keywords),
        drop_first=not found.bound,
    )
    if not problems:
        return
    parameters = [p[0] for p in found.signature][0 if found.bound else 1 :]
    unknown = [k for k in keywords if k not in parameters]
    closest = {k: closest_names(k, parameters) for k in unknown}
    hint = "".join(f"; did you mean `{c[0]}=` for `{k}=`?" for k, c in closest.items() if c)
    yield ctx.finding(
        node,
        f"`{ast.unparse(node.func)}(...)`: {problems[0]}{hint}",
        evidence={
            "callable": found.qualname,
            "problems": problems,
            "parameters": parameters,
            "closest": {k: c for k, c in closest.items() if c},
        },
    )


def _name_target(func: ast.expr, ctx: Context, state: _FileState) -> str | None:
    if not isinstance(func, ast.Name):
        return None
    if func.id not in ctx.imports and func.id not in _BUILTIN_NAMES:
        return None
    if _rebound(func, ctx, state):
        return None
    target = ctx.qualname(func)
    if target is None and func.id in _BUILTIN_NAMES:
        return f"builtins.{func.id}"
    return target
