"""The trusted side of one warm worker: starts the zygote, sends it jobs, enforces the wall
clock, and turns what comes back (only size-capped JSON, never pickle) into `Outcome`s."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import math
import os
import secrets
import select
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from assay.errors import SandboxError
from assay.sandbox._model import (
    Call,
    ExceptionInfo,
    Job,
    JobResult,
    Limits,
    Outcome,
    Status,
    WarningInfo,
)
from assay.sandbox._policy import MEMORY_MARGIN_MB, Policy
from assay.sandbox.canonical import bounded

__all__ = ["Worker"]

_HEADER = struct.Struct(">I")
_START_TIMEOUT_S = 30.0
_CONTROL_TIMEOUT_S = 10.0
_CLOSE_TIMEOUT_S = 2.0


class _Lost(Exception):
    """The zygote stopped answering; the worker must be restarted."""


def _exception(kind: str, message: str) -> ExceptionInfo:
    return ExceptionInfo(type=kind, message=message, traceback="")


def _text(value: object, default: str = "") -> str:
    return value if isinstance(value, str) else default


#: Characters kept of an exception's type name: real qualified names are far shorter, and a
#: class named with a megabyte of text would otherwise become a megabyte-long finding.
MAX_TYPE_NAME = 200


def _capped(text: str, cap: int, what: str) -> str:
    """`text` cut to `cap` characters, saying so in the text itself (it becomes evidence)."""
    if len(text) <= cap:
        return text
    return f"{text[:cap]}... [{what} cut at {cap} of {len(text)} characters]"


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


_READ_CHUNK = 1 << 16


def _number(value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return 0.0


def _outcome_from_reply(reply: dict[str, Any], wall_s: float, limits: Limits) -> Outcome:
    """Validate a reply frame field by field; anything malformed makes the call `crashed`."""
    try:
        status = Status(reply.get("status"))
    except ValueError:
        return Outcome(
            status=Status.CRASHED,
            exception=_exception("MalformedResult", "bad status"),
            wall_s=wall_s,
        )
    cap = limits.output_bytes
    # The runner answering here runs beside the candidate, which may have patched it: every
    # field is capped (strings) or copied within bounds (values) before anything on this
    # side walks it, and each cut is stated where the evidence shows it.
    raw_exception = reply.get("exception")
    exception = None
    if isinstance(raw_exception, dict):
        exception = ExceptionInfo(
            type=_capped(_text(raw_exception.get("type"), "?"), MAX_TYPE_NAME, "type name"),
            message=_capped(_text(raw_exception.get("message")), cap, "message"),
            traceback=_capped(_text(raw_exception.get("traceback")), cap, "traceback"),
        )
    warnings = tuple(
        WarningInfo(
            category=_text(w.get("category"), "Warning"),
            message=_text(w.get("message")),
            filename=_text(w.get("filename")),
            lineno=int(_number(w.get("lineno"))),
        )
        for w in _list(reply.get("warnings"))[:100]
        if isinstance(w, dict)
    )
    value, cut = bounded(reply.get("value"))
    args_after, _ = bounded(reply.get("args_after"))
    raw_repr = reply.get("value_repr")
    value_repr = _capped(raw_repr, cap, "repr") if isinstance(raw_repr, str) else None
    if cut:
        # first, so that the shortest rendering of the value (300 characters) still says it
        value_repr = f"<{cut}> {value_repr or ''}".rstrip()
    return Outcome(
        status=status,
        value_repr=value_repr,
        value=value,
        exception=exception,
        stdout=_text(reply.get("stdout"))[: cap + 100],
        stderr=_text(reply.get("stderr"))[: cap + 100],
        wall_s=wall_s,
        cpu_s=_number(reply.get("cpu_s")),
        peak_memory_kb=int(_number(reply.get("peak_memory_kb"))),
        warnings=warnings,
        args_after=args_after,
        arcs=_arcs(reply.get("arcs")),
    )


#: Arcs kept per call (the runner sends at most this many; a patched one may send more).
MAX_ARCS = 2_000


def _arcs(raw: object) -> tuple[tuple[int, int], ...] | None:
    """The ``[from, to]`` line pairs of a reply, kept when both are small integers."""
    if not isinstance(raw, list):
        return None
    return tuple(
        (int(pair[0]), int(pair[1]))
        for pair in raw[:MAX_ARCS]
        if isinstance(pair, list)
        and len(pair) == 2
        and all(type(n) is int and -1 <= n < 1 << 24 for n in pair)
    )


def _death_outcome(
    exit_info: dict[str, Any],
    wall_s: float,
    *,
    timed_out: bool,
    cancelled: bool,
    out_of_memory: bool = False,
) -> Outcome:
    """What a child's death means, from the zygote's wait status (`out_of_memory`: the
    job's memory cgroup killed a process of it)."""
    code = int(_number(exit_info.get("exitcode")))
    memory = int(_number(exit_info.get("maxrss_kb")))
    cpu = _number(exit_info.get("cpu_s"))
    if cancelled:
        status, info = Status.KILLED, _exception("Cancelled", "the batch was cancelled")
    elif out_of_memory:
        status, info = (
            Status.MEMORY,
            _exception(
                "MemoryLimit",
                "the job's processes together reached its memory limit (memory cgroup)",
            ),
        )
    elif timed_out:
        status, info = (
            Status.TIMEOUT,
            _exception("Timeout", f"no result within the wall-clock limit ({wall_s:.2f} s)"),
        )
    elif code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        if number == signal.SIGXCPU:
            status = Status.TIMEOUT
            info = _exception("CPULimit", f"CPU-time limit reached ({name})")
        elif number in (
            signal.SIGSEGV,
            signal.SIGBUS,
            signal.SIGILL,
            signal.SIGFPE,
            signal.SIGABRT,
            signal.SIGSYS,
        ):
            status, info = Status.CRASHED, _exception(name, f"the process died from {name}")
        else:
            status, info = Status.KILLED, _exception(name, f"the process was killed by {name}")
    else:
        status = Status.CRASHED
        info = _exception(
            "ProcessExited", f"the process exited with status {code} before sending a result"
        )
    return Outcome(status=status, exception=info, wall_s=wall_s, cpu_s=cpu, peak_memory_kb=memory)


class _RawOutput:
    """What one of the child's file descriptors 1 and 2 carried during one call: the first
    `cap` bytes, and how many more were dropped."""

    def __init__(self, fd: int, cap: int) -> None:
        self.fd = fd
        self.cap = cap
        self.kept = bytearray()
        self.dropped = 0

    def read(self) -> None:
        """Take what the pipe holds now (non-blocking); on EOF stop watching it."""
        while self.fd >= 0:
            try:
                chunk = os.read(self.fd, _READ_CHUNK)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                with contextlib.suppress(OSError):
                    os.close(self.fd)
                self.fd = -1
                return
            room = self.cap - len(self.kept)
            self.kept += chunk[: max(room, 0)]
            self.dropped += max(0, len(chunk) - max(room, 0))

    @property
    def written(self) -> bool:
        """Whether anything was written since the last `merged_into`."""
        return bool(self.kept or self.dropped)

    def merged_into(self, text: str, number: int) -> str:
        """`text` (what Python-level writes produced) followed by this call's raw output,
        within the same cap; then start afresh for the next call."""
        room = max(0, self.cap - len(text))
        lost = self.dropped + max(0, len(self.kept) - room)
        merged = text + self.kept[:room].decode("utf-8", "replace")
        if lost:
            merged += f"\n[assay: {lost} more bytes written to file descriptor {number} not kept]"
        self.kept = bytearray()
        self.dropped = 0
        return merged

    def close(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1


class _Child:
    """The parent's ends of one child's pipes: requests, results, and its fds 1 and 2."""

    def __init__(self, cmd_w: int, res_r: int, out_r: int, err_r: int, cap: int) -> None:
        self.cmd_w = cmd_w
        self.res_r = res_r
        self.buffer = b""
        self.stdout = _RawOutput(out_r, cap)
        self.stderr = _RawOutput(err_r, cap)
        for fd in (cmd_w, out_r, err_r):
            os.set_blocking(fd, False)

    @property
    def alive(self) -> bool:
        return self.res_r >= 0

    def wait_readable(self, timeout: float) -> bool:
        """Wait until the result pipe is readable (or `timeout`), draining fds 1 and 2 as
        they fill so that a child writing to them never blocks on a full pipe."""
        poller = select.poll()
        events = select.POLLIN | select.POLLHUP | select.POLLERR
        poller.register(self.res_r, events)
        for output in (self.stdout, self.stderr):
            if output.fd >= 0:
                poller.register(output.fd, events)
        ready = {fd for fd, _ in poller.poll(max(0, int(timeout * 1000)))}
        for output in (self.stdout, self.stderr):
            if output.fd in ready:
                output.read()
        return self.res_r in ready

    def with_output(self, outcome: Outcome) -> Outcome:
        """`outcome` with what this call wrote to fds 1 and 2 appended to its stdout/stderr."""
        self.stdout.read()
        self.stderr.read()
        if not (self.stdout.written or self.stderr.written):
            return outcome
        return dataclasses.replace(
            outcome,
            stdout=self.stdout.merged_into(outcome.stdout, 1),
            stderr=self.stderr.merged_into(outcome.stderr, 2),
        )

    def close(self) -> None:
        """Close every end once (closing twice could hit an fd another thread reopened)."""
        for fd in (self.cmd_w, self.res_r):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.cmd_w = self.res_r = -1
        self.stdout.close()
        self.stderr.close()


class Worker:
    """One warm zygote inside the sandbox; runs one job at a time (not thread-safe)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.cancelled = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._scratch: str | None = None
        self._cgroup: Path | None = None
        self._memory: Path | None = None
        #: the value last written to the memory cgroup's limit, and its OOM kills so far
        self._memory_max = 0
        self._oom_seen = 0
        self._log = tempfile.TemporaryFile()
        self._lock = threading.Lock()
        self._child_pid = 0
        #: the value last written to the cgroup's pids.max (written only when it changes)
        self._pids_max = 0
        #: the next child (its pid and pipe ends), handed over with an ``exit``
        self._spare: tuple[int, list[int]] | None = None
        #: the zygote could not remove what the last job left: replace it before the next
        self._dirty = False
        self.launch()

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start (or restart) the zygote and wait for it to be ready."""
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the zygote without waiting for it (see `wait_ready`), so that several
        workers warm up at the same time."""
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(self.policy.env)
        drop = self.policy.drop_to
        if self.policy.backend == "none":
            self._scratch = tempfile.mkdtemp(prefix="assay-sandbox-")
            if drop is not None:
                os.chown(self._scratch, *drop)
            env["ASSAY_SANDBOX_SCRATCH"] = self._scratch
            env["HOME"] = env["TMPDIR"] = self._scratch
        passed = [child_end.fileno()]
        seccomp_fd: int | None = None
        if self.policy.seccomp is not None:
            # bubblewrap reads the filter from a descriptor; one per start, read from 0
            seccomp_fd = os.memfd_create("assay-seccomp", 0)
            os.write(seccomp_fd, self.policy.seccomp)
            os.lseek(seccomp_fd, 0, os.SEEK_SET)
            passed.append(seccomp_fd)
        command = self.policy.command(child_end.fileno(), seccomp_fd)
        groups = self._make_cgroups(drop)
        if groups:
            # the shell joins the cgroups, then becomes the sandbox: every process of the
            # worker starts inside them
            joins = " && ".join(f"echo $$ > {shlex.quote(str(g / 'cgroup.procs'))}" for g in groups)
            command = ["/bin/sh", "-c", f'{joins} && exec "$@"', "sh", *command]
        self._log.seek(0)
        self._log.truncate()
        try:
            self._process = subprocess.Popen(
                command,
                pass_fds=passed,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._log,
                env=env,
                start_new_session=True,
                user=None if drop is None else drop[0],
                group=None if drop is None else drop[1],
                extra_groups=None if drop is None else [],
            )
        except OSError as error:
            raise SandboxError(
                f"cannot start the sandbox worker {command[0]!r}: {error}"
            ) from error
        finally:
            child_end.close()
            if seccomp_fd is not None:
                os.close(seccomp_fd)
        self._control = parent_end

    def _make_cgroups(self, drop: tuple[int, int] | None) -> list[Path]:
        """Create this worker's pids and memory cgroups (where the machine allows them)."""
        made: list[Path] = []
        name = f"assay-{os.getpid()}-{id(self):x}-{secrets.token_hex(3)}"
        roots = []
        if self.policy.pids_root:
            roots.append(("pids", Path(self.policy.pids_root)))
        if self.policy.memory_root:
            roots.append(("memory", Path(self.policy.memory_root[0])))
        for kind, root in roots:
            group = root / name
            try:
                group.mkdir()
                if drop is not None:
                    # the process that joins is already the unprivileged identity
                    os.chown(group / "cgroup.procs", *drop)
            except OSError as error:
                raise SandboxError(
                    f"cannot create the {kind} cgroup {group}: {error}; the remedy is a "
                    f"writable {root} (or run where it is absent: that bound is then "
                    "reported as degraded)"
                ) from error
            if kind == "pids":
                self._cgroup = group
                self._pids_max = 0
            else:
                self._memory = group
                self._memory_max = 0
                self._oom_seen = 0
            made.append(group)
        return made

    def wait_ready(self) -> None:
        """Wait until the zygote has warmed up; raise `SandboxError` if it does not."""
        try:
            ready = self._receive(_START_TIMEOUT_S)[0]
        except _Lost as error:
            log = self._log_tail()
            self.close()
            raise SandboxError(
                f"the sandbox worker did not start: {error}; its stderr: {log!r}"
            ) from error
        if ready.get("op") != "ready":
            self.close()
            raise SandboxError(f"the sandbox worker sent {ready!r} instead of 'ready'")

    def _log_tail(self) -> str:
        self._log.seek(0)
        return self._log.read()[-2000:].decode("utf-8", "replace")

    def close(self, *, final: bool = True) -> None:
        """Stop the zygote and everything inside its sandbox (`final`: also release the
        log file; a restart keeps it)."""
        self._drop_spare()
        if self._control is not None:
            # EOF makes the zygote kill its current child and everything that child started,
            # then exit; SIGKILL is the fallback when it does not (it is PID 1 under
            # bubblewrap, so its death also ends every process in the namespace).
            self._control.close()
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=_CLOSE_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
            self._process = None
        if final:
            self._log.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        if self._cgroup is not None:
            self._remove_cgroup(self._cgroup)
            self._cgroup = None
        if self._memory is not None:
            self._remove_cgroup(self._memory)
            self._memory = None

    @staticmethod
    def _remove_cgroup(cgroup: Path) -> None:
        for _ in range(100):
            try:
                cgroup.rmdir()
                return
            except OSError:
                time.sleep(0.01)

    def restart(self) -> None:
        """Throw the zygote away and start a fresh one."""
        self.close(final=False)
        self.start()

    # ------------------------------------------------------------ control channel

    def _send(self, message: dict[str, Any]) -> None:
        if self._control is None:
            raise _Lost("no control channel")
        try:
            self._control.send(json.dumps(message).encode())
        except OSError as error:
            raise _Lost(f"control channel: {error}") from error

    def _receive(self, timeout: float) -> tuple[dict[str, Any], list[int]]:
        if self._control is None:
            raise _Lost("no control channel")
        if not _readable(self._control.fileno(), timeout):
            raise _Lost(f"no answer from the sandbox worker within {timeout:.0f} s")
        try:
            data, fds, _, _ = socket.recv_fds(self._control, 1 << 16, 4)
        except OSError as error:
            raise _Lost(f"control channel: {error}") from error
        if not data:
            for fd in fds:
                os.close(fd)
            raise _Lost("the sandbox worker exited")
        try:
            message = json.loads(data)
        except ValueError as error:
            for fd in fds:
                os.close(fd)
            raise _Lost(f"unreadable control message: {error}") from error
        if not isinstance(message, dict):
            raise _Lost("control message is not an object")
        return message, fds

    def kill_current(self) -> None:
        """Ask the zygote to SIGKILL the running job, if any (used by cancellation)."""
        with self._lock:
            if self._child_pid:
                with contextlib.suppress(_Lost):
                    self._send({"op": "kill", "pid": self._child_pid})

    def _next(
        self, op: str, timeout: float = _CONTROL_TIMEOUT_S
    ) -> tuple[dict[str, Any], list[int]]:
        """The next control message, which must be `op`."""
        message, fds = self._receive(timeout)
        if message.get("op") != op:
            for fd in fds:
                os.close(fd)
            raise _Lost(f"expected {op!r} from the sandbox worker, got {message!r}")
        return message, fds

    # ------------------------------------------------------------ jobs

    def run(
        self, job: Job, limits: Limits, isolation: tuple[str, ...], degraded: tuple[str, ...]
    ) -> JobResult:
        """Run `job` under `limits`: import once, then each call; a call that kills the
        process (timeout, crash) does not take the remaining calls with it: they run in a
        freshly forked child."""
        outcomes: list[Outcome] = []
        import_outcome: Outcome | None = None
        pending = list(job.calls)
        while import_outcome is None or pending:
            if self.cancelled.is_set():
                cancelled = Outcome(
                    status=Status.KILLED,
                    exception=_exception("Cancelled", "the batch was cancelled"),
                )
                import_outcome = import_outcome or cancelled
                outcomes += [cancelled] * len(pending)
                break
            first, done = self._run_child(job, limits, pending)
            if import_outcome is None:
                import_outcome = first
            elif not first.ok:
                # the module imported before but not now (e.g. a timeout on a slow import)
                outcomes += [first] * len(pending)
                break
            if not first.ok:
                outcomes += [first] * len(pending)
                break
            outcomes += done
            pending = pending[len(done) :]
        return JobResult(
            import_outcome=import_outcome,
            outcomes=tuple(outcomes),
            isolation=isolation,
            degraded=degraded,
            name=job.name,
        )

    def _run_child(
        self, job: Job, limits: Limits, calls: list[Call]
    ) -> tuple[Outcome, list[Outcome]]:
        """Fork one child, import, run calls until one ends the child; return the import
        outcome and the outcomes of the calls that ran."""
        try:
            ran = self._run_child_unsafe(job, limits, calls)
            if self._dirty:
                self._dirty = False
                self.restart()
            return ran
        except _Lost as error:
            log = self._log_tail()
            self.restart()
            lost = Outcome(
                status=Status.CRASHED,
                exception=_exception(
                    "SandboxWorkerLost", f"{error}; worker stderr: {log[-500:]!r}"
                ),
            )
            return lost, []

    def _run_child_unsafe(
        self, job: Job, limits: Limits, calls: list[Call]
    ) -> tuple[Outcome, list[Outcome]]:
        if self._cgroup is not None and self._pids_max != limits.processes + 2:
            (self._cgroup / "pids.max").write_text(f"{limits.processes + 2}\n")
            self._pids_max = limits.processes + 2
        self._bound_memory(limits)
        if self._spare is not None:
            pid, fds = self._spare
            self._spare = None
        else:
            forked, fds = self._next("forked")
            pid = int(forked.get("pid", 0))
        if len(fds) != 4:
            for fd in fds:
                os.close(fd)
            raise _Lost(f"'forked' came with {len(fds)} descriptors instead of 4")
        child = _Child(fds[0], fds[1], fds[2], fds[3], limits.output_bytes)
        with self._lock:
            self._child_pid = pid
        try:
            request = {
                "op": "import",
                "limits": {
                    "memory_mb": limits.memory_mb,
                    "cpu_s": limits.job_cpu_s(len(calls)),
                    "output_bytes": limits.output_bytes,
                    "file_mb": limits.file_mb,
                    "open_files": limits.open_files,
                    "processes": limits.processes,
                },
                "source": job.source,
                "preamble": job.preamble,
                "run_name": job.run_name,
                "entry_point": job.entry_point,
                "cover": job.cover,
                "filename": f"<{job.name or 'candidate'}>",
                "last": not calls,
            }
            first = self._exchange(child, request, limits)
            done: list[Outcome] = []
            if first.ok:
                for number, call in enumerate(calls, 1):
                    last = number == len(calls)
                    done.append(
                        self._exchange(child, {**_call_request(call), "last": last}, limits)
                    )
                    if not child.alive:
                        break
        finally:
            with self._lock:
                self._child_pid = 0
            alive = child.alive
            child.close()
        if alive:
            # The child exits on EOF; the zygote then kills and reaps everything the job
            # started and wipes its files before it reports, so when run() returns, nothing
            # of this job is left.
            try:
                self._await_exit()
            except _Lost:
                # The results are in; only the clean-up is late (a wipe slowed by an inode
                # flood): keep them, and replace the worker, which discards its namespace
                # and with it everything the job left.
                self._dirty = True
        return first, done

    def _bound_memory(self, limits: Limits) -> None:
        """Bound the whole job (every process, its shared memory and its files in /tmp) by
        `Limits.memory_mb` plus the zygote's margin, in the worker's memory cgroup."""
        if self._memory is None or self.policy.memory_root is None:
            return
        wanted = (limits.memory_mb + MEMORY_MARGIN_MB) * 1024 * 1024
        if self._memory_max != wanted:
            try:
                (self._memory / self.policy.memory_root[1]).write_text(f"{wanted}\n")
            except OSError:
                # cgroup v1 refuses a limit below what the worker holds now (a previous
                # job's pages not yet reclaimed): a fresh worker holds almost nothing
                self.restart()
                if self._memory is None:
                    raise _Lost("the restarted worker has no memory cgroup") from None
                limit_file = self._memory / self.policy.memory_root[1]
                try:
                    limit_file.write_text(f"{wanted}\n")
                except OSError as error:
                    raise _Lost(f"cannot set {limit_file} to {wanted}: {error}") from error
            self._memory_max = wanted
        self._oom_seen = self._oom_kills()

    def _oom_kills(self) -> int:
        """How many processes the worker's memory cgroup has killed so far."""
        if self._memory is None:
            return 0
        for name in ("memory.events", "memory.oom_control"):
            with contextlib.suppress(OSError):
                for line in (self._memory / name).read_text().splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        return 0

    def _await_exit(self) -> dict[str, Any]:
        """Wait for the zygote's report that the child and all its processes are gone; keep
        the next child it hands over with that report for the next job."""
        message, fds = self._next("exit")
        self._dirty = self._dirty or bool(message.get("dirty"))
        if "next" in message:
            self._drop_spare()
            self._spare = (int(message["next"]), fds)
        else:
            for fd in fds:
                os.close(fd)
        return message

    def _drop_spare(self) -> None:
        if self._spare is not None:
            for fd in self._spare[1]:
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._spare = None

    def _exchange(self, child: _Child, request: dict[str, Any], limits: Limits) -> Outcome:
        """Send one request with a fresh nonce; return the validated reply, or what the
        child's death or the deadline means."""
        nonce = secrets.token_hex(16)
        body = json.dumps({**request, "nonce": nonce}).encode()
        started = time.monotonic()
        deadline = started + limits.timeout_s
        try:
            sent = _write_all(child.cmd_w, _HEADER.pack(len(body)) + body, deadline)
        except OSError:
            return self._finish_dead_child(child, started, deadline)
        if not sent:
            return self._finish_dead_child(child, started, deadline, timed_out=True)
        frame_cap = 8 * limits.output_bytes + (1 << 20)
        while True:
            frame, problem = _take_frame(child, frame_cap)
            if frame is not None:
                wall = time.monotonic() - started
                try:
                    reply = json.loads(frame)
                except (ValueError, RecursionError):
                    return self._forged(child, started, "the result frame is not JSON")
                if not isinstance(reply, dict) or reply.get("nonce") != nonce:
                    return self._forged(
                        child, started, "a result frame did not carry this call's nonce"
                    )
                return child.with_output(_outcome_from_reply(reply, wall, limits))
            if problem:
                return self._forged(child, started, problem)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.cancelled.is_set():
                return self._finish_dead_child(child, started, deadline, timed_out=True)
            if not child.wait_readable(min(remaining, 0.25)):
                continue
            # os.read allocates its whole size up front: most replies are a few hundred
            # bytes, and a large one just takes more reads
            chunk = os.read(child.res_r, _READ_CHUNK)
            if not chunk:
                return self._finish_dead_child(child, started, deadline)
            child.buffer += chunk

    def _forged(self, child: _Child, started: float, problem: str) -> Outcome:
        self._kill_child()
        self._stop_reading(child)
        self._await_exit()
        return Outcome(
            status=Status.CRASHED,
            exception=_exception("ForgedResult", problem),
            wall_s=time.monotonic() - started,
        )

    def _kill_child(self) -> None:
        with self._lock:
            self._send({"op": "kill", "pid": self._child_pid})

    @staticmethod
    def _stop_reading(child: _Child) -> None:
        child.close()

    def _finish_dead_child(
        self, child: _Child, started: float, deadline: float, *, timed_out: bool = False
    ) -> Outcome:
        """The outcome of a call whose child ended, closed its result pipe, or ran out of
        time. A child that closed its pipes but lives on (say, sleeping) still has until
        the call's deadline to exit; then it is killed like any other."""
        if not timed_out and self._control is not None:
            while not _readable(
                self._control.fileno(), min(0.25, max(0.0, deadline - time.monotonic()))
            ):
                if time.monotonic() >= deadline or self.cancelled.is_set():
                    timed_out = True
                    break
        if timed_out:
            self._kill_child()
        exit_info = self._await_exit()
        wall = time.monotonic() - started
        cancelled = self.cancelled.is_set() and bool(exit_info.get("killed"))
        out_of_memory = self._oom_kills() > self._oom_seen
        # every writer is dead now: what fds 1 and 2 still hold is the last output, often
        # the explanation of a crash
        outcome = child.with_output(
            _death_outcome(
                exit_info,
                wall,
                timed_out=timed_out and not cancelled,
                cancelled=cancelled,
                out_of_memory=out_of_memory and not cancelled,
            )
        )
        self._stop_reading(child)
        return outcome


def _call_request(call: Call) -> dict[str, Any]:
    request: dict[str, Any] = {"op": "call", "kind": call.kind, "code": call.code}
    if call.payload:
        request["payload"] = base64.b64encode(call.payload).decode("ascii")
    return request


def _readable(fd: int, timeout: float) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(max(0, int(timeout * 1000))))


def _write_all(fd: int, data: bytes, deadline: float) -> bool:
    """Write everything before `deadline` (the pipe is non-blocking); False on timeout."""
    view = memoryview(data)
    poller = select.poll()
    poller.register(fd, select.POLLOUT | select.POLLERR)
    while view:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not poller.poll(int(remaining * 1000) + 1):
            return False
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            continue
        view = view[written:]
    return True


def _take_frame(child: _Child, cap: int) -> tuple[bytes | None, str]:
    """Split one complete frame off the buffer: (frame, "") or (None, problem or "")."""
    if len(child.buffer) < _HEADER.size:
        return None, ""
    (length,) = _HEADER.unpack(child.buffer[: _HEADER.size])
    if length > cap:
        return None, f"a result frame of {length} bytes exceeds the {cap}-byte cap"
    end = _HEADER.size + length
    if len(child.buffer) < end:
        return None, ""
    frame, child.buffer = child.buffer[_HEADER.size : end], child.buffer[end:]
    return frame, ""
