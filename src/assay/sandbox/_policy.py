"""Which isolation this machine offers, and the command line that starts a worker inside it.

The preferred backend is bubblewrap: user, network, PID, mount, IPC and UTS namespaces; the
whole filesystem read-only; a private tmpfs for /tmp (the only writable place), /run and the
caller's home; uid 65534; a scrubbed environment; the worker as PID 1 of its namespace so
that it can kill every process a job started. A pids cgroup bounds the number of processes
when the machine allows one (RLIMIT_NPROC does not bind a user namespace owned by root).

When a mechanism is missing the sandbox says so: `Policy.degraded` lists each gap and every
`JobResult` carries it; it never degrades silently.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from assay.errors import InvalidArgument, SandboxUnavailable
from assay.sandbox._model import DoctorReport, Mechanism

__all__ = [
    "ISOLATION_CHOICES",
    "MAX_HASH_SEED",
    "SHM_BYTES",
    "TMP_BYTES",
    "ZYGOTE",
    "Policy",
    "pids_cgroup_root",
    "policy_for",
]

ZYGOTE = Path(__file__).with_name("_zygote.py")
ISOLATION_CHOICES = ("auto", "bubblewrap", "none")
_SANDBOX_UID = "65534"
#: The largest value Python accepts in ``PYTHONHASHSEED``.
MAX_HASH_SEED = 4_294_967_295
_SECRET_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/sudoers")
#: Size of each worker's private /tmp (job work directories live there) and /dev/shm.
TMP_BYTES = 256 * 1024 * 1024
SHM_BYTES = 64 * 1024 * 1024
_PIDS_CGROUP_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")


@dataclass(frozen=True)
class Policy:
    """How workers are started: the command prefix, their environment and what it isolates."""

    backend: str
    prefix: tuple[str, ...]
    env: dict[str, str]
    mechanisms: tuple[Mechanism, ...]
    degraded: tuple[str, ...]
    pids_root: str | None

    @property
    def isolation(self) -> tuple[str, ...]:
        """Names of the active mechanisms."""
        return tuple(m.name for m in self.mechanisms if m.active)

    def command(self, control_fd: int) -> list[str]:
        """The full command that starts a zygote talking on `control_fd`."""
        return [*self.prefix, sys.executable, "-S", "-B", str(ZYGOTE), str(control_fd)]

    def with_hash_seed(self, seed: int) -> Policy:
        """The same policy with workers hashing strings under `seed` (``PYTHONHASHSEED``).

        Every policy fixes the seed so that results repeat; a second seed shows which
        results depend on the iteration order of sets and dicts of strings.
        """
        if not isinstance(seed, int) or not 0 <= seed <= MAX_HASH_SEED:
            raise InvalidArgument(
                f"hash_seed={seed!r} must be an integer from 0 to {MAX_HASH_SEED}"
            )
        value = str(seed)
        prefix = list(self.prefix)
        for index in range(len(prefix) - 2):
            if prefix[index] == "--setenv" and prefix[index + 1] == "PYTHONHASHSEED":
                prefix[index + 2] = value
        return dataclasses.replace(
            self, prefix=tuple(prefix), env={**self.env, "PYTHONHASHSEED": value}
        )

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


def bubblewrap_prefix(bwrap: str) -> tuple[str, ...]:
    """bwrap arguments: read-only root, private /tmp, masked home and secrets, namespaces."""
    args = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    # tmpfs lives in RAM: only /tmp and /dev/shm are writable, and both are bounded
    args += [
        "--size",
        str(TMP_BYTES),
        "--tmpfs",
        "/tmp",  # nosec B108  # the sandbox's own private tmpfs
        "--size",
        str(SHM_BYTES),
        "--tmpfs",
        "/dev/shm",  # nosec B108  # the sandbox's own private tmpfs
    ]
    masked = [
        Path(p)
        for p in {str(Path.home()), "/root", "/run"}
        if Path(p).is_dir() and not Path(p).is_symlink()
    ]
    masked = [p for p in masked if p != Path("/")]
    for root in sorted(masked):
        args += ["--tmpfs", str(root)]
    needed = {Path(sys.prefix), Path(sys.base_prefix), ZYGOTE.parent}
    needed |= {Path(entry) for entry in sys.path if entry and Path(entry).is_dir()}
    # assay itself (or its Python) may live under /tmp or /dev/shm, which the sandbox
    # replaces with empty tmpfs: bind those paths back, read-only, and tell the zygote not to
    # wipe them between jobs.
    scratch = [Path("/tmp"), Path("/dev/shm")]  # nosec B108  # paths the sandbox replaces with tmpfs
    kept: list[str] = []
    for path in sorted(needed):
        resolved = path.resolve()
        in_scratch = _under(resolved, scratch) and resolved not in scratch
        if in_scratch or (_under(resolved, masked) and resolved not in masked):
            args += ["--ro-bind", str(resolved), str(resolved)]
            if in_scratch:
                kept.append(str(resolved))
    for secret in _SECRET_FILES:
        if Path(secret).is_file():
            args += ["--ro-bind", "/dev/null", secret]
    for mount in ["/dev", *(str(p) for p in sorted(masked))]:
        args += ["--remount-ro", mount]
    args += [
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--as-pid-1",
        "--uid", _SANDBOX_UID,
        "--gid", _SANDBOX_UID,
        "--hostname", "sandbox",
        "--clearenv",
        "--chdir", "/tmp",  # nosec B108  # the sandbox's own private tmpfs
    ]  # fmt: skip
    for key, value in _sandbox_env().items():
        args += ["--setenv", key, value]
    if kept:
        args += ["--setenv", "ASSAY_SANDBOX_KEEP", os.pathsep.join(kept)]
    return tuple(args)


@functools.lru_cache(maxsize=1)
def pids_cgroup_root() -> str | None:
    """A cgroup directory under which a per-worker pids cgroup can be created, or None."""
    for root in _PIDS_CGROUP_ROOTS:
        probe = Path(root) / f"assay-probe-{os.getpid()}"
        try:
            probe.mkdir()
        except OSError:
            continue
        try:
            if (probe / "pids.max").exists():
                return root
        finally:
            with contextlib.suppress(OSError):
                probe.rmdir()
    return None


def _probe_bubblewrap(bwrap: str) -> str | None:
    """None when bubblewrap works here, else why not."""
    command = [
        *bubblewrap_prefix(bwrap),
        sys.executable,
        "-s",
        "-c",
        "import os; print(os.getpid(), os.getuid())",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start: {error}"
    if done.returncode != 0 or done.stdout.split() != ["1", _SANDBOX_UID]:
        detail = (done.stderr.strip() or done.stdout.strip())[-300:]
        return f"bubblewrap failed (exit {done.returncode}): {detail}"
    return None


@functools.lru_cache(maxsize=4)
def policy_for(isolation: str = "auto") -> Policy:
    """Probe the machine (once per process) and return the policy for `isolation`.

    Args:
        isolation: "auto" (bubblewrap when it works, else explicit degradation), "bubblewrap"
            (raise `SandboxUnavailable` when it does not work) or "none" (rlimits and a
            process group only; every gap is listed in `degraded`).
    """
    if isolation not in ISOLATION_CHOICES:
        raise InvalidArgument(
            f"isolation={isolation!r} is not one of {', '.join(ISOLATION_CHOICES)}"
        )
    pids_root = pids_cgroup_root()
    pids = Mechanism(
        name="pids-cgroup",
        active=pids_root is not None,
        detail=f"process count bounded by a pids cgroup under {pids_root}"
        if pids_root
        else "no writable pids cgroup: process count bounded only by RLIMIT_NPROC "
        "(which does not bind root-owned user namespaces) and the wall-clock kill",
    )
    common = [
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
        pids,
    ]
    bwrap = shutil.which("bwrap")
    reason = "isolation='none' was requested" if isolation == "none" else None
    if reason is None:
        reason = (
            "bwrap (bubblewrap) is not installed" if bwrap is None else _probe_bubblewrap(bwrap)
        )
    if reason is None and bwrap is not None:
        os_mechanisms = [
            Mechanism(
                name="user-namespace",
                active=True,
                detail=f"uid/gid {_SANDBOX_UID} inside (the invoking user outside), no capabilities",
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
                name="read-only-filesystem",
                active=True,
                detail="/ bound read-only; writable only: a private 256 MiB /tmp (wiped per job) and 64 MiB /dev/shm",
            ),
            Mechanism(
                name="masked-secrets",
                active=True,
                detail="home, /root, /run and shadow files hidden",
            ),
            Mechanism(
                name="scrubbed-environment",
                active=True,
                detail="environment cleared; fixed PYTHONHASHSEED",
            ),
        ]
        degraded: tuple[str, ...] = () if pids_root else (f"pids-cgroup: {pids.detail}",)
        return Policy(
            "bubblewrap",
            bubblewrap_prefix(bwrap),
            _sandbox_env(),
            (*os_mechanisms, *common),
            degraded,
            pids_root,
        )
    if isolation == "bubblewrap":
        raise SandboxUnavailable(
            f"{reason}; install bubblewrap (apt-get install bubblewrap) or use isolation='auto'"
        )
    missing = (
        "user-namespace",
        "network-namespace",
        "pid-namespace",
        "read-only-filesystem",
        "masked-secrets",
    )
    os_mechanisms = [Mechanism(name=name, active=False, detail=str(reason)) for name in missing]
    os_mechanisms.append(
        Mechanism(
            name="scrubbed-environment",
            active=True,
            detail="environment cleared; fixed PYTHONHASHSEED",
        )
    )
    env = {**_sandbox_env(), "ASSAY_SANDBOX_SCRATCH": ""}
    lacking: tuple[str, ...] = tuple(f"{name}: {reason}" for name in missing)
    if not pids_root:
        lacking += (f"pids-cgroup: {pids.detail}",)
    return Policy("none", (), env, (*os_mechanisms, *common), lacking, pids_root)
