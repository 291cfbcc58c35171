"""Which isolation this machine offers, and the command line that starts a worker inside it.

Two backends give the same policy: user, network, PID, mount, IPC and UTS namespaces; an
allow-listed file system view (the interpreter, the standard library, the import path, the
shared libraries and the few /etc files Python reads), all read-only; a private bounded
tmpfs for /tmp and /dev/shm (the only writable places); uid 65534; a scrubbed environment;
a seccomp filter (`assay.sandbox._seccomp`); the worker as PID 1 of its namespace so that it
can kill every process a job started.

* ``bubblewrap``: Debian's ``bwrap`` builds it (preferred when it is installed and works);
* ``namespaces``: assay builds it itself from the kernel's system calls
  (`assay.sandbox._isolate`), for a plain ``pip install`` where bubblewrap is absent.

A pids cgroup bounds the number of processes and a memory cgroup the memory of the whole
job when the machine allows them (RLIMIT_NPROC does not bind a user namespace owned by
root, and RLIMIT_AS binds each process, not the job).

Fail closed: when neither backend works, `policy_for` raises `SandboxUnavailable` naming
the reason and the remedy, unless the caller opted in to running candidate code with
rlimits only (``allow_unsandboxed``, or ``isolation="none"``); that backend's every gap is
in `Policy.degraded`, which every `JobResult` carries: it never degrades silently.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from assay.config import read_environment
from assay.errors import InvalidArgument, SandboxUnavailable
from assay.sandbox import _seccomp
from assay.sandbox._model import DoctorReport, Mechanism

__all__ = [
    "ALLOW_UNSANDBOXED_VARIABLE",
    "ISOLATION_CHOICES",
    "MAX_HASH_SEED",
    "MEMORY_MARGIN_MB",
    "SHM_BYTES",
    "TMP_BYTES",
    "ZYGOTE",
    "Policy",
    "allow_unsandboxed_default",
    "memory_cgroup_root",
    "pids_cgroup_root",
    "policy_for",
]

ZYGOTE = Path(__file__).with_name("_zygote.py")
_ISOLATE = Path(__file__).with_name("_isolate.py")
ISOLATION_CHOICES = ("auto", "bubblewrap", "namespaces", "none")
#: Set to 1 (or true/yes) to let ``isolation="auto"`` run candidate code with rlimits only
#: where no isolation works; read only by `allow_unsandboxed_default`.
ALLOW_UNSANDBOXED_VARIABLE = "ASSAY_ALLOW_UNSANDBOXED"
_SANDBOX_UID = "65534"
#: Memory the zygote and its spare child hold in the job's memory cgroup, on top of the
#: job's own `Limits.memory_mb`.
MEMORY_MARGIN_MB = 64
#: Files and directories each tmpfs may hold: bounds an inode flood (and so the wipe).
TMP_INODES = 65536
_REMEDY = (
    "install bubblewrap (apt-get install bubblewrap) or allow unprivileged user namespaces "
    "(sysctl user.max_user_namespaces=15000, and kernel.unprivileged_userns_clone=1 where "
    "that setting exists); or accept running candidate code with rlimits only: "
    "--allow-unsandboxed, allow_unsandboxed=True or ASSAY_ALLOW_UNSANDBOXED=1"
)
#: The largest value Python accepts in ``PYTHONHASHSEED``.
MAX_HASH_SEED = 4_294_967_295
#: /etc files Python and its C libraries read; nothing else of /etc is visible.
_ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/hosts",
    "/etc/protocols",
    "/etc/services",
    "/etc/mime.types",
    "/etc/ssl",
    "/etc/alternatives",
)
#: Top-level system directories (or, on merged-/usr systems, symlinks into /usr).
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
#: Empty, read-only directories in the view: writes there fail with EROFS (``blocked``)
#: instead of ENOENT, and nothing of the host's contents shows.
_EMPTY_DIRS = ("/home", "/root", "/run", "/var", "/var/tmp", "/srv", "/opt", "/mnt", "/media")  # nosec B108  # inside the sandbox's own mount namespace: a private tmpfs
#: Size of each worker's private /tmp (job work directories live there) and /dev/shm.
TMP_BYTES = 256 * 1024 * 1024
SHM_BYTES = 64 * 1024 * 1024
_PIDS_CGROUP_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")
#: (root, the file that bounds a child cgroup's memory) for cgroup v1 and v2.
_MEMORY_CGROUP_ROOTS = (
    ("/sys/fs/cgroup/memory", "memory.limit_in_bytes"),
    ("/sys/fs/cgroup", "memory.max"),
)


@dataclass(frozen=True)
class Policy:
    """How workers are started: the command prefix, their environment and what it isolates."""

    backend: str
    prefix: tuple[str, ...]
    env: dict[str, str]
    mechanisms: tuple[Mechanism, ...]
    degraded: tuple[str, ...]
    pids_root: str | None
    #: (cgroup root, limit file) of the per-worker memory cgroup, or None
    memory_root: tuple[str, str] | None = None
    #: the filter bubblewrap loads from a descriptor (``--seccomp``), or None
    seccomp: bytes | None = None
    #: the interpreter the zygote runs on
    python: str = sys.executable
    #: the uid and gid outside the sandbox that the worker drops to before it starts
    #: (None: it keeps the caller's, or drops them itself)
    drop_to: tuple[int, int] | None = None

    @property
    def isolation(self) -> tuple[str, ...]:
        """Names of the active mechanisms."""
        return tuple(m.name for m in self.mechanisms if m.active)

    def command(self, control_fd: int, seccomp_fd: int | None = None) -> list[str]:
        """The full command that starts a zygote talking on `control_fd`; `seccomp_fd`
        holds `seccomp` for bubblewrap to load."""
        prefix = list(self.prefix)
        if seccomp_fd is not None and self.backend == "bubblewrap":
            prefix[1:1] = ["--seccomp", str(seccomp_fd)]
        return [*prefix, self.python, "-S", "-B", str(ZYGOTE), str(control_fd)]

    def with_hash_seed(self, seed: int) -> Policy:
        """The same policy with workers hashing strings under `seed` (``PYTHONHASHSEED``).

        Every policy fixes the seed so that results repeat; a second seed shows which
        results depend on the iteration order of sets and dicts of strings.
        """
        if not isinstance(seed, int) or not 0 <= seed <= MAX_HASH_SEED:
            raise InvalidArgument(
                f"hash_seed={seed!r} must be an integer from 0 to {MAX_HASH_SEED}"
            )
        return self._with_env("PYTHONHASHSEED", str(seed))

    def with_warm(self, modules: tuple[str, ...]) -> Policy:
        """The same policy with workers that import `modules` once, before they fork a job
        (a job that needs them then pays nothing for the import)."""
        if not all(
            isinstance(m, str) and all(p.isidentifier() for p in m.split(".")) for m in modules
        ):
            raise InvalidArgument(
                f"warm={modules!r} must be dotted module names, e.g. ('hypothesis',)"
            )
        return self._with_env("ASSAY_SANDBOX_WARM", ",".join(modules))

    def _with_env(self, key: str, value: str) -> Policy:
        """The same policy with `key` set to `value` in the workers' environment (bubblewrap
        clears the environment and sets each variable on its command line)."""
        prefix = list(self.prefix)
        found = False
        for index in range(len(prefix) - 2):
            if prefix[index] == "--setenv" and prefix[index + 1] == key:
                prefix[index + 2] = value
                found = True
        if not found and "--clearenv" in prefix:
            at = prefix.index("--clearenv") + 1
            prefix[at:at] = ["--setenv", key, value]
        return dataclasses.replace(self, prefix=tuple(prefix), env={**self.env, key: value})

    def report(self) -> DoctorReport:
        """This policy as a `DoctorReport`."""
        return DoctorReport(
            backend=self.backend, mechanisms=self.mechanisms, degraded=self.degraded
        )


def _import_path() -> str:
    """The caller's import path, handed to the zygote, which starts with ``-S``: the same
    modules are importable, but no .pth file runs inside the sandbox and the warm heap (so
    every fork) stays smaller."""
    entries = [p for p in sys.path[1:] if os.path.isabs(p) and os.path.exists(p)]
    return os.pathsep.join(dict.fromkeys(entries))


def _sandbox_env() -> dict[str, str]:
    return {
        "ASSAY_SANDBOX_PATH": _import_path(),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": "/tmp",  # nosec B108  # the sandbox's own private tmpfs
        "TMPDIR": "/tmp",  # nosec B108  # the sandbox's own private tmpfs
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "ASSAY_SANDBOX_SCRATCH": "/tmp",  # nosec B108  # the sandbox's own private tmpfs
        # numeric libraries start one thread per core by default; threads count against
        # the process limit and make results depend on the machine
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


@dataclass(frozen=True)
class View:
    """The allow-listed file system both backends build (host paths, absolute)."""

    #: bound read-only at the same place, parents before children
    binds: tuple[str, ...]
    #: empty read-only directories
    dirs: tuple[str, ...]
    #: (path, target) symbolic links
    symlinks: tuple[tuple[str, str], ...]
    #: binds under /tmp or /dev/shm, which the zygote must not wipe
    kept: tuple[str, ...]


def view() -> View:
    """What a sandboxed job sees of this machine: the interpreter, the standard library,
    every directory on the import path, assay's sandbox files, the system libraries and
    the /etc files in `_ETC_FILES`; empty directories for `_EMPTY_DIRS` and the caller's
    home; nothing else (no /var, no sockets, no other users' or root's files).

    An import-path entry that would expose one of those directories whole, or replace
    the private /tmp, /dev or /proc (a script run from /tmp or from the home directory
    puts that directory on the path), is left out: what is under it stays bindable."""
    home = str(Path.home())
    dirs = tuple(sorted({*_EMPTY_DIRS, *([home] if home != "/" else [])}))
    private = [Path(p) for p in ("/", "/tmp", "/dev", "/dev/shm", "/proc", *dirs)]  # nosec B108  # inside the sandbox's own mount namespace: a private tmpfs
    wanted: set[str] = set()
    links: list[tuple[str, str]] = []
    for path in (*_SYSTEM_DIRS, *_ETC_FILES):
        if os.path.islink(path):
            links.append((path, os.readlink(path)))
        elif os.path.exists(path):
            wanted.add(path)
    needed = [sys.prefix, sys.base_prefix, sys.executable, str(ZYGOTE.parent), *sys.path]
    for entry in needed:
        if entry and os.path.isabs(entry) and os.path.exists(entry):
            resolved = Path(os.path.realpath(entry))
            if not any(resolved == p or resolved in p.parents for p in private):
                wanted.add(str(resolved))
    # a path already under another bound path comes with it
    binds = sorted(p for p in wanted if not any(_under(Path(p), [Path(q)]) for q in wanted - {p}))
    scratch = [Path("/tmp"), Path("/dev/shm")]  # nosec B108  # inside the sandbox's own mount namespace: a private tmpfs
    kept = tuple(p for p in binds if _under(Path(p), scratch))
    return View(tuple(binds), dirs, tuple(links), kept)


def _root_drop() -> tuple[int, int] | None:
    """The identity outside the sandbox for a root caller (None for any other caller)."""
    return (int(_SANDBOX_UID), int(_SANDBOX_UID)) if os.geteuid() == 0 else None


def bubblewrap_prefix(bwrap: str) -> tuple[str, ...]:
    """bwrap arguments: the allow-listed view read-only, a private bounded /tmp and
    /dev/shm, every namespace, uid 65534, a cleared environment."""
    seen = view()
    args = [bwrap]
    for directory in seen.dirs:
        args += ["--dir", directory]
    args += ["--dev", "/dev", "--proc", "/proc"]
    # tmpfs lives in RAM: only /tmp and /dev/shm are writable, and both are bounded
    args += ["--size", str(TMP_BYTES), "--tmpfs", "/tmp"]  # nosec B108  # inside the sandbox's own mount namespace: a private tmpfs
    args += ["--size", str(SHM_BYTES), "--tmpfs", "/dev/shm"]  # nosec B108  # inside the sandbox's own mount namespace: a private tmpfs
    for path in seen.binds:
        args += ["--ro-bind", path, path]
    for path, target in seen.symlinks:
        args += ["--symlink", target, path]
    args += ["--remount-ro", "/dev", "--remount-ro", "/"]
    args += [
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--as-pid-1",
        "--cap-drop", "ALL",
        "--uid", _SANDBOX_UID,
        "--gid", _SANDBOX_UID,
        "--hostname", "sandbox",
        "--clearenv",
        "--chdir", "/tmp",  # nosec B108  # the sandbox's own private tmpfs
    ]  # fmt: skip
    for key, value in _sandbox_env().items():
        args += ["--setenv", key, value]
    if seen.kept:
        args += ["--setenv", "ASSAY_SANDBOX_KEEP", os.pathsep.join(seen.kept)]
    return tuple(args)


def namespaces_config() -> dict[str, object]:
    """The configuration `assay.sandbox._isolate.enter` builds the sandbox from."""
    seen = view()
    code = _seccomp.program()
    return {
        "uid": int(_SANDBOX_UID),
        "gid": int(_SANDBOX_UID),
        "binds": list(seen.binds),
        "dirs": list(seen.dirs),
        "symlinks": [list(pair) for pair in seen.symlinks],
        "tmp_bytes": TMP_BYTES,
        "shm_bytes": SHM_BYTES,
        "inodes": TMP_INODES,
        "hostname": "sandbox",
        "seccomp": code.hex() if code is not None else "",
    }


def _namespaces_env() -> dict[str, str]:
    seen = view()
    env = {**_sandbox_env(), "ASSAY_SANDBOX_NAMESPACES": json.dumps(namespaces_config())}
    if seen.kept:
        env["ASSAY_SANDBOX_KEEP"] = os.pathsep.join(seen.kept)
    return env


#: mkdir errors of a cgroup file system that pass: cgroup v1's memory controller runs out of
#: ids (ENOSPC) while thousands of just-removed cgroups are still being freed, which a test
#: suite or a busy batch does; the answer is cached for the process, so one such moment
#: must not turn into "no memory cgroup" for the rest of its life.
_TRANSIENT = frozenset({errno.ENOSPC, errno.EBUSY, errno.EAGAIN, errno.ENOMEM, errno.EINTR})
_RETRY_DELAYS_S = (0.05, 0.2, 0.5, 1.0)


#: A leaked group (its process was killed before it could remove it) is swept only when
#: older than this: a group another assay process has just made is still empty for a moment.
_STALE_AFTER_S = 60.0


def _make_probe(probe: Path) -> str | None:
    """Make the probe directory; None when made, else the error that stopped it (after the
    transient ones were retried), kept for the "degraded" detail."""
    for delay in (*_RETRY_DELAYS_S, None):
        try:
            probe.mkdir()
            return None
        except OSError as error:
            if error.errno not in _TRANSIENT or delay is None:
                return f"mkdir {probe}: {error.strerror or error} (errno {error.errno})"
            time.sleep(delay)
    raise AssertionError("unreachable: the last delay is None")  # pragma: no cover


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def sweep_stale_cgroups(root: Path, *, now: float | None = None) -> int:
    """Remove the empty ``assay-PID-…`` groups under `root` whose process is gone and that
    are older than a minute; return how many were removed.

    A worker killed with SIGKILL (a test run stopped, a batch node lost) leaves its groups
    behind; on cgroup v1 each holds a memory-controller id, and enough of them make every
    later mkdir fail with ENOSPC, which degrades the sandbox of every later run. A group
    that still holds a process cannot be removed (rmdir says EBUSY) and is left alone."""
    current = time.time() if now is None else now
    removed = 0
    try:
        entries = list(os.scandir(root))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not name.startswith("assay-") or not entry.is_dir(follow_symlinks=False):
            continue
        owner = name.removeprefix("assay-probe-") if name.startswith("assay-probe-") else name[6:]
        pid_text = owner.split("-", 1)[0]
        if not pid_text.isdigit() or _pid_alive(int(pid_text)):
            continue
        try:
            if current - entry.stat(follow_symlinks=False).st_mtime < _STALE_AFTER_S:
                continue
            os.rmdir(entry.path)
        except OSError:
            continue  # still holds a process, or already gone: not ours to force
        removed += 1
    return removed


@dataclass(frozen=True)
class CgroupProbe:
    """Where per-worker cgroups of one kind can be made, or why they cannot."""

    #: (directory, limit file), or None
    found: tuple[str, str] | None
    #: one line per root tried and refused (kept for `assay sandbox doctor`)
    failures: tuple[str, ...] = ()


def _cgroup_probe(roots: tuple[tuple[str, str], ...]) -> CgroupProbe:
    failures: list[str] = []
    for root, limit_file in roots:
        if not Path(root).is_dir():
            continue
        sweep_stale_cgroups(Path(root))
        probe = Path(root) / f"assay-probe-{os.getpid()}"
        failure = _make_probe(probe)
        if failure is not None:
            failures.append(failure)
            continue
        try:
            if (probe / limit_file).exists():
                return CgroupProbe((root, limit_file), tuple(failures))
            failures.append(f"{root} has no {limit_file}")
        finally:
            with contextlib.suppress(OSError):
                probe.rmdir()
    return CgroupProbe(None, tuple(failures))


def _cgroup_root(roots: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    return _cgroup_probe(roots).found


@functools.lru_cache(maxsize=1)
def pids_cgroup_probe() -> CgroupProbe:
    """The pids cgroup probe of this process (cached: one answer per process)."""
    return _cgroup_probe(tuple((root, "pids.max") for root in _PIDS_CGROUP_ROOTS))


@functools.lru_cache(maxsize=1)
def memory_cgroup_probe() -> CgroupProbe:
    """The memory cgroup probe of this process (cached: one answer per process)."""
    return _cgroup_probe(_MEMORY_CGROUP_ROOTS)


def pids_cgroup_root() -> str | None:
    """A cgroup directory under which a per-worker pids cgroup can be created, or None."""
    found = pids_cgroup_probe().found
    return None if found is None else found[0]


def memory_cgroup_root() -> tuple[str, str] | None:
    """(directory, limit file) under which a per-worker memory cgroup can be created."""
    return memory_cgroup_probe().found


def allow_unsandboxed_default() -> bool:
    """Whether ``ASSAY_ALLOW_UNSANDBOXED`` opts in to running candidate code with rlimits
    only where no isolation works (the default of every ``allow_unsandboxed=None``)."""
    return read_environment().allow_unsandboxed


def _probe(
    command: list[str],
    env: dict[str, str] | None,
    expected: list[str],
    drop: tuple[int, int] | None = None,
) -> str | None:
    """None when `command` prints `expected` (PID 1, uid 65534, ...), else why not;
    `drop`: the uid and gid to run it as."""
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env=env,
            user=None if drop is None else drop[0],
            group=None if drop is None else drop[1],
            extra_groups=None if drop is None else [],
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"could not start: {error}"
    if done.returncode != 0 or done.stdout.split() != expected:
        # the last line says why (the exception, or bwrap's one-line message)
        lines = (done.stderr.strip() or done.stdout.strip()).splitlines() or [""]
        return f"failed (exit {done.returncode}): {lines[-1][-300:]}"
    return None


def _bubblewrap_drop() -> tuple[tuple[int, int] | None, str | None]:
    """The identity bubblewrap runs as outside, and why a root caller keeps root's (None
    when it does not). bubblewrap binds paths with its own permissions, so it drops only
    where uid 65534 can reach the interpreter (not, say, under a 0700 /root)."""
    drop = _root_drop()
    if drop is None:
        return None, None
    failure = _unprivileged_python()
    if failure is None:
        return drop, None
    return None, (
        f"unprivileged-identity: bubblewrap runs as root outside the sandbox ({failure}): "
        "a job can read root-only files in its view; isolation='namespaces' drops root, "
        "or make the interpreter readable by other users"
    )


def _probe_bubblewrap(bwrap: str) -> str | None:
    """None when bubblewrap works here, else why not."""
    script = "import os; print(os.getpid(), os.getuid())"
    failure = _probe(
        [*bubblewrap_prefix(bwrap), sys.executable, "-s", "-c", script],
        None,
        ["1", _SANDBOX_UID],
        _bubblewrap_drop()[0],
    )
    return None if failure is None else f"bubblewrap {failure}"


def _probe_namespaces() -> str | None:
    """None when assay can build its own namespaces here, else why not."""
    failure = _probe(
        [os.path.realpath(sys.executable), "-S", "-B", str(_ISOLATE)],
        _namespaces_env(),
        ["1", _SANDBOX_UID, "none"],
    )
    return None if failure is None else f"user namespaces {failure}"


def _common_mechanisms(
    pids_root: str | None, memory_root: tuple[str, str] | None
) -> list[Mechanism]:
    return [
        Mechanism(
            name="rlimits",
            active=True,
            detail="RLIMIT_AS, CPU, FSIZE, NOFILE, NPROC, CORE=0 per job",
        ),
        Mechanism(
            name="wall-clock",
            active=True,
            detail="per-call deadline; SIGKILL to every process of the job",
        ),
        Mechanism(
            name="output-cap",
            active=True,
            detail=(
                "sys.stdout/sys.stderr captured in-process and file descriptors 1 and 2 drained"
                " by the parent, both capped per call; stdin is /dev/null"
            ),
        ),
        Mechanism(
            name="private-channel",
            active=True,
            detail="results on a private pipe, JSON frames with per-call nonces",
        ),
        Mechanism(
            name="pids-cgroup",
            active=pids_root is not None,
            detail=f"process count bounded by a pids cgroup under {pids_root}"
            if pids_root
            else "no writable pids cgroup: process count bounded only by RLIMIT_NPROC "
            "(which does not bind root-owned user namespaces) and the wall-clock kill"
            + _why(pids_cgroup_probe()),
        ),
        Mechanism(
            name="memory-cgroup",
            active=memory_root is not None,
            detail=f"memory of the whole job (all its processes, shared memory and files in "
            f"/tmp) bounded by a memory cgroup under {memory_root[0]}: Limits.memory_mb plus "
            f"{MEMORY_MARGIN_MB} MiB for the zygote"
            if memory_root
            else "no writable memory cgroup: memory bounded per process by RLIMIT_AS (a job "
            "that forks can hold more), /tmp and /dev/shm by their tmpfs sizes"
            + _why(memory_cgroup_probe()),
        ),
    ]


def _why(probe: CgroupProbe) -> str:
    return f" ({'; '.join(probe.failures)})" if probe.failures else ""


def _isolating_mechanisms(
    backend: str, seccomp: bool, *, root_kept: str | None = None
) -> list[Mechanism]:
    """The mechanisms an isolating `backend` provides (`root_kept`: why bubblewrap keeps
    a root caller's identity outside, if it does)."""
    if root_kept is not None:
        outside = "root outside: see degraded"
    elif os.geteuid() == 0:
        outside = "uid 65534 outside too, dropped from root"
    else:
        outside = "the invoking user outside"
    return [
        Mechanism(
            name="user-namespace",
            active=True,
            detail=f"uid/gid {_SANDBOX_UID} inside ({outside}), no capabilities",
        ),
        Mechanism(
            name="network-namespace",
            active=True,
            detail="only a private loopback: nothing outside the sandbox is reachable",
        ),
        Mechanism(
            name="pid-namespace",
            active=True,
            detail="worker is PID 1; kill(-1) ends every process of a job",
        ),
        Mechanism(
            name="ipc-namespace",
            active=True,
            detail="SysV IPC private to the worker and removed between jobs; POSIX message "
            "queues and keyrings denied by seccomp",
        ),
        Mechanism(
            name="read-only-filesystem",
            active=True,
            detail=f"allow-listed view, read-only; writable only: a private "
            f"{TMP_BYTES >> 20} MiB /tmp (wiped per job) and {SHM_BYTES >> 20} MiB /dev/shm",
        ),
        Mechanism(
            name="masked-secrets",
            active=True,
            detail="only the interpreter, import path, system libraries and a few /etc files "
            "are visible: home, /root, /run, /var and secrets are not",
        ),
        Mechanism(
            name="seccomp",
            active=seccomp,
            detail="denied: " + ", ".join(sorted(_seccomp.DENIED))
            if seccomp
            else f"no system-call table for {os.uname().machine}: no filter",
        ),
        Mechanism(
            name="scrubbed-environment",
            active=True,
            detail="environment cleared; fixed PYTHONHASHSEED",
        ),
    ]


def _unsandboxed(reason: str, common: list[Mechanism], pids_root: str | None) -> Policy:
    """The rlimits-only policy (an explicit opt-in): every gap listed in `degraded`."""
    missing: tuple[str, ...] = (
        "user-namespace",
        "network-namespace",
        "pid-namespace",
        "ipc-namespace",
        "read-only-filesystem",
        "masked-secrets",
    )
    mechanisms = [Mechanism(name=name, active=False, detail=reason) for name in missing]
    env = {**_sandbox_env(), "ASSAY_SANDBOX_SCRATCH": ""}
    code = _seccomp.program(ipc_namespace=False)
    if code is None:
        missing += ("seccomp",)
        mechanisms.append(Mechanism(name="seccomp", active=False, detail=reason))
    else:
        env["ASSAY_SANDBOX_SECCOMP"] = code.hex()
        denied = sorted({*_seccomp.DENIED, *_seccomp.DENIED_WITHOUT_IPC_NAMESPACE})
        mechanisms.append(
            Mechanism(name="seccomp", active=True, detail="denied: " + ", ".join(denied))
        )
    mechanisms.append(
        Mechanism(
            name="scrubbed-environment",
            active=True,
            detail="environment cleared; fixed PYTHONHASHSEED",
        )
    )
    lacking = tuple(f"{name}: {reason}" for name in missing)
    lacking += tuple(f"{m.name}: {m.detail}" for m in common if not m.active)
    # a root caller still drops to an unprivileged identity: the job then cannot read
    # root's files, signal or trace root's processes, or plant files in root's virtualenv
    drop = _root_drop()
    if drop is not None:
        failure = _unprivileged_python()
        if failure is not None:
            drop = None
            lacking += (
                f"unprivileged-identity: candidate code runs as root ({failure}); make the "
                "interpreter and assay readable by other users, or run assay as a "
                "non-root user",
            )
    return Policy(
        "none", (), env, (*mechanisms, *common), lacking, pids_root, None, None, drop_to=drop
    )


def _namespaces_policy(
    code: bytes | None,
    common: list[Mechanism],
    bounds: tuple[str, ...],
    pids_root: str | None,
    memory_root: tuple[str, str] | None,
) -> Policy:
    mechanisms = (*_isolating_mechanisms("namespaces", code is not None), *common)
    gaps = bounds + (() if code else (f"seccomp: {mechanisms[6].detail}",))
    return Policy(
        "namespaces",
        (),
        _namespaces_env(),
        mechanisms,
        gaps,
        pids_root,
        memory_root,
        None,
        python=os.path.realpath(sys.executable),
    )


@functools.lru_cache(maxsize=1)
def _unprivileged_python() -> str | None:
    """None when uid 65534 can run this interpreter and read the zygote, else why not."""
    script = f"open({str(ZYGOTE)!r}).close()"
    uid = int(_SANDBOX_UID)
    try:
        done = subprocess.run(
            [sys.executable, "-S", "-B", "-c", script],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            user=uid,
            group=uid,
            extra_groups=[],
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"uid {uid} cannot start {sys.executable}: {error}"
    if done.returncode != 0:
        return f"uid {uid} cannot run {sys.executable}: {done.stderr.strip()[-200:]}"
    return None


@functools.lru_cache(maxsize=8)
def policy_for(isolation: str = "auto", allow_unsandboxed: bool | None = None) -> Policy:
    """Probe the machine (once per process) and return the policy for `isolation`.

    Args:
        isolation: "auto" (bubblewrap when it works, else assay's own namespaces),
            "bubblewrap" or "namespaces" (raise `SandboxUnavailable` when that one does not
            work), or "none" (rlimits and a process group only, every gap listed in
            `degraded`: an explicit opt-in).
        allow_unsandboxed: with "auto", fall back to "none" where no isolation works
            instead of raising `SandboxUnavailable`; None reads ``ASSAY_ALLOW_UNSANDBOXED``.
    """
    if isolation not in ISOLATION_CHOICES:
        raise InvalidArgument(
            f"isolation={isolation!r} is not one of {', '.join(ISOLATION_CHOICES)}"
        )
    if allow_unsandboxed is None:
        allow_unsandboxed = allow_unsandboxed_default()
    pids_root = pids_cgroup_root()
    memory_root = memory_cgroup_root()
    common = _common_mechanisms(pids_root, memory_root)
    bounds = tuple(f"{m.name}: {m.detail}" for m in common if not m.active)
    if isolation == "none":
        return _unsandboxed("isolation='none' was requested", common, pids_root)
    code = _seccomp.program()
    reasons: list[str] = []
    if isolation in ("auto", "bubblewrap"):
        bwrap = shutil.which("bwrap")
        reason = (
            "bwrap (bubblewrap) is not installed" if bwrap is None else _probe_bubblewrap(bwrap)
        )
        drop, kept_root = _bubblewrap_drop()
        if reason is None and kept_root is not None and isolation == "auto":
            # the namespace backend drops root where bubblewrap cannot: prefer it
            if _probe_namespaces() is None:
                return _namespaces_policy(code, common, bounds, pids_root, memory_root)
        if reason is None and bwrap is not None:
            mechanisms = (
                *_isolating_mechanisms("bubblewrap", code is not None, root_kept=kept_root),
                *common,
            )
            gaps = bounds + (() if code else (f"seccomp: {mechanisms[6].detail}",))
            gaps += () if kept_root is None else (kept_root,)
            return Policy(
                "bubblewrap",
                bubblewrap_prefix(bwrap),
                _sandbox_env(),
                mechanisms,
                gaps,
                pids_root,
                memory_root,
                code,
                drop_to=drop,
            )
        if isolation == "bubblewrap":
            raise SandboxUnavailable(
                f"{reason}; install bubblewrap (apt-get install bubblewrap) or use isolation='auto'"
            )
        reasons.append(str(reason))
    reason = _probe_namespaces()
    if reason is None:
        return _namespaces_policy(code, common, bounds, pids_root, memory_root)
    reasons.append(reason)
    why = "; ".join(reasons)
    if isolation == "auto" and allow_unsandboxed:
        return _unsandboxed(
            f"no isolation works here ({why}); allow_unsandboxed", common, pids_root
        )
    raise SandboxUnavailable(
        f"no isolation for candidate code on this machine ({why}), so none is run; "
        f"remedy: {_REMEDY}"
    )


def doctor_report(isolation: str = "auto", allow_unsandboxed: bool | None = None) -> DoctorReport:
    """`policy_for(...).report()`, except that where no isolation works (and running
    without it was not allowed) the report says so instead of raising."""
    try:
        return policy_for(isolation, allow_unsandboxed).report()
    except SandboxUnavailable as error:
        if isolation not in ("auto", "namespaces"):
            raise
        common = _common_mechanisms(pids_cgroup_root(), memory_cgroup_root())
        refused = _unsandboxed(str(error), common, pids_cgroup_root())
        return DoctorReport(
            backend="refused",
            mechanisms=refused.mechanisms,
            degraded=(f"candidate code is not run: {error}", *refused.degraded),
        )
