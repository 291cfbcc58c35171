"""`assay sandbox run` and `assay sandbox doctor`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from assay.errors import InvalidArgument, SourceError
from assay.sandbox import Call, Job, Limits, Outcome, doctor, run_job

__all__ = ["register"]

sandbox_app = typer.Typer(
    name="sandbox",
    help="Run untrusted Python in the sandbox; check which isolation is active.",
    no_args_is_help=True,
)


def run_command(
    file: Path = typer.Argument(..., help="Python file to run in the sandbox ('-' reads stdin)."),
    call: str | None = typer.Option(
        None, "--call", help="Expression to evaluate after importing, e.g. 'solve(3)'."
    ),
    timeout: float = typer.Option(
        5.0, "--timeout", help="Wall-clock seconds for the import and for the call."
    ),
    memory: int = typer.Option(512, "--memory", help="Address-space limit in MB."),
    fmt: str = typer.Option("text", "--format", "-f", help="json or text."),
    isolation: str = typer.Option(
        "auto", "--isolation", help="auto, bubblewrap or namespaces (required), or none."
    ),
    allow_unsandboxed: bool = typer.Option(
        False,
        "--allow-unsandboxed",
        help="Where no isolation works, run with rlimits only (loudly flagged) instead of "
        "refusing.",
    ),
) -> int:
    """Run FILE in the sandbox (as __main__ without --call; as a module with --call) and
    print status, result, stdout, stderr, exception and wall time. Exit 0 iff status is ok."""
    if fmt not in ("json", "text"):
        raise InvalidArgument(f"--format {fmt!r} is not one of json, text")
    try:
        source = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(f"cannot read {file}: {error}") from error
    job = Job(
        source=source,
        calls=(Call.expr(call),) if call else (),
        limits=Limits(timeout_s=timeout, memory_mb=memory),
        name=file.name,
        run_name="__candidate__" if call else "__main__",
    )
    result = run_job(job, isolation=isolation, allow_unsandboxed=allow_unsandboxed or None)
    imported = result.import_outcome
    outcome: Outcome = result.outcomes[0] if call and imported.ok else imported
    both = outcome is not imported
    payload = {
        "status": outcome.status.value,
        "result": outcome.value_repr,
        "value": outcome.value,
        "stdout": imported.stdout + outcome.stdout if both else outcome.stdout,
        "stderr": imported.stderr + outcome.stderr if both else outcome.stderr,
        "exception": None if outcome.exception is None else outcome.to_json()["exception"],
        "wall_s": round(outcome.wall_s, 6),
        "degraded": list(result.degraded),
    }
    if fmt == "json":
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        sys.stdout.write(_text(payload))
    return 0 if outcome.ok else 1


def _text(payload: dict[str, object]) -> str:
    lines = [f"status: {payload['status']}  ({payload['wall_s']:.3f} s)"]
    if payload["result"] is not None:
        lines.append(f"result: {payload['result']}")
    for stream in ("stdout", "stderr"):
        if payload[stream]:
            lines.append(f"--- {stream}\n{str(payload[stream]).rstrip()}")
    exception = payload["exception"]
    if isinstance(exception, dict):
        lines.append(
            f"--- exception\n{exception['traceback'] or exception['type'] + ': ' + exception['message']}".rstrip()
        )
    degraded = payload["degraded"]
    if isinstance(degraded, list) and degraded:
        lines.append("warning: isolation degraded: " + "; ".join(map(str, degraded)))
    return "\n".join(lines) + "\n"


def doctor_command(
    fmt: str = typer.Option("text", "--format", "-f", help="json or text."),
    isolation: str = typer.Option(
        "auto", "--isolation", help="auto, bubblewrap or namespaces (required), or none."
    ),
    allow_unsandboxed: bool = typer.Option(
        False,
        "--allow-unsandboxed",
        help="Report what would run where no isolation works (rlimits only).",
    ),
) -> int:
    """Report the active isolation backend (bubblewrap, namespaces, none, or refused where
    nothing isolates and running without it was not allowed) and every mechanism's state;
    exit 1 if anything is degraded."""
    report = doctor(isolation, allow_unsandboxed or None)
    if fmt == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2) + "\n")
    elif fmt == "text":
        lines = [f"backend: {report.backend}"]
        lines += [
            f"  [{'x' if m.active else ' '}] {m.name:<22} {m.detail}" for m in report.mechanisms
        ]
        lines += [f"degraded: {gap}" for gap in report.degraded] or ["degraded: nothing"]
        sys.stdout.write("\n".join(lines) + "\n")
    else:
        raise InvalidArgument(f"--format {fmt!r} is not one of json, text")
    return 1 if report.degraded else 0


def register(app: typer.Typer) -> None:
    """Add the `sandbox` command group to `app`."""
    sandbox_app.command("run")(run_command)
    sandbox_app.command("doctor")(doctor_command)
    app.add_typer(sandbox_app)
