"""What a static rule sees of one file: its source, AST, imports and the checking options.

Rules never read files or configuration themselves; they get a `Context`. Building a
`Context` parses the file once and records how every imported name maps to a fully
qualified name, so rules can ask "what does `np.float` refer to?" without re-walking.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, cast

from assay.model import Finding, Fix, Severity
from assay.source.segments import Segments
from assay.syntax import ImportBinding, ImportMap, Parents, Suppression, suppresses
from assay.syntax import suppressions as file_suppressions

if TYPE_CHECKING:
    from assay.config import Settings
    from assay.rules._registry import Rule

__all__ = ["Context"]

_T = TypeVar("_T")


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
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def lines(self) -> list[str]:
        """The source split into lines (index 0 is line 1)."""
        return self.source.splitlines()

    @cached_property
    def import_map(self) -> ImportMap:
        """The names the file's imports bind, anywhere in the file, and what they mean."""
        return ImportMap.of(self.tree)

    @property
    def imports(self) -> Mapping[str, ImportBinding]:
        """Local names bound by imports anywhere in the file, to what they refer to."""
        return self.import_map.bindings

    @cached_property
    def _parents(self) -> Parents:
        return Parents(self.tree)

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The syntactic parent of `node` (None for the module)."""
        return self._parents.parent(node)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        """Parents of `node`, innermost first."""
        return self._parents.ancestors(node)

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The innermost function containing `node`, if any."""
        return self._parents.enclosing_function(node)

    def function_name(self, node: ast.AST) -> str | None:
        """The name of the innermost function containing `node` (None at module level)."""
        return self._parents.function_name(node)

    def qualname(self, expr: ast.AST) -> str | None:
        """The fully qualified dotted name `expr` refers to through imports, if it does.

        ``np.linalg.norm`` with ``import numpy as np`` gives ``"numpy.linalg.norm"``;
        a name not bound by an import gives None.
        """
        return self.import_map.qualname(expr)

    def memo(self, key: Hashable, build: Callable[[], _T]) -> _T:
        """The value kept under `key` for this file, made by `build()` on the first request.

        The one per-file cache of the static stage: what several rules (or several nodes of
        one rule) work out about the whole file is made once and dropped with the `Context`.
        Rules keep no cache of their own at module level, where a process checking files
        for concurrent requests would share it. Key by the function that builds the value
        (plus its arguments, e.g. ``(_bindings, scope)``), so two helpers cannot collide."""
        if key not in self._memo:
            self._memo[key] = build()
        return cast(_T, self._memo[key])

    @cached_property
    def _segments(self) -> Segments:
        return Segments(self.source)

    def segment(self, node: ast.AST) -> str:
        """The source text of `node` (the file is split into lines once, not per call)."""
        return self._segments.of(node) or ""

    def suppressed(self, line: int, rule_id: str) -> bool:
        """True when line `line` carries ``# assay: ignore`` or ``# assay: ignore[rule_id]``."""
        return 1 <= line <= len(self.lines) and suppresses(self.lines[line - 1], rule_id)

    @cached_property
    def suppressions(self) -> list[Suppression]:
        """Every ``# assay: ignore`` comment of the file (comments only, not strings)."""
        return file_suppressions(self.source)

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
            function=self.function_name(node) if node is not None else None,
        )
