"""What a static rule sees of one file: its source, AST, imports and the checking options.

Rules never read files or configuration themselves; they get a `Context`. Building a
`Context` parses the file once and records how every imported name maps to a fully
qualified name, so rules can ask "what does `np.float` refer to?" without re-walking.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from assay.model import Finding, Fix, Severity
from assay.source.segments import Segments

if TYPE_CHECKING:
    from assay.config import Settings
    from assay.rules._registry import Rule

__all__ = ["Context", "ImportBinding", "Suppression", "qualified_name"]

_SUPPRESSION = re.compile(r"#\s*assay:\s*ignore(?:\[(?P<ids>[A-Za-z0-9_,\s-]+)\])?")


@dataclass(frozen=True)
class ImportBinding:
    """A local name bound by an import: `local` refers to `target` (a dotted path)."""

    local: str
    target: str
    node: ast.Import | ast.ImportFrom
    is_module: bool


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


@dataclass
class Context:
    """One parsed file plus the settings it is checked with.

    Attributes:
        path: the path as shown in reports (``"-"`` for stdin).
        source: the file's text.
        tree: the parsed module.
        settings: the effective settings for this run.
        project_modules: top-level module names that belong to the checked project.
    """

    path: str
    source: str
    tree: ast.Module
    settings: Settings
    project_modules: frozenset[str] = frozenset()
    current_rule: Rule | None = None
    #: The findings of the rules run so far on this file, before suppression comments
    #: apply: what a `sees_findings` rule judges (the engine fills it).
    reported: list[Finding] = field(default_factory=list)
    _parents: dict[ast.AST, ast.AST] = field(default_factory=dict, repr=False)

    @cached_property
    def lines(self) -> list[str]:
        """The source split into lines (index 0 is line 1)."""
        return self.source.splitlines()

    @cached_property
    def imports(self) -> dict[str, ImportBinding]:
        """Local names bound by imports anywhere in the file, to what they refer to."""
        bindings: dict[str, ImportBinding] = {}
        for node in ast.walk(self.tree):
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
        return bindings

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The syntactic parent of `node` (None for the module)."""
        if not self._parents:
            for parent in ast.walk(self.tree):
                for child in ast.iter_child_nodes(parent):
                    self._parents[child] = parent
        return self._parents.get(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        """Parents of `node`, innermost first."""
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The innermost function containing `node`, if any."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return ancestor
        return None

    def qualname(self, expr: ast.AST) -> str | None:
        """The fully qualified dotted name `expr` refers to through imports, if it does.

        ``np.linalg.norm`` with ``import numpy as np`` gives ``"numpy.linalg.norm"``;
        a name not bound by an import gives None.
        """
        parts: list[str] = []
        current: ast.AST = expr
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name):
            return None
        binding = self.imports.get(current.id)
        if binding is None:
            return None
        return ".".join([binding.target, *reversed(parts)])

    @cached_property
    def _segments(self) -> Segments:
        return Segments(self.source)

    def segment(self, node: ast.AST) -> str:
        """The source text of `node` (the file is split into lines once, not per call)."""
        return self._segments.of(node) or ""

    def suppressed(self, line: int, rule_id: str) -> bool:
        """True when line `line` carries ``# assay: ignore`` or ``# assay: ignore[rule_id]``."""
        if not 1 <= line <= len(self.lines):
            return False
        match = _SUPPRESSION.search(self.lines[line - 1])
        if match is None:
            return False
        ids = match.group("ids")
        return ids is None or rule_id in {part.strip() for part in ids.split(",")}

    @cached_property
    def suppressions(self) -> list[Suppression]:
        """Every ``# assay: ignore`` comment of the file (comments only, not strings)."""
        found: list[Suppression] = []
        for token in tokenize.generate_tokens(io.StringIO(self.source).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _SUPPRESSION.search(token.string)
            if match is None:
                continue
            line, col = token.start
            ids = match.group("ids")
            found.append(
                Suppression(
                    line=line,
                    start=col + match.start(),
                    end=col + match.end(),
                    ids=None
                    if ids is None
                    else tuple(p.strip() for p in ids.split(",") if p.strip()),
                    ids_start=None if ids is None else col + match.start("ids"),
                    ids_end=None if ids is None else col + match.end("ids"),
                )
            )
        return found

    def finding(
        self,
        node: ast.AST | None,
        message: str,
        *,
        evidence: dict[str, Any] | None = None,
        fix: str | None = None,
        autofix: Fix | None = None,
        severity: Severity | None = None,
        line: int | None = None,
        col: int | None = None,
    ) -> Finding:
        """Build a Finding for the rule being run, located at `node` (or `line`/`col`)."""
        if self.current_rule is None:
            raise RuntimeError("Context.finding() is only valid while a rule is running")
        current = self.current_rule
        return Finding(
            rule=current.id,
            family=current.family,
            severity=severity or current.severity,
            path=self.path,
            line=line if line is not None else getattr(node, "lineno", 1),
            col=col if col is not None else getattr(node, "col_offset", 0),
            end_line=getattr(node, "end_lineno", None) if line is None else None,
            end_col=getattr(node, "end_col_offset", None) if line is None else None,
            message=message,
            evidence=evidence or {},
            fix=fix,
            autofix=autofix,
            confidence=current.confidence,
            function=_function_name(self, node) if node is not None else None,
        )


def _function_name(context: Context, node: ast.AST) -> str | None:
    function = context.enclosing_function(node)
    return function.name if function is not None else None


def qualified_name(expr: ast.AST) -> str | None:
    """The dotted source form of a Name/Attribute chain (``a.b.c``), ignoring imports."""
    parts: list[str] = []
    current: ast.AST = expr
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    return ".".join([current.id, *reversed(parts)])
