"""The warm worker that runs INSIDE the isolation boundary (standard library only).

Started once per worker as ``python -S -B _zygote.py CONTROL_FD``, already inside bubblewrap
(where it is PID 1 of its own PID namespace). It pre-imports common modules, then for each
job forks a fresh child that applies the rlimits, imports the candidate and runs the calls.

Channels:

* CONTROL_FD: a SOCK_SEQPACKET socket to the trusted parent. The zygote sends ``ready``,
  then keeps one child forked ahead of time: ``forked`` (with the parent's ends of the
  child's four pipes attached as SCM_RIGHTS, so the zygote keeps no copy), and once that
  child has ended and every process it started is killed and reaped, ``exit`` (wait
  status and rusage) with the next child's pid as ``next`` and its four pipe ends attached,
  so one message per job ends one child and hands over the next. The parent only ever
  sends ``kill`` with a child's pid (end that child and everything it started; a late kill
  for a child that already ended is ignored).
* Per job, two pipes between the parent and the child: requests come in, replies go out,
  each a 4-byte big-endian length plus JSON. A request carries a fresh nonce that the
  reply must echo; the parent sends a call's nonce only when it is that call's turn, so
  frames written in advance by the candidate cannot match.

The child's stdin is /dev/null. ``sys.stdout``/``sys.stderr`` are captured at the Python level
and capped; file descriptors 1 and 2 are two more pipes that the parent drains and caps, so
raw writes, C code and subprocesses are seen too. Neither is the result channel, so nothing
the candidate prints can be mistaken for a result.
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import ctypes
import gc
import importlib
import importlib.util
import io
import json
import linecache
import os
import pickle
import resource
import select
import signal
import socket
import struct
import sys
import time
import traceback
import types
import warnings
from typing import Any

# `random` registers an at-fork hook that reseeds it from os.urandom in every forked child,
# which costs each child ~40 page copies; every child instead starts from the state
# `random.seed(0)` leaves in the zygote (results are deterministic), so it is imported here
# without that hook.
_register_at_fork = os.register_at_fork
os.register_at_fork = lambda **hooks: None
try:
    import random
finally:
    os.register_at_fork = _register_at_fork

# The runner's functions resolve builtins in a private copy, and keep their own references
# to what they need after candidate code ran, so a candidate that monkeypatches `builtins`
# or `json` changes its own behaviour, not how its results are reported.
_BUILTINS = dict(vars(builtins))
globals()["__builtins__"] = _BUILTINS
_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner: no Python builtins involved


def _floatstr(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"non-finite float {value!r} in a result frame")
    return float.__repr__(value)


def _unencodable(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


_encode = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, _unencodable, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, False
)


def _dumps(message: dict[str, Any]) -> str:
    return "".join(_encode(message, 0))


def _loads(text: str) -> Any:
    value, end = _scan(text, 0)
    if text[end:].strip():
        raise ValueError("extra data after a request frame")
    return value


_HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "_assay_canonical", os.path.join(_HERE, "canonical.py")
)
if _spec is None or _spec.loader is None:
    raise ImportError(f"assay sandbox: cannot load canonical.py next to {__file__}")
_canonical = importlib.util.module_from_spec(_spec)
_canonical.__dict__["__builtins__"] = _BUILTINS
_spec.loader.exec_module(_canonical)
canonicalize = _canonical.canonicalize

#: Imported once here so that a forked child gets them for free.
WARM_MODULES = (
    "abc", "array", "bisect", "collections", "collections.abc", "copy", "datetime", "enum",
    "functools", "hashlib", "heapq", "itertools", "json", "math", "operator", "re", "string",
    "typing", "numbers", "cmath", "struct",
)  # fmt: skip

_HEADER = struct.Struct(">I")
_MAX_REQUEST = 64 * 1024 * 1024
_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36
_DENIED_ERRNOS = {
    1,
    13,
    30,
    101,
    113,
    97,
}  # EPERM EACCES EROFS ENETUNREACH EHOSTUNREACH EAFNOSUPPORT
_RUNNER_FILE = os.path.abspath(__file__)


# The child resets signal dispositions with the C function and plain ints: the `signal`
# module's wrapper converts to and from enums, which in a freshly forked child touches (and
# copies on write) dozens of pages for nothing.
_RESET_SIGNALS = tuple(
    int(number)
    for number in (
        signal.SIGTERM,
        signal.SIGHUP,
        signal.SIGUSR1,
        signal.SIGUSR2,
        signal.SIGALRM,
        signal.SIGCHLD,
    )
)
_SIG_DFL = int(signal.SIG_DFL)
_set_handler: Any = importlib.import_module("_signal").signal
_SIGINT = int(signal.SIGINT)


#: The warnings the current import or call raised (see `_capture_warnings`).
_CAUGHT: list[warnings.WarningMessage] = []
_filters_mutated: Any = warnings._filters_mutated  # type: ignore[attr-defined]


def _capture_warnings() -> None:
    """Record every warning into `_CAUGHT`, each distinct location once per import or call
    (a warning raised in a hot loop must not pile up).

    Set up once here, in the zygote, rather than with a ``catch_warnings`` per call:
    entering and leaving one costs a freshly forked child dozens of copied pages. The
    record hook is the one ``catch_warnings(record=True)`` installs."""
    warnings.simplefilter("default")
    warnings._showwarnmsg_impl = _CAUGHT.append  # type: ignore[attr-defined]
    warnings.showwarning = warnings._showwarning_orig  # type: ignore[attr-defined]


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(option, value, 0, 0, 0)


# ---------------------------------------------------------------- child: the per-job runner


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int) -> dict[str, Any] | None:
    header = _read_exact(fd, _HEADER.size)
    if header is None:
        return None
    (length,) = _HEADER.unpack(header)
    if length > _MAX_REQUEST:
        return None
    body = _read_exact(fd, length)
    return None if body is None else _loads(body.decode())


def _write_frame(fd: int, message: dict[str, Any]) -> None:
    body = _dumps(message).encode("ascii")
    data = _HEADER.pack(len(body)) + body
    while data:
        written = os.write(fd, data)
        data = data[written:]


class _CappedText(io.TextIOBase):
    """A text stream that keeps the first `cap` characters and counts the rest."""

    def __init__(self, cap: int) -> None:
        self._cap = cap
        self._parts: list[str] = []
        self._kept = 0
        self._dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = self._cap - self._kept
        if room > 0:
            self._parts.append(text[:room])
            self._kept += min(room, len(text))
        self._dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False

    def getvalue(self) -> str:
        text = "".join(self._parts)
        if self._dropped:
            text += f"\n[assay: {self._dropped} more characters not kept]"
        return text


def _denied(error: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _DENIED_ERRNOS:
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, OSError) and reason.errno in _DENIED_ERRNOS:
            return True
        current = current.__cause__ or current.__context__
    return False


def _exception_info(error: BaseException, cap: int) -> dict[str, str]:
    # Describing runs the candidate's code again (__str__, a metaclass's attributes), which
    # may raise anything, SystemExit included: each part falls back on its own, so the
    # original exception's type survives whatever describing it raises.
    try:
        summary = traceback.TracebackException.from_exception(error, capture_locals=False)
        frames = [frame for frame in summary.stack if frame.filename != _RUNNER_FILE]
        summary.stack = traceback.StackSummary.from_list(frames)
        text = "".join(summary.format())
    except BaseException as failure:  # noqa: BLE001 - a hostile exception is described, not propagated
        text = f"<traceback failed: {type(failure).__name__}>"
    kind = type(error)
    # type's own descriptors: no metaclass __getattribute__ runs, and C types keep "zlib."
    try:
        module: object = type.__dict__["__module__"].__get__(kind)
    except AttributeError:  # a class made where globals had no __name__
        module = None
    qualname = str(type.__dict__["__qualname__"].__get__(kind))
    name = (
        qualname
        if not isinstance(module, str) or module in ("builtins", "__candidate__", "__main__")
        else f"{module}.{qualname}"
    )
    try:
        message = str(error)
    except BaseException as failure:  # noqa: BLE001 - a hostile __str__ is described, not propagated
        message = f"<str() failed: {type(failure).__name__}>"
    return {"type": name, "message": message[:cap], "traceback": text[-cap:]}


def _status_for(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return "memory"
    if _denied(error):
        return "blocked"
    return "error"


def _safe_repr(value: object, cap: int) -> str:
    try:
        text = repr(value)
    except Exception as failure:  # noqa: BLE001 - a hostile __repr__ is described, not propagated
        text = f"<repr() failed: {type(failure).__name__}: {failure}>"
    return text if len(text) <= cap else text[:cap] + "..."


def _defined_here(value: object, module_name: str) -> bool:
    """Whether `value` is a function or class the candidate module itself defines (for the
    message naming what a module without the entry point does define)."""
    try:
        return callable(value) and getattr(value, "__module__", None) == module_name
    except Exception:  # noqa: BLE001 - a hostile __getattr__ only leaves the name unlisted
        return False


#: Line events traced per call before tracing stops (a hot loop must not slow the call
#: towards its time limit); the arcs seen so far are kept and the reply says it stopped.
_TRACE_EVENTS = 20_000
#: Distinct arcs kept per call.
_MAX_ARCS = 2_000


def _traced(code: types.CodeType, thunk: Any, arcs: set[tuple[int, int]]) -> Any:
    """Run `thunk` recording the line arcs (``(from, to)``, 0 for entering and leaving) of
    every frame of `code`, and only of those: other frames cost one identity test. Each
    frame keeps its own last line, so recursion does not mix the arcs of two frames."""
    budget = [_TRACE_EVENTS]
    settrace = sys.settrace

    def enter(frame: types.FrameType, event: str, arg: object) -> Any:
        if frame.f_code is not code or budget[0] <= 0:
            return None
        last = 0

        def step(frame: types.FrameType, event: str, arg: object) -> Any:
            nonlocal last
            if event == "line":
                budget[0] -= 1
                if budget[0] <= 0:
                    settrace(None)
                    return None
                if len(arcs) < _MAX_ARCS:
                    arcs.add((last, frame.f_lineno))
                last = frame.f_lineno
            elif event == "return" and len(arcs) < _MAX_ARCS:
                arcs.add((last, 0))
            return step

        return step

    settrace(enter)
    try:
        return thunk()
    finally:
        settrace(None)
        if budget[0] <= 0:
            arcs.add((-1, -1))


class _Runner:
    """Executes the import and the calls of one job in this (child) process."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.module = types.ModuleType("__candidate__")
        #: the entry point's code object when the job asked for its line arcs
        self.covered: types.CodeType | None = None

    def execute(
        self, thunk: Any, *, keep_value: bool, args: Any = None, clean_exit_ok: bool = False
    ) -> dict[str, Any]:
        out, err = _CappedText(self.cap), _CappedText(self.cap)
        saved = (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)
        sys.stdout = sys.__stdout__ = out  # type: ignore[assignment,misc]
        sys.stderr = sys.__stderr__ = err  # type: ignore[assignment,misc]
        started = time.process_time()
        reply: dict[str, Any] = {
            "status": "ok",
            "value_repr": None,
            "value": None,
            "exception": None,
        }
        _CAUGHT.clear()
        _filters_mutated()  # each distinct warning location once per import or call again
        arcs: set[tuple[int, int]] = set()
        covered = self.covered if keep_value else None
        try:
            value = thunk() if covered is None else _traced(covered, thunk, arcs)
            if keep_value:
                reply["value_repr"] = _safe_repr(value, self.cap)
                reply["value"] = canonicalize(value)
        except SystemExit as error:
            # a script run as __main__ that exits with status 0 succeeded
            if not (clean_exit_ok and error.code in (0, None)):
                reply["status"] = "error"
                reply["exception"] = _exception_info(error, self.cap)
        except BaseException as error:  # noqa: BLE001 - every ending is an outcome with evidence
            reply["status"] = _status_for(error)
            reply["exception"] = _exception_info(error, self.cap)
        if args is not None:
            # also after an exception: a function may mutate its input and then fail
            try:
                reply["args_after"] = canonicalize(args)
            except Exception as error:  # noqa: BLE001 - a hostile argument is described
                reply["args_after"] = {
                    "__object__": "unrepresentable",
                    "repr": type(error).__name__,
                }
        cpu = time.process_time() - started
        sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__ = saved  # type: ignore[misc]
        if covered is not None:
            reply["arcs"] = [list(arc) for arc in sorted(arcs)]
        reply.update(
            stdout=out.getvalue(),
            stderr=err.getvalue(),
            cpu_s=cpu,
            peak_memory_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            warnings=[
                {
                    "category": w.category.__name__,
                    "message": str(w.message)[: self.cap],
                    "filename": str(w.filename),
                    "lineno": int(w.lineno or 0),
                }
                for w in _CAUGHT[:100]
            ],
        )
        return reply

    def do_import(self, request: dict[str, Any]) -> dict[str, Any]:
        filename = str(request["filename"])
        source = str(request["source"])
        preamble = str(request["preamble"])
        entry_point = str(request.get("entry_point") or "")
        module = self.module
        module.__dict__["__name__"] = str(request["run_name"])
        module.__dict__["__file__"] = filename
        module.__dict__["__builtins__"] = builtins
        sys.modules["__candidate__"] = module
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)

        def thunk() -> None:
            if preamble:
                exec(compile(preamble, "<preamble>", "exec", dont_inherit=True), module.__dict__)  # nosec B102  # the sandbox runs the checked code by design
            exec(compile(source, filename, "exec", dont_inherit=True), module.__dict__)  # nosec B102  # the sandbox runs the checked code by design
            if entry_point and not callable(module.__dict__.get(entry_point)):
                defined = sorted(
                    name
                    for name, value in module.__dict__.items()
                    if not name.startswith("_") and _defined_here(value, module.__name__)
                )
                raise NameError(
                    f"the module defines no function {entry_point!r}"
                    + (f" (it defines {', '.join(defined[:8])})" if defined else "")
                )

        reply = self.execute(thunk, keep_value=False, clean_exit_ok=module.__name__ == "__main__")
        if request.get("cover") and entry_point:
            code = getattr(module.__dict__.get(entry_point), "__code__", None)
            self.covered = code if isinstance(code, types.CodeType) else None
        return reply

    def do_call(self, request: dict[str, Any]) -> dict[str, Any]:
        kind, code = str(request["kind"]), str(request["code"])
        namespace = self.module.__dict__
        if kind == "function":
            args, kwargs = pickle.loads(base64.b64decode(request["payload"]))  # nosec B301  # a payload assay's own parent process pickled

            def call() -> object:
                return namespace[code](*args, **kwargs)

            return self.execute(call, keep_value=True, args=(args, kwargs))
        if kind == "expr":
            linecache.cache["<call>"] = (len(code), None, [code], "<call>")
            return self.execute(
                lambda: eval(compile(code, "<call>", "eval", dont_inherit=True), namespace),  # nosec B307  # the sandbox runs the checked code by design
                keep_value=True,
            )
        linecache.cache["<test>"] = (len(code), None, code.splitlines(True), "<test>")
        return self.execute(
            lambda: exec(compile(code, "<test>", "exec", dont_inherit=True), namespace),  # nosec B102  # the sandbox runs the checked code by design
            keep_value=False,
        )


def _apply_limits(limits: dict[str, Any]) -> None:
    mb = 1024 * 1024
    cpu = max(1, int(limits["cpu_s"] + 0.999))
    settings = (
        (resource.RLIMIT_AS, int(limits["memory_mb"]) * mb),
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_FSIZE, int(limits["file_mb"]) * mb),
        (resource.RLIMIT_NOFILE, int(limits["open_files"])),
        (resource.RLIMIT_NPROC, int(limits["processes"])),
        (resource.RLIMIT_CORE, 0),
    )
    for kind, value in settings:
        hard = value + 1 if kind == resource.RLIMIT_CPU else value
        resource.setrlimit(kind, (value, hard))


def _child(cmd_r: int, res_w: int, out_w: int, err_w: int, workdir: str, *, pid1: bool) -> None:
    """Wait (already forked, as the worker's spare) for the import request, which carries
    the job's limits; apply them; then serve the job's requests until EOF. File descriptors
    1 and 2 are pipes the parent drains and caps (raw writes, C code and subprocesses).
    `pid1`: the zygote is its PID namespace's init and left every disposition but SIGINT's
    at its default (see `main`)."""
    os.setsid()
    # when the job's memory cgroup is full, the kernel kills one of its processes: make
    # that the job's, never the zygote
    with contextlib.suppress(OSError):
        adjust = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
        try:
            os.write(adjust, b"1000")
        finally:
            os.close(adjust)
    if not pid1:
        for number in _RESET_SIGNALS:
            _set_handler(number, _SIG_DFL)
    _set_handler(_SIGINT, signal.default_int_handler)
    os.chdir(workdir)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    low, high = sorted((cmd_r, res_w))
    os.closerange(3, low)
    os.closerange(low + 1, high)
    os.closerange(high + 1, 1 << 16)
    runner: _Runner | None = None
    while True:
        request = _read_frame(cmd_r)
        if request is None:
            os._exit(0)
        if runner is None:
            limits = request["limits"]
            _apply_limits(limits)
            runner = _Runner(int(limits["output_bytes"]))
        nonce = str(request["nonce"])
        op = request.get("op")
        reply = runner.do_import(request) if op == "import" else runner.do_call(request)
        reply["nonce"] = nonce
        try:
            _write_frame(res_w, reply)
        except (TypeError, ValueError) as error:
            _write_frame(
                res_w,
                {"nonce": nonce, "status": "error", "exception": _exception_info(error, 4096)},
            )
        if request.get("last"):
            # nothing else will come: end now, so the zygote cleans up while the parent
            # reads this reply
            os._exit(0)


# ---------------------------------------------------------------- zygote


#: Seconds the zygote spends removing what one job left before it gives up and reports the
#: worker dirty (the parent then replaces it, which discards the namespace's tmpfs whole):
#: an inode flood must not hold up, let alone lose, the job's result.
_WIPE_BUDGET_S = 2.0


def _remove_tree(path: str, deadline: float) -> bool:
    """Remove a directory and everything in it; True when nothing is left (False also
    when `deadline`, a `time.monotonic` value, passes first). Most jobs leave their
    directory empty, and one rmdir is much cheaper than a walk."""
    try:
        os.rmdir(path)
    except OSError:
        return _remove_stubborn_tree(path, deadline)
    return True


def _remove_stubborn_tree(path: str, deadline: float) -> bool:
    """Remove what a job left, including directories it took its own permissions away
    from (the zygote runs as the same user, so it gives them back); True when nothing is
    left.

    One walk, without recursion: each directory is unlocked before it is listed, so a
    chain of locked directories of any depth goes in one pass (``shutil.rmtree`` with an
    unlocking error handler gets one level further per pass, and recurses once per level).
    What this cannot remove — a tree deeper than the longest path, built with chdir — is
    reported, and the worker is replaced.
    """
    if os.path.islink(path):
        with contextlib.suppress(OSError):
            os.unlink(path)
        return not os.path.lexists(path)
    directories: list[str] = []
    pending = [path]
    while pending:
        if time.monotonic() > deadline:
            return False
        directory = pending.pop()
        with contextlib.suppress(OSError):
            os.chmod(directory, 0o700)
        # every directory comes after its parent, so the reverse order empties children first
        directories.append(directory)
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for number, entry in enumerate(entries):
            if number % 4096 == 4095 and time.monotonic() > deadline:
                return False
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    for directory in reversed(directories):
        with contextlib.suppress(OSError):
            os.rmdir(directory)
    return not os.path.lexists(path)


_IPC_RMID = 0
#: /proc/sysvipc files, each a header line then one object per line (its id second)
_SYSV_TABLES = ("/proc/sysvipc/shm", "/proc/sysvipc/msg", "/proc/sysvipc/sem")
_libc = ctypes.CDLL(None, use_errno=True)


def _remove_sysv_ipc() -> bool:
    """Remove every SysV shared-memory segment, message queue and semaphore set of this
    IPC namespace (the worker's own: only called as PID 1); True when none is left.
    Without this, one job's objects are the next job's state (and its memory)."""
    clean = True
    for table in _SYSV_TABLES:
        try:
            fd = os.open(table, os.O_RDONLY)
        except OSError:
            continue
        try:
            data = os.read(fd, 1 << 20)
        finally:
            os.close(fd)
        lines = data.splitlines()[1:]
        for line in lines:
            ident = int(line.split()[1])
            if table.endswith("shm"):
                done = _libc.shmctl(ident, _IPC_RMID, None)
            elif table.endswith("msg"):
                done = _libc.msgctl(ident, _IPC_RMID, None)
            else:
                done = _libc.semctl(ident, 0, _IPC_RMID)
            clean = clean and done == 0
    return clean


class _Zygote:
    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.pid1 = os.getpid() == 1
        self.scratch = os.environ.get("ASSAY_SANDBOX_SCRATCH") or "/tmp"  # nosec B108  # the sandbox's private tmpfs
        kept = [p for p in os.environ.get("ASSAY_SANDBOX_KEEP", "").split(os.pathsep) if p]
        # One job at a time, and the previous job's directory is wiped before the next
        # child is forked, so every job can use the same path; HOME and TMPDIR then point
        # there once, here, instead of being set in every child.
        self.workdir = os.path.join(self.scratch, "job")
        os.environ["HOME"] = os.environ["TMPDIR"] = self.workdir
        # Entries of the wiped directories that lead to a read-only bind of assay's own
        # files (see _policy): the wipe leaves them.
        self.protected = {
            os.path.join(root, os.path.relpath(k, root).split(os.sep)[0])
            for root in (self.scratch, "/dev/shm")  # nosec B108  # the sandbox's private tmpfs
            for k in kept
            if k != root and os.path.commonpath([k, root]) == root
        }
        # Every page this process writes between two forks costs it a page fault (fork
        # write-protects them all again), so the per-job loop keeps to C-level calls: one
        # poll object, the C JSON encoder, no selectors.
        self.poller = select.poll()
        self.poller.register(control.fileno(), select.POLLIN)

    def send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        data = _dumps(message).encode()
        if fds:
            socket.send_fds(self.control, [data], fds)
        else:
            self.control.send(data)

    def receive(self) -> dict[str, Any] | None:
        data = self.control.recv(1 << 20)
        return json.loads(data) if data else None

    def kill_job(self, pgid: int) -> None:
        """SIGKILL everything the job started. As PID 1 of the namespace, kill(-1) reaches
        every process but this one, including daemons that left the process group.
        Without a PID namespace, the job's process group and every descendant of this
        process (a child subreaper, so orphaned daemons are re-parented here) are killed."""
        if self.pid1:
            with contextlib.suppress(ProcessLookupError):
                os.kill(-1, signal.SIGKILL)
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        if self._has_children():
            for pid in self._descendants():
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)

    def sweep(self, pgid: int) -> int:
        """Kill and reap every leftover process; return how many were reaped.

        Every process left in the namespace descends from this one (PID 1, or a child
        subreaper that inherits orphans), so no child means nothing of the job survives:
        the common case costs one system call, no signal and no scan of /proc."""
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 0
        found = (1 if pid else 0) + self._reap()
        if not self._has_children():
            return found
        for _ in range(1000):
            self.kill_job(pgid)
            found += self._reap()
            if not self._others_alive():
                break
            time.sleep(0.001)
        return found

    def _others_alive(self) -> bool:
        if self.pid1:
            return any(name.isdigit() and name != "1" for name in os.listdir("/proc"))
        return self._has_children()

    @staticmethod
    def _has_children() -> bool:
        """Whether any process is below this one: as a child subreaper, every descendant
        has an ancestor that is a direct child (the cheap test before scanning /proc)."""
        try:
            os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return False
        return True

    @staticmethod
    def _descendants() -> list[int]:
        """Every process below this one, from /proc (used without a PID namespace)."""
        children: dict[int, list[int]] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as stat:
                    parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(name))
        found: list[int] = []
        stack = [os.getpid()]
        while stack:
            for child in children.get(stack.pop(), ()):
                found.append(child)
                stack.append(child)
        return found

    def _reap(self) -> int:
        count = 0
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return count
            if pid == 0:
                return count
            count += 1

    def wipe(self, workdir: str) -> bool:
        """Remove everything the last job left (files, and in the worker's own IPC
        namespace its SysV shared memory, queues and semaphores); True when nothing is
        left, within `_WIPE_BUDGET_S`."""
        deadline = time.monotonic() + _WIPE_BUDGET_S
        if not self.pid1:
            return _remove_tree(workdir, deadline)
        clean = _remove_sysv_ipc()
        # the whole private scratch directory (which holds `workdir`) and /dev/shm go
        for root in (self.scratch, "/dev/shm"):  # nosec B108  # the sandbox's private tmpfs
            try:
                names = os.listdir(root)
            except OSError:
                continue
            for name in names:
                path = root + "/" + name
                if path in self.protected:
                    continue
                if path == workdir or (os.path.isdir(path) and not os.path.islink(path)):
                    clean = _remove_tree(path, deadline) and clean
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                    clean = not os.path.lexists(path) and clean
        return clean

    def fork_child(self) -> tuple[int, list[int], str]:
        """Fork the next job's child ahead of time; return its pid, the parent's ends of its
        pipes (requests, results, fd 1, fd 2) and its work directory."""
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        workdir = self.workdir
        # it still exists only when the wipe could not remove what the last job left
        with contextlib.suppress(FileExistsError):
            os.mkdir(workdir, 0o700)
        pid = os.fork()
        if pid == 0:
            try:
                # every other descriptor (the control socket, the poll object, the
                # parent's ends of the pipes) is closed by the child's closerange
                _child(cmd_r, res_w, out_w, err_w, workdir, pid1=self.pid1)
            finally:
                os._exit(70)
        for fd in (cmd_r, res_w, out_w, err_w):
            os.close(fd)
        return pid, [cmd_w, res_r, out_r, err_r], workdir

    def supervise(self, pid: int, workdir: str) -> dict[str, Any] | None:
        """Wait until the child ends (or the parent asks to kill it), then kill and reap
        everything it started and wipe its files. None when the parent went away."""
        alive = True
        killed = False
        pidfd = os.pidfd_open(pid)
        self.poller.register(pidfd, select.POLLIN)
        done = False
        while not done:
            for fd, _ in self.poller.poll():
                if fd == pidfd:
                    done = True
                    continue
                message = self.receive()
                if message is None:
                    alive = False
                    self.poller.unregister(fd)
                if message is None or (message.get("op") == "kill" and message.get("pid") == pid):
                    killed = True
                    self.kill_job(pid)
        self.poller.unregister(pidfd)
        os.close(pidfd)
        _, status, usage = os.wait4(pid, 0)
        leftovers = self.sweep(pid)
        clean = self.wipe(workdir)
        if not alive:
            return None
        return {
            "op": "exit",
            "pid": pid,
            "exitcode": os.waitstatus_to_exitcode(status),
            "killed": killed,
            "maxrss_kb": usage.ru_maxrss,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "leftovers": leftovers,
            # the parent replaces a worker whose files the next job would see
            "dirty": not clean,
        }

    def hand_over(
        self, child: tuple[int, list[int], str], ended: dict[str, Any] | None = None
    ) -> None:
        """Give the parent the next child's pipe ends (the zygote keeps no copy): alone as
        ``forked``, or with the previous child's ``exit`` report as its ``next``."""
        pid, fds, _ = child
        self.send({"op": "forked", "pid": pid} if ended is None else {**ended, "next": pid}, fds)
        for fd in fds:
            os.close(fd)

    def serve(self) -> None:
        """Announce readiness, then keep one forked child ready at all times. The next
        child is forked before the previous one's ``exit`` is sent, so that when the parent
        has read ``exit`` the worker is in its resting state (this process and one spare)."""
        self.send({"op": "ready", "pid": os.getpid(), "pid1": self.pid1, "python": sys.version})
        current = self.fork_child()
        self.hand_over(current)
        while True:
            ended = self.supervise(current[0], current[2])
            if ended is None:
                return
            current = self.fork_child()
            self.hand_over(current, ended)


def _warm_up() -> None:
    """Run one trusted job through the runner before the first fork.

    CPython builds some state lazily on first use: the ~120 AST node types that the first
    ``compile()`` creates, type attribute caches, the warnings and traceback machinery,
    the JSON encoder's caches. Built here, it is inherited by every child for free;
    otherwise each child rebuilds it (a measured third of a trivial child's CPU time)."""
    runner = _Runner(4096)
    source = "class Point:\n    pass\n\ndef f(x):\n    return [x, {x: (x, 1.5)}, Point]\n"
    runner.do_import(
        {"filename": "<warm-up>", "source": source, "preamble": "", "run_name": "__candidate__"}
    )
    payload = base64.b64encode(pickle.dumps(((2,), {}))).decode("ascii")
    replies = [
        runner.do_call({"kind": "function", "code": "f", "payload": payload}),
        runner.do_call({"kind": "expr", "code": "f(3)[1]"}),
        runner.do_call({"kind": "script", "code": "assert f(4)[0] == 5, 'warm-up failure'"}),
    ]
    for reply in replies:
        reply["nonce"] = "warm-up"
        _dumps(reply)
    if replies[-1]["status"] != "error" or replies[0]["status"] != "ok":
        raise RuntimeError(f"assay sandbox: the zygote's warm-up job went wrong: {replies}")
    sys.modules.pop("__candidate__", None)
    linecache.cache.clear()


def _set_import_path() -> None:
    """Started with -S: take the caller's import path instead of running site's .pth files,
    keep this directory off the path, and add the builtins site would (exit, quit, help)."""
    extra = os.environ.pop("ASSAY_SANDBOX_PATH", "")
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != _HERE]
    sys.path.extend(p for p in extra.split(os.pathsep) if p and p not in sys.path)
    import site

    site.setquit()
    site.sethelper()
    site.setcopyright()


def _sibling(name: str, module_name: str = "") -> types.ModuleType:
    """Load ``name.py`` from this directory by path (the zygote runs as a script, with
    this directory off the import path), as `module_name` (default ``_assay<name>``)."""
    spec = importlib.util.spec_from_file_location(
        module_name or f"_assay{name}", os.path.join(_HERE, f"{name}.py")
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"assay sandbox: cannot load {name}.py next to {__file__}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _enter_namespaces(control_fd: int) -> None:
    """With the namespace backend, build the sandbox around this process first (see
    `assay.sandbox._isolate`): from here on it is PID 1 of its namespaces."""
    config = os.environ.pop("ASSAY_SANDBOX_NAMESPACES", "")
    if config:
        _sibling("_isolate").enter(json.loads(config), close_outside=(control_fd,))


def _install_seccomp() -> None:
    """Without namespaces (rlimits only), still install the seccomp filter the parent
    passed: no ptrace of the caller, no keyrings or SysV objects left on the host."""
    code = os.environ.pop("ASSAY_SANDBOX_SECCOMP", "")
    if code:
        _sibling("_seccomp").install(bytes.fromhex(code))


def main() -> None:
    """Entry point inside the sandbox: warm up, then serve fork requests until EOF."""
    _enter_namespaces(int(sys.argv[1]))
    _install_seccomp()
    _set_import_path()
    control = socket.socket(fileno=int(sys.argv[1]))
    # The zygote must survive its jobs' signals. As the init of a PID namespace it gets only
    # the signals it has a handler for, so default dispositions protect it and its children
    # need not reset them (SIGINT has Python's handler and goes to SIG_DFL); otherwise it
    # ignores them and each child restores the defaults.
    if os.getpid() == 1:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    else:
        for number in (
            signal.SIGINT,
            signal.SIGTERM,
            signal.SIGHUP,
            signal.SIGUSR1,
            signal.SIGUSR2,
        ):
            signal.signal(number, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        _prctl(_PR_SET_DUMPABLE, 0)
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    asked = [m for m in os.environ.pop("ASSAY_SANDBOX_WARM", "").split(",") if m]
    for name in (*WARM_MODULES, *asked):
        with contextlib.suppress(ImportError):
            __import__(name)
    # Drawn inputs (`draw.py`) are asked for by name from the checked module's calls.
    draw = sys.modules["_assay_draw"] = _sibling("draw", "_assay_draw")
    if "hypothesis" in sys.modules:
        draw.warm()
    _capture_warnings()
    _warm_up()
    # every child starts from this state (it has no at-fork reseed, see the imports)
    random.seed(0)
    # Children are forked from here: keep the warm heap out of the collector's reach so a
    # child's collections do not touch (and copy-on-write) every inherited page.
    gc.collect()
    gc.freeze()
    _Zygote(control).serve()


if __name__ == "__main__":
    main()
