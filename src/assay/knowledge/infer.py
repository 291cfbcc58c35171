"""Receiver types the source does not state, inferred statically with jedi.

The hallucination rules know the type of a receiver when the source makes it evident (a
literal, an annotation, ``pathlib.Path(...)``). Code that calls libraries mostly holds
receivers whose type comes from a call: ``requests.get(url)``, ``pd.read_csv(path)["x"]
.dropna()``, ``with engine.connect() as conn``, a local helper that returns a response.
`FileInference` asks jedi (a static inference engine over the installed packages' sources and
stubs) for the type of such an expression, once per file and within a time budget.

What jedi is allowed to see and run:

* the checked file's text only: the script is given no path and the project's directories
  are not on jedi's ``sys.path`` (relative and project imports stay unresolved: silent);
* installed packages and the standard library, parsed, never imported; compiled extension
  modules are inspected by jedi in its own subprocess of this interpreter, and only those
  on the installed ``sys.path`` (``load_unsafe_extensions`` stays off);
* no guessing from call sites: jedi's dynamic parameter and list-addition searches are
  switched off, so an unannotated parameter has no type.

An answer is used only when it is one instance type of a named module; several candidate
types, a module, a class object, a function or nothing at all mean "not known". A query
that jedi fails on internally is also "not known"; failures are counted, not raised.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["BUDGET_SECONDS", "FileInference", "InferredType"]

#: CPU time one file may spend in inference; later queries of that file are not asked.
#: CPU time, not wall time: on a loaded machine the same file must get the same answers.
#: jedi cannot be interrupted inside one query, so a file may overrun by one query; its
#: own recursion and execution limits bound that query.
BUDGET_SECONDS = 4.0
#: Queries one file may ask (a second bound, independent of machine speed).
MAX_QUERIES = 400


@dataclass(frozen=True)
class InferredType:
    """The class of an inferred instance: ``requests.models`` / ``Response``."""

    module: str
    name: str

    @property
    def qualname(self) -> str:
        """``requests.models.Response``."""
        return f"{self.module}.{self.name}"


@lru_cache(maxsize=1)
def _engine(sys_path: tuple[str, ...]) -> tuple[Any, Any, Any]:
    """jedi's module, a project over the installed `sys_path` and the environment (once)."""
    limit = sys.getrecursionlimit()
    import jedi
    from jedi.api.environment import SameEnvironment

    # Importing jedi sets the process's recursion limit to 3000; the other stages were
    # written (and hostile input is handled) for the interpreter's own limit.
    sys.setrecursionlimit(limit)

    # Types from call sites or from appends elsewhere are guesses, not inferences.
    jedi.settings.dynamic_params = False
    jedi.settings.dynamic_params_for_other_modules = False
    jedi.settings.dynamic_array_additions = False
    project = jedi.Project(
        Path(sys_path[0]) if sys_path else Path.cwd(),
        sys_path=list(sys_path),
        smart_sys_path=False,
        load_unsafe_extensions=False,
    )
    return jedi, project, SameEnvironment()


class FileInference:
    """Type queries on one file's text, answered by one jedi script within a budget.

    Positions are the ``ast`` ones: 1-based lines, UTF-8 byte columns (converted here to
    jedi's character columns).
    """

    def __init__(
        self,
        source: str,
        *,
        sys_path: Sequence[str],
        budget: float = BUDGET_SECONDS,
        max_queries: int = MAX_QUERIES,
    ) -> None:
        self._source = source
        self._lines = source.splitlines()
        self._sys_path = tuple(sys_path)
        self._budget = budget
        self._max_queries = max_queries
        self._script: Any = None
        self.spent = 0.0
        self.queries = 0
        self.failures = 0
        self.exhausted = False

    def type_at(self, line: int, column: int) -> InferredType | None:
        """The one instance type of the expression that ends at (`line`, `column`)."""
        names = self._ask(lambda script, row, col: script.infer(row, col), line, column)
        if not names:
            return None
        found = {(n.name, n.type, n.full_name) for n in names}
        if len(found) != 1:
            return None
        name, kind, full = found.pop()
        module, _, last = (full or "").rpartition(".")
        if kind != "instance" or not module or not name or last != name:
            # Unnamed values and aliases cannot be looked up. The public path (`io.StringIO`,
            # defined in `_io`) is kept; a nested class's "module" fails introspection later.
            return None
        return InferredType(module, name)

    def defines(self, line: int, column: int) -> bool | None:
        """Whether jedi finds a definition for the name that ends at (`line`, `column`)
        (None: not asked or failed). Instance attributes set in ``__init__`` are found."""
        names = self._ask(
            lambda script, row, col: script.goto(row, col, follow_imports=True), line, column
        )
        return None if names is None else bool(names)

    def _ask(
        self, query: Callable[[Any, int, int], list[Any]], line: int, column: int
    ) -> list[Any] | None:
        if self.exhausted or self.spent >= self._budget or self.queries >= self._max_queries:
            self.exhausted = True
            return None
        if not 1 <= line <= len(self._lines):
            return None
        text = self._lines[line - 1]
        # ast columns count UTF-8 bytes, jedi's count characters.
        chars = len(text.encode("utf-8")[:column].decode("utf-8", errors="ignore"))
        started = time.process_time()
        self.queries += 1
        try:
            if self._script is None:
                jedi, project, environment = _engine(self._sys_path)
                self._script = jedi.Script(self._source, project=project, environment=environment)
            return query(self._script, line, chars)
        except Exception:  # noqa: BLE001 - jedi failing inside is "no inference", by design
            # An inference engine that breaks on one expression has given up on it; the
            # rules stay silent rather than guess. The count is kept for the benchmarks.
            self.failures += 1
            return None
        finally:
            self.spent += time.process_time() - started
