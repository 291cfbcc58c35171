"""Run untrusted, LLM-written Python safely and fast. The only place assay executes
candidate code.

::

    from assay.sandbox import Call, Job, Sandbox

    with Sandbox(workers=2) as box:
        result = box.run(Job(source=code, calls=(Call.function("f", [3, 1]), Call.expr("f([])"))))
    result.outcomes[0].status, result.outcomes[0].value, result.degraded

Isolation is enforced by the operating system (see `assay.sandbox._policy` and `doctor()`),
results come back on a private channel as size-capped JSON, and each outcome keeps its
evidence: status, value (repr and canonical form), exception, output, time and memory.
"""

from __future__ import annotations

from assay.sandbox._model import (
    Call,
    DoctorReport,
    ExceptionInfo,
    Job,
    JobResult,
    Limits,
    Mechanism,
    Outcome,
    Status,
    WarningInfo,
)
from assay.sandbox._sandbox import Sandbox, doctor, run_job

__all__ = [
    "Call",
    "DoctorReport",
    "ExceptionInfo",
    "Job",
    "JobResult",
    "Limits",
    "Mechanism",
    "Outcome",
    "Sandbox",
    "Status",
    "WarningInfo",
    "doctor",
    "run_job",
]
