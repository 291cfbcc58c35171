"""What the rules, the knowledge tables and the tiers ask of a parsed file, defined once.

Each helper here had two to four private copies before (issue 19): the dotted name of an
attribute chain, what a name refers to through the file's imports, the nodes of a scope that
are not inside a nested one, the parents of a node, the name a call is made through, whether a
call writes a log line, and the ``# assay: ignore[...]`` comments. One definition means one
answer: a rule and the tier pass can no longer disagree about what ``np.linalg.norm`` is.

The module knows only `ast`: it sits below every stage that reads code.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

__all__ = [
    "FUNCTION_SCOPES",
    "LOG_METHODS",
    "NESTED_SCOPES",
    "SUPPRESSION",
    "ImportBinding",
    "ImportMap",
    "Parents",
    "Suppression",
    "call_name",
    "dotted_name",
    "last_name",
    "log_call",
    "module_names",
    "own_nodes",
    "suppresses",
    "suppressions",
]

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

#: The nodes that open a scope of their own inside a function or module body.
NESTED_SCOPES: tuple[type[ast.AST], ...] = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
)
#: The scopes whose body runs later than the code around them (a class body runs in place).
FUNCTION_SCOPES: tuple[type[ast.AST], ...] = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

#: Method names of the logging API (and of loggers built like it: structlog, loguru).
LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "fatal"}
)

#: ``# assay: ignore`` or ``# assay: ignore[AS101, AS102]``.
SUPPRESSION = re.compile(r"#\s*assay:\s*ignore(?:\[(?P<ids>[A-Za-z0-9_,\s-]+)\])?")


def dotted_name(expr: ast.AST | None) -> str | None:
    """The dotted source form of a Name/Attribute chain (``a.b.c``), ignoring imports; None
    for anything else (a call, a subscript or a literal anywhere in the chain)."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    return ".".join([expr.id, *reversed(parts)])


def last_name(expr: ast.AST) -> str:
    """The last name of a Name or Attribute (``b`` of ``a.b``, ``f`` of ``f``), else ``""``."""
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return ""


def module_names(tree: ast.Module) -> frozenset[str]:
    """The names the module binds at top level: imports (``import a.b`` binds ``a``; ``*``
    binds nothing known), classes, functions, and plain names assigned (``x = ...``,
    ``x: int = ...``; not the names of a tuple target)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def call_name(call: ast.Call) -> str:
    """The name `call` is made through: the dotted chain (``os.path.join``), else the method
    name of a computed receiver (``get_conn().execute`` gives ``execute``), else ``""``."""
    dotted = dotted_name(call.func)
    if dotted is not None:
        return dotted
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def log_call(call: ast.Call) -> str | None:
    """``print`` or ``<logger>.<method>`` when `call` writes a log line, else None.

    A logging method counts when its receiver's dotted name mentions "log" (``logger``,
    ``self.log``, ``logging``): ``parser.error(...)`` is not a log line."""
    if isinstance(call.func, ast.Name) and call.func.id == "print":
        return "print"
    if isinstance(call.func, ast.Attribute) and call.func.attr in LOG_METHODS:
        receiver = dotted_name(call.func.value) or ""
        if "log" in receiver.lower():
            return f"{receiver}.{call.func.attr}"
    return None


def own_nodes(
    roots: Iterable[ast.AST], *, scopes: tuple[type[ast.AST], ...] = NESTED_SCOPES
) -> Iterator[ast.AST]:
    """`roots` and every node under them, in source order, without descending into `scopes`.

    A nested scope node itself is yielded (its name, decorators and defaults are not
    separated from it); what it holds is not. Pass ``function.body`` for what one call of
    the function runs, or ``ast.iter_child_nodes(scope)`` for a scope's signature too."""
    stack: list[ast.AST] = list(roots)
    stack.reverse()
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, scopes):
            children = list(ast.iter_child_nodes(node))
            children.reverse()
            stack.extend(children)


@dataclass(frozen=True)
class ImportBinding:
    """A local name bound by an import: `local` refers to `target` (a dotted path)."""

    local: str
    target: str
    node: ast.Import | ast.ImportFrom
    is_module: bool


@dataclass(frozen=True)
class ImportMap:
    """The names a module's absolute imports bind, anywhere in the file, and what they mean.

    ``import numpy as np`` binds ``np`` to ``numpy``; ``import os.path`` binds ``os``;
    ``from a.b import c as d`` binds ``d`` to ``a.b.c``. A name imported twice keeps the
    binding met last in `ast.walk` order. Relative imports and ``*`` bind nothing here."""

    bindings: Mapping[str, ImportBinding]

    @classmethod
    def of(cls, tree: ast.AST) -> ImportMap:
        """The import map of `tree`."""
        bindings: dict[str, ImportBinding] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        bindings[alias.asname] = ImportBinding(
                            alias.asname, alias.name, node, is_module=True
                        )
                    else:
                        top = alias.name.split(".")[0]
                        bindings[top] = ImportBinding(top, top, node, is_module=True)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    local = alias.asname or alias.name
                    bindings[local] = ImportBinding(
                        local, f"{node.module}.{alias.name}", node, is_module=False
                    )
        return cls(bindings)

    def qualname(self, expr: ast.AST) -> str | None:
        """The fully qualified dotted name `expr` refers to through imports, if it does.

        ``np.linalg.norm`` with ``import numpy as np`` gives ``"numpy.linalg.norm"``;
        a chain whose root is not bound by an import gives None."""
        dotted = dotted_name(expr)
        if dotted is None or dotted.partition(".")[0] not in self.bindings:
            return None
        return self.resolve(dotted)

    def resolve(self, dotted: str) -> str:
        """`dotted` with its first part replaced by what the import binding it means; a first
        part no import binds (a builtin, a local) stays as it is."""
        head, _, rest = dotted.partition(".")
        binding = self.bindings.get(head)
        if binding is None:
            return dotted
        return f"{binding.target}.{rest}" if rest else binding.target


class Parents:
    """The syntactic parent of every node of one tree, mapped on the first question."""

    def __init__(self, tree: ast.AST) -> None:
        self._tree = tree
        self._parents: dict[ast.AST, ast.AST] | None = None

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The syntactic parent of `node` (None for the root)."""
        if self._parents is None:
            self._parents = {
                child: parent
                for parent in ast.walk(self._tree)
                for child in ast.iter_child_nodes(parent)
            }
        return self._parents.get(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        """Parents of `node`, innermost first."""
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def enclosing_function(self, node: ast.AST) -> FunctionNode | None:
        """The innermost function (not lambda) containing `node`, if any."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return ancestor
        return None

    def function_name(self, node: ast.AST) -> str | None:
        """The name of the innermost function containing `node` (None at module level)."""
        function = self.enclosing_function(node)
        return function.name if function is not None else None


@dataclass(frozen=True)
class Suppression:
    """One ``# assay: ignore[...]`` comment: its line, the character columns of the
    directive and of the id list inside the brackets, and the ids (None: a bare ignore)."""

    line: int
    start: int
    end: int
    ids: tuple[str, ...] | None
    ids_start: int | None
    ids_end: int | None


def suppresses(line: str, rule_id: str) -> bool:
    """True when the source line `line` carries ``# assay: ignore`` or
    ``# assay: ignore[...]`` naming `rule_id`."""
    match = SUPPRESSION.search(line)
    if match is None:
        return False
    ids = match.group("ids")
    return ids is None or rule_id in {part.strip() for part in ids.split(",")}


def suppressions(source: str) -> list[Suppression]:
    """Every ``# assay: ignore`` comment of `source` (comments only, not strings).

    Raises what `tokenize` raises for text that does not tokenize; callers hold parsed
    files, which do."""
    found: list[Suppression] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        match = SUPPRESSION.search(token.string)
        if match is None:
            continue
        line, col = token.start
        ids = match.group("ids")
        found.append(
            Suppression(
                line=line,
                start=col + match.start(),
                end=col + match.end(),
                ids=None if ids is None else tuple(p.strip() for p in ids.split(",") if p.strip()),
                ids_start=None if ids is None else col + match.start("ids"),
                ids_end=None if ids is None else col + match.end("ids"),
            )
        )
    return found
