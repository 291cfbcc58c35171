"""Verified generation for the HTTP and MCP services: lessons from the ledger, then
`assay.generate` (or `assay.edit` for a rewrite of one function), with the backends the
server's operator allowed (opened once, reused)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assay.errors import InvalidArgument
from assay.ledger import Ledger, criteria_from_failures, generation_report
from assay.model import Candidate, Report

if TYPE_CHECKING:
    from assay.gen.edit import EditResult
    from assay.gen.loop import GenerationResult
    from assay.llm import Backend

__all__ = ["Backends", "GenerateOutcome", "run_edit", "run_generate"]


@dataclass(frozen=True)
class GenerateOutcome:
    """A generation run, ready to render and record."""

    result: GenerationResult
    report: Report
    lessons: list[str]

    @property
    def candidates(self) -> list[Candidate]:
        """Every candidate drafted or repaired, with its code."""
        return [item.candidate for item in self.result.candidates]


class Backends:
    """The LLM backends a server may use, opened on first use and kept (loading a local
    model takes seconds and hundreds of MB, so it is not done per request).

    Clients choose among `allowed` only: a backend spec can name files (``replay:FILE``)
    or URLs (``openai:URL``), which a remote client must not pick.
    """

    def __init__(self, allowed: Sequence[str], *, model: str | None = None) -> None:
        if not allowed:
            raise InvalidArgument("a generation service needs at least one backend spec")
        self.allowed = tuple(allowed)
        self.model = model
        self._open: dict[str, Backend] = {}
        self._lock = threading.Lock()

    def get(self, spec: str | None) -> Backend:
        """The backend for `spec` (default: the first allowed one).

        Raises:
            InvalidArgument: `spec` is not one the server allows.
        """
        chosen = spec or self.allowed[0]
        if chosen not in self.allowed:
            raise InvalidArgument(
                f"backend {chosen!r} is not offered by this server; choose one of "
                f"{', '.join(self.allowed)} (the operator sets them with --backend)"
            )
        with self._lock:
            if chosen not in self._open:
                from assay.llm import make_backend

                self._open[chosen] = make_backend(chosen, model=self.model, threads=1)
            return self._open[chosen]

    def close(self) -> None:
        """Close every opened backend."""
        with self._lock:
            for backend in self._open.values():
                backend.close()
            self._open.clear()


def run_generate(
    prompt: str,
    *,
    backends: Backends,
    backend: str | None = None,
    n: int = 4,
    repair: int = 1,
    criteria: Sequence[str] = (),
    entry_point: str | None = None,
    ledger: Ledger | None = None,
) -> GenerateOutcome:
    """Generate verified code for `prompt`; failures on similar tasks recorded in `ledger`
    are added to `criteria` first.

    Raises:
        InvalidArgument: the prompt is empty or names no function; the backend is not
            allowed. The prompt is text, never opened as a server path.
        BackendError: the backend failed.
    """
    from assay.api import generate
    from assay.gen.loop import load_task

    task = load_task(prompt, entry_point=entry_point)
    lessons = criteria_from_failures(task.prompt, ledger.failures()) if ledger else []
    result = generate(
        task,
        backends=[backends.get(backend)],
        n=n,
        repair=repair,
        criteria=[*criteria, *lessons],
    )
    return GenerateOutcome(result=result, report=generation_report(result), lessons=lessons)


def run_edit(
    source: str,
    function: str,
    instruction: str,
    *,
    backends: Backends,
    backend: str | None = None,
    path: str = "snippet.py",
    allow_change: bool = False,
    n: int = 3,
    repair: int = 1,
) -> EditResult:
    """Rewrite `function` of the module `source` as `instruction` says, accepting only a
    rewrite that behaves like the original (or, with a declared change, showing how it
    differs). `source` is text, never opened as a server path.

    Raises:
        InvalidArgument: the source does not parse, names no such function, the
            instruction is empty, or the backend is not allowed.
        BackendError: the backend failed.
    """
    from assay.api import edit

    return edit(
        source,
        function,
        instruction,
        backends=[backends.get(backend)],
        path=path,
        allow_change=allow_change,
        n=n,
        repair=repair,
    )
