"""What every dynamic stage of `assay check` does around its own work: decide per file what
to run, and keep one file's failure (a recursion limit on a pathological expression, a bug
in assay) to that file, as an `errors` entry, so the rest of the report survives."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ParamSpec, TypeVar

from assay.errors import SandboxError
from assay.model import FileError

__all__ = ["degraded_warnings", "guarded", "plan_files"]

_W = TypeVar("_W")
_R = TypeVar("_R")
_P = ParamSpec("_P")


def plan_files(
    sources: Mapping[str, str], plan: Callable[[str], _W | None], stage: str
) -> tuple[dict[str, tuple[str, _W]], list[FileError]]:
    """``{path: (source, work)}`` for the files where `plan(source)` finds work, and an error
    entry for each file where planning failed."""
    works: dict[str, tuple[str, _W]] = {}
    failed: list[FileError] = []
    for path, source in sources.items():
        try:
            work = plan(source)
        except Exception as error:  # noqa: BLE001 - one file's failure must not lose the report
            failed.append(FileError.from_crash(path, f"planning {stage}", error))
            continue
        if work is not None:
            works[path] = (source, work)
    return works, failed


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
