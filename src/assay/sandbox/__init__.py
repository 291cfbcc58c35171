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

What it protects, and what it does not:

* The caller and the machine: no network beyond a private loopback, a read-only filesystem
  with a bounded private /tmp, no view of the caller's environment, home or other
  processes, bounded CPU, memory, file size, processes and output, and every process a job
  started is killed and reaped before `Sandbox.run` returns. The attack suite in
  tests/sandbox/test_attacks.py checks each of these from outside the sandbox.
* Other jobs: every job runs in a freshly forked child, so a monkeypatched module or
  builtin ends with its job.
* Result integrity against code that prints fake results, writes fake frames and exits, or
  monkeypatches ``builtins``/``json``: the reply must echo a nonce sent only at its turn, and
  the runner encodes with its own references. A candidate that deliberately walks the
  interpreter to rewrite the runner can still lie about *its own* results, as it could by
  special-casing the tests; it cannot escape the sandbox by doing so.
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
from assay.sandbox._policy import ALLOW_UNSANDBOXED_VARIABLE
from assay.sandbox._sandbox import Sandbox, doctor, run_job

__all__ = [
    "ALLOW_UNSANDBOXED_VARIABLE",
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
