"""The frame every dynamic stage of `assay check` runs in.

A stage (`Stage`) does two things: `plan` decides from a parsed file (`CheckedFile`: the path,
the text, its tree, parsed once for every stage) what it would run there, and `run` runs that
work on the run's sandboxes (`Pool`) and says what it found (`Ran`). Everything around that is
the pipeline's, once for all stages (`assay.pipeline`): the order of the stages, one `Pool`
for the run, ``# assay: ignore`` comments, severity overrides, the "did not run" warning when
the sandbox cannot start, and the merge into the report.

`guarded` keeps one file's failure (a recursion limit on a pathological expression, a bug in
assay) to that file, as an `errors` entry, so the rest of the report survives.
"""

from __future__ import annotations

import ast
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

from assay.errors import SandboxError
from assay.model import FileError, Finding
from assay.syntax import suppresses

if TYPE_CHECKING:
    from assay.behaviour.spec import Spec
    from assay.sandbox import Sandbox

__all__ = [
    "CheckedFile",
    "Pool",
    "Ran",
    "Stage",
    "degraded_warnings",
    "guarded",
    "suppressed",
]

_W = TypeVar("_W")
_R = TypeVar("_R")
_P = ParamSpec("_P")


@dataclass(frozen=True)
class CheckedFile:
    """One checked file as every dynamic stage sees it: parsed once for all of them.

    Attributes:
        path: the path findings are reported at.
        source: the file's text.
        tree: its module tree (shared: copy a node before changing it); None when the text
            does not parse (the static stage reported why).
    """

    path: str
    source: str
    tree: ast.Module | None
    _specs: dict[str, Spec] = field(default_factory=dict, repr=False, compare=False)

    def spec(self, name: str) -> Spec:
        """The spec the whole module states for its function `name` (signature, docstring
        examples, module-level asserts), extracted once per file."""
        if name not in self._specs:
            from assay.behaviour.spec import extract_spec

            self._specs[name] = extract_spec(self.source, name)
        return self._specs[name]


@dataclass(frozen=True)
class Ran:
    """What one stage found in one file.

    Attributes:
        findings: new findings (the pipeline keeps those of active rules that no
            ``# assay: ignore`` comment silences, with the configured severities).
        notes: what the stage could not verify there.
        revised: the file's earlier findings as the stage revised them (new evidence on a
            static finding); None when it left them as they were.
    """

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    revised: list[Finding] | None = None


class Pool:
    """The sandboxes of one run, shared by every stage and each started on first use: the
    normal one and, for the stages that ask, one hashing strings under another seed.

    Args:
        workers: workers of each sandbox (the most any stage with work wants).
        warm: modules every worker imports before it forks jobs (what any stage wants).
    """

    def __init__(self, *, workers: int, warm: tuple[str, ...]) -> None:
        self.workers = workers
        self.warm = warm
        #: Sandboxes started so far (a measure of what a run costs).
        self.starts = 0
        self._boxes: dict[int, Sandbox] = {}
        self._gaps: tuple[str, ...] = ()

    def sandbox(self) -> Sandbox:
        """The sandbox with the fixed hash seed (started now if it is not running)."""
        return self._box(0)

    def reseeded(self) -> Sandbox:
        """The sandbox hashing strings under `OTHER_HASH_SEED`, where a few inputs run again
        in a fresh process (started now if it is not running)."""
        from assay.behaviour.probes import OTHER_HASH_SEED

        return self._box(OTHER_HASH_SEED)

    def _box(self, hash_seed: int) -> Sandbox:
        if hash_seed not in self._boxes:
            from assay.sandbox import Sandbox

            box = Sandbox(workers=self.workers, hash_seed=hash_seed, warm=self.warm)
            self.starts += 1
            self._boxes[hash_seed] = box
            self._gaps = tuple(dict.fromkeys([*self._gaps, *box.degraded]))
        return self._boxes[hash_seed]

    @property
    def degraded(self) -> tuple[str, ...]:
        """The isolation gaps of the sandboxes started so far."""
        return self._gaps

    def close(self) -> None:
        """Stop every running sandbox; the next use starts a fresh one (after a
        `SandboxError`, the next stage must not inherit a broken sandbox)."""
        boxes, self._boxes = list(self._boxes.values()), {}
        with contextlib.ExitStack() as stack:
            for box in boxes:
                stack.callback(box.close)


class Stage(Protocol[_W]):
    """One dynamic stage of `assay check`: a plan per file, then a run per planned file."""

    @property
    def name(self) -> str:
        """What the stage is, as error entries name it ("the runtime probes")."""
        ...

    @property
    def label(self) -> str:
        """What did not run when the sandbox cannot ("dynamic probes")."""
        ...

    @property
    def workers(self) -> int:
        """Sandbox workers the stage's jobs can use at once."""
        ...

    def plan(self, file: CheckedFile) -> _W | None:
        """What the stage would run in `file`; None when nothing (no sandbox starts for a
        run where no stage has work)."""
        ...

    def warm(self, works: Sequence[_W]) -> tuple[str, ...]:
        """Modules the sandbox should import before forking the jobs of `works`."""
        ...

    def run(self, file: CheckedFile, work: _W, pool: Pool, earlier: Sequence[Finding]) -> Ran:
        """Run `work` (planned for `file`) on `pool`; `earlier` holds the file's findings
        from the static stage and the stages before this one."""
        ...


def suppressed(source: str, finding: Finding) -> bool:
    """True when the line `finding` is reported at carries ``# assay: ignore`` or
    ``# assay: ignore[<its rule>]``."""
    lines = source.splitlines()
    if not 1 <= finding.line <= len(lines):
        return False
    return suppresses(lines[finding.line - 1], finding.rule)


def guarded(
    path: str,
    stage: str,
    failed: list[FileError],
    run: Callable[_P, _R],
    *args: _P.args,
    **kwargs: _P.kwargs,
) -> _R | None:
    """`run(*args, **kwargs)`, or None with an error entry for `path` appended to `failed`
    when it raises. A `SandboxError` (the sandbox itself cannot run) is not one file's
    failure and passes."""
    try:
        return run(*args, **kwargs)
    except SandboxError:
        raise
    except Exception as error:  # noqa: BLE001 - one file's failure must not lose the report
        failed.append(FileError.from_crash(path, stage, error))
        return None


def degraded_warnings(existing: list[str], gaps: tuple[str, ...]) -> list[str]:
    """`existing` warnings plus one per isolation gap of the sandbox that ran the code (the
    opt-in without isolation lists every mechanism it lacks), each said once per report."""
    added = [f"sandbox degraded: {gap}" for gap in gaps]
    return [*existing, *(w for w in added if w not in existing)]
