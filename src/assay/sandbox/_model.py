"""The sandbox's value types: what a caller asks for (Job, Call, Limits) and what it gets
back (JobResult, Outcome). Outcomes are values, never exceptions: a candidate that raises,
loops, crashes or is denied something produces an `Outcome` whose `status` says which and
whose other fields keep the evidence."""

from __future__ import annotations

import enum
import math
import pickle
from dataclasses import dataclass, field
from typing import Any

from assay.errors import InvalidArgument

__all__ = [
    "Call",
    "DoctorReport",
    "ExceptionInfo",
    "Job",
    "JobResult",
    "Limits",
    "Mechanism",
    "Outcome",
    "Status",
    "WarningInfo",
]


class Status(str, enum.Enum):
    """How one import or call ended. The string values are stable public names."""

    OK = "ok"
    #: the code raised; `Outcome.exception` holds type, message and traceback
    ERROR = "error"
    #: the wall-clock or CPU limit was reached
    TIMEOUT = "timeout"
    #: the address-space limit was reached (MemoryError)
    MEMORY = "memory"
    #: the sandbox denied an operation (network, writing outside the work directory, ...)
    BLOCKED = "blocked"
    #: the process died from a signal the sandbox did not send for a limit
    KILLED = "killed"
    #: the process ended without a valid result (segfault, os._exit, forged channel data)
    CRASHED = "crashed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Resource limits for one job; `timeout_s` applies to the import and to each call."""

    timeout_s: float = 5.0
    memory_mb: int = 512
    #: CPU seconds for the whole job; None means one `timeout_s` per call plus the import
    cpu_s: float | None = None
    #: characters kept of each of stdout and stderr, per import or call
    output_bytes: int = 65536
    #: largest file the candidate may write in its work directory
    file_mb: int = 16
    #: open file descriptors
    open_files: int = 64
    #: processes and threads alive at once in the job (including the runner)
    processes: int = 32

    def __post_init__(self) -> None:
        checks: tuple[tuple[str, float | None, bool], ...] = (
            ("timeout_s", self.timeout_s, False),
            ("memory_mb", self.memory_mb, False),
            ("cpu_s", self.cpu_s, True),
            ("output_bytes", self.output_bytes, False),
            ("file_mb", self.file_mb, False),
            ("open_files", self.open_files, False),
            ("processes", self.processes, False),
        )
        for name, value, optional in checks:
            if value is None and optional:
                continue
            if value is None or not (
                isinstance(value, (int, float)) and math.isfinite(value) and value > 0
            ):
                raise InvalidArgument(f"Limits.{name}={value!r} must be a positive finite number")
        if self.memory_mb < 64:
            raise InvalidArgument(
                f"Limits.memory_mb={self.memory_mb!r} is too small for a Python interpreter; use >= 64"
            )

    def job_cpu_s(self, calls: int) -> float:
        """The CPU-seconds rlimit for a job with `calls` calls."""
        return self.cpu_s if self.cpu_s is not None else self.timeout_s * (calls + 1) + 1.0


class _CallKind(str, enum.Enum):
    FUNCTION = "function"
    EXPR = "expr"
    SCRIPT = "script"


@dataclass(frozen=True)
class Call:
    """One thing to run inside the already-imported module namespace. Build with
    `Call.function`, `Call.expr` or `Call.script`."""

    kind: str
    code: str
    #: pickle of ``(args, kwargs)`` made on the trusted side (only for `Call.function`)
    payload: bytes = b""

    @classmethod
    def function(cls, entry_point: str, *args: object, **kwargs: object) -> Call:
        """Call `entry_point(*args, **kwargs)`; arguments are pickled here, on the trusted
        side, and `Outcome.args_after` reports them after the call (to detect mutation)."""
        if not entry_point.isidentifier():
            raise InvalidArgument(f"entry_point {entry_point!r} is not a Python identifier")
        try:
            payload = pickle.dumps((args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise InvalidArgument(
                f"arguments for {entry_point}() cannot be pickled ({error}); pass plain data"
            ) from error
        return cls(_CallKind.FUNCTION.value, entry_point, payload)

    @classmethod
    def expr(cls, expression: str) -> Call:
        """Evaluate `expression` (e.g. ``"f([1, 2])"``) in the module namespace."""
        return cls(_CallKind.EXPR.value, expression)

    @classmethod
    def script(cls, code: str) -> Call:
        """Execute statements (e.g. test code ending in ``check(candidate)``); result None."""
        return cls(_CallKind.SCRIPT.value, code)

    def describe(self) -> str:
        """A short human-readable form, e.g. ``f(...)`` or the expression."""
        if self.kind == _CallKind.FUNCTION.value:
            return f"{self.code}(...)"
        first = self.code.strip().splitlines()[0] if self.code.strip() else ""
        return first[:80]


@dataclass(frozen=True, kw_only=True)
class Job:
    """A module's source plus the calls to run after importing it."""

    source: str
    calls: tuple[Call, ...] = ()
    limits: Limits = field(default_factory=Limits)
    name: str = ""
    #: executed in the module namespace before `source`, e.g. ``"from typing import *"``
    preamble: str = ""
    #: the module's ``__name__``; ``"__main__"`` runs ``if __name__ == "__main__":`` blocks
    run_name: str = "__candidate__"
    #: a callable the module must define: when it does not, the import itself fails with a
    #: NameError that lists what the module does define (instead of every call failing)
    entry_point: str = ""
    #: record, for each call, the line arcs `entry_point`'s own code went through
    #: (`Outcome.arcs`): which branches an input reached
    cover: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.source, str):
            raise InvalidArgument(f"Job.source must be str, got {type(self.source).__name__}")
        if not isinstance(self.calls, tuple) or not all(isinstance(c, Call) for c in self.calls):
            raise InvalidArgument(
                "Job.calls must be a tuple of Call (use Call.function/expr/script)"
            )


@dataclass(frozen=True, kw_only=True)
class ExceptionInfo:
    """An exception raised by the code under test, as text (never the live object)."""

    type: str
    message: str
    traceback: str


@dataclass(frozen=True, kw_only=True)
class WarningInfo:
    """A warning raised while importing or calling, with its location."""

    category: str
    message: str
    filename: str
    lineno: int


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """How one import or call ended, with its evidence."""

    status: Status
    value_repr: str | None = None
    #: canonical form (see `assay.sandbox.canonical`) of the value, or None
    value: Any = None
    exception: ExceptionInfo | None = None
    stdout: str = ""
    stderr: str = ""
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_memory_kb: int = 0
    warnings: tuple[WarningInfo, ...] = ()
    #: canonical form of ``(args, kwargs)`` after a `Call.function` ran, else None
    args_after: Any = None
    #: the line arcs ``(from, to)`` the job's entry point went through during the call (0:
    #: entering or leaving it; ``(-1, -1)``: tracing stopped early), when the job asked for
    #: them (`Job.cover`), else None
    arcs: tuple[tuple[int, int], ...] | None = None

    @property
    def ok(self) -> bool:
        """Whether the status is `Status.OK`."""
        return self.status is Status.OK

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dict of every field."""
        return {
            "status": self.status.value,
            "value_repr": self.value_repr,
            "value": self.value,
            "exception": None
            if self.exception is None
            else {
                "type": self.exception.type,
                "message": self.exception.message,
                "traceback": self.exception.traceback,
            },
            "stdout": self.stdout,
            "stderr": self.stderr,
            "wall_s": self.wall_s,
            "cpu_s": self.cpu_s,
            "peak_memory_kb": self.peak_memory_kb,
            "warnings": [
                {
                    "category": w.category,
                    "message": w.message,
                    "filename": w.filename,
                    "lineno": w.lineno,
                }
                for w in self.warnings
            ],
            "args_after": self.args_after,
            **({} if self.arcs is None else {"arcs": [list(arc) for arc in self.arcs]}),
        }


@dataclass(frozen=True, kw_only=True)
class JobResult:
    """The outcome of the import and of each call (same order as `Job.calls`), plus which
    isolation mechanisms were active and which were missing."""

    import_outcome: Outcome
    outcomes: tuple[Outcome, ...]
    isolation: tuple[str, ...]
    degraded: tuple[str, ...]
    name: str = ""

    @property
    def ok(self) -> bool:
        """Whether the import and every call ended with `Status.OK`."""
        return self.import_outcome.ok and all(outcome.ok for outcome in self.outcomes)


@dataclass(frozen=True, kw_only=True)
class Mechanism:
    """One isolation mechanism and whether it is active here."""

    name: str
    active: bool
    detail: str


@dataclass(frozen=True, kw_only=True)
class DoctorReport:
    """Which isolation mechanisms the sandbox uses on this machine, and what is degraded."""

    backend: str
    mechanisms: tuple[Mechanism, ...]
    degraded: tuple[str, ...]

    @property
    def isolation(self) -> tuple[str, ...]:
        """Names of the active mechanisms."""
        return tuple(m.name for m in self.mechanisms if m.active)

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dict of the report."""
        return {
            "backend": self.backend,
            "mechanisms": [
                {"name": m.name, "active": m.active, "detail": m.detail} for m in self.mechanisms
            ],
            "degraded": list(self.degraded),
        }
