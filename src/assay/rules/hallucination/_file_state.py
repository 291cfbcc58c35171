"""What the hallucination rules work out once per file, lazily: the names each scope rebinds,
the evident type of a name, the package index's answers and what was already reported.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from assay.knowledge.infer import FileInference
from assay.knowledge.resolve import ApiLookup, IndexAnswer
from assay.rules._context import Context
from assay.syntax import own_nodes

__all__ = [
    "PATH_TYPES",
    "FileState",
    "declared_type",
    "file_state",
    "literal_type",
    "rebound",
]

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
_ANNOTATION_TYPES = frozenset({"str", "bytes", "list", "dict", "set", "tuple", "int", "float"})
PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})


#: The functions whose body holds a node, innermost first.
_Chain = tuple[ast.AST, ...]


@dataclass
class FileState:
    """What the rules work out once per file, lazily: rebound names, scopes, index answers."""

    answers: dict[str, IndexAnswer] = field(default_factory=dict)
    prefetched: bool = False
    prefetched_api: bool = False
    reported: set[tuple[str | None, int, int]] = field(default_factory=set)
    #: jedi over this file (made on the first receiver the source does not type).
    inference: FileInference | None = None
    #: Member look-ups on inferred receivers, by Attribute node id (AS103 and AS104 share them).
    inferred: dict[int, ApiLookup | None] = field(default_factory=dict)
    #: Names (``.attr`` for ``self.attr``) whose value may come from an installed package.
    seeds: dict[str, bool] = field(default_factory=dict)
    _analysis: tuple[dict[int, frozenset[str]], dict[int, _Chain], frozenset[str]] | None = None
    _scopes: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)
    _bindings: dict[str, list[ast.expr]] | None = None

    def bindings(self, ctx: Context) -> dict[str, list[ast.expr]]:
        """What each name of the file may be bound to, whatever its scope: assigned values,
        ``with`` contexts, annotations, and a function's returns and return annotation;
        ``self.x``/``cls.x`` assignments under the key ``".x"``."""
        if self._bindings is None:
            self._bindings = _value_sources(ctx.tree)
        return self._bindings

    def analysis(
        self, ctx: Context
    ) -> tuple[dict[int, frozenset[str]], dict[int, _Chain], frozenset[str]]:
        """Scope bindings, Name scope chains and evident-type names (one pass, on demand)."""
        if self._analysis is None:
            self._analysis = _scope_bindings(ctx)
        return self._analysis


def file_state(ctx: Context) -> FileState:
    """The state of the file `ctx` checks, made on first use."""
    return ctx.memo(file_state, FileState)


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
            if isinstance(target, ast.Name) and literal_type(child.value) is not None:
                evident.add(target.id)
        elif isinstance(child, ast.ClassDef):
            scope.add(child.name)
        elif isinstance(child, ast.ExceptHandler) and child.name:
            scope.add(child.name)
        visit(child, scope, chain)

    visit(ctx.tree, scopes[0], ())
    bindings = {key: frozenset(names) for key, names in scopes.items()}
    return bindings, chains, frozenset(evident)


def _value_sources(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """Name -> the expressions it may be bound to anywhere in the file (one pass)."""
    sources: dict[str, list[ast.expr]] = {}

    def bind(target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            sources.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            if target.value.id in {"self", "cls"}:
                # Instance attributes are keyed ".name" (no name of the file starts with a dot).
                sources.setdefault(f".{target.attr}", []).append(value)

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, ast.AnnAssign):
            bind(node.target, node.annotation)
            if node.value is not None:
                bind(node.target, node.value)
        elif isinstance(node, ast.NamedExpr):
            bind(node.target, node.value)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    bind(item.optional_vars, item.context_expr)
        elif isinstance(node, ast.arg) and node.annotation is not None:
            sources.setdefault(node.arg, []).append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            returns = sources.setdefault(node.name, [])
            if node.returns is not None:
                returns.append(node.returns)
            returns += [
                r.value for r in own_nodes(node.body) if isinstance(r, ast.Return) and r.value
            ]
    return sources


def _scopes_of(node: ast.AST, ctx: Context, state: FileState) -> _Chain:
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


def rebound(name: ast.Name, ctx: Context, state: FileState) -> bool:
    """True when `name` may not refer to its import: rebound in its scope or the module."""
    bindings = state.analysis(ctx)[0]
    if name.id in bindings[0]:
        return True
    return any(
        name.id in bindings.get(id(scope), frozenset()) for scope in _scopes_of(name, ctx, state)
    )


def declared_type(name: ast.Name, ctx: Context, state: FileState) -> tuple[str, str] | None:
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
    for node in own_nodes(ast.iter_child_nodes(scope)):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            typed_targets.add(id(node.target))
            declared.setdefault(node.target.id, set()).add(_annotation_type(node.annotation, ctx))
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and (literal := literal_type(node.value)) is not None
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


def literal_type(value: ast.expr) -> tuple[str, str] | None:
    """(module, class) of a ``str``/``bytes`` constant or a container display, else None."""
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
    if ctx.qualname(annotation) in PATH_TYPES:
        return ("pathlib", "Path")
    return None
