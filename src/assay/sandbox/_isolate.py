"""The namespace backend: isolation from the kernel alone, no helper binary (standard library
only: the zygote loads this file by path and calls `enter` before it imports anything of the
job's).

`enter` turns the calling process into PID 1 of fresh user, mount, PID, network, IPC and UTS
namespaces that see only an allow-listed file system, read-only, plus a private bounded
/tmp and /dev/shm; it returns there with every capability dropped and the seccomp filter
installed. The process that called it stays outside as a plain waiter: it exits with PID
1's status, so the trusted parent's ``Popen`` sees the sandbox end.

Identity: inside, the sandbox runs as uid/gid 65534. A caller that is not root maps its own
uid to it (the kernel allows nothing else without help). A caller that is root builds the
file system view while still root (so it can bind files only root can reach, such as an
interpreter under /root), then drops to 65534 outside as well before it creates the user
namespace: root's files and sockets are then out of reach even where they are visible,
and the view's mounts belong to a more privileged namespace, so the job cannot undo them.

Run as a script (``python -S _isolate.py``) it enters the sandbox described by
``ASSAY_SANDBOX_NAMESPACES`` and prints ``<pid> <uid> <capabilities>``: the probe the
policy uses to decide whether this backend works here.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import signal
import socket
import struct
import sys
from typing import Any

__all__ = ["CONFIG_VARIABLE", "enter"]

#: The environment variable that carries the JSON configuration (see `enter`).
CONFIG_VARIABLE = "ASSAY_SANDBOX_NAMESPACES"

_CLONE_NEWNS = 0x00020000
_CLONE_NEWUTS = 0x04000000
_CLONE_NEWIPC = 0x08000000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWPID = 0x20000000
_CLONE_NEWNET = 0x40000000

_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_NOEXEC = 8
_MS_REMOUNT = 32
_MS_NOATIME = 1024
_MS_NODIRATIME = 2048
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18
_MS_RELATIME = 1 << 21
_MNT_DETACH = 2
# statvfs flags of a mount that a user namespace may not clear (the kernel locks them), and
# the mount flags that keep them
_LOCKED_FLAGS = (
    (os.ST_NOSUID, _MS_NOSUID),
    (os.ST_NODEV, _MS_NODEV),
    (os.ST_NOEXEC, _MS_NOEXEC),
    (os.ST_NOATIME, _MS_NOATIME),
    (os.ST_NODIRATIME, _MS_NODIRATIME),
    (os.ST_RELATIME, _MS_RELATIME),
)

_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_PR_CAPBSET_DROP = 24
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_CAPABILITY_VERSION_3 = 0x20080522
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
_SYS_CAPSET = {"x86_64": 126, "aarch64": 91}
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1
_DEVICES = ("null", "zero", "full", "random", "urandom")

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    _check(
        _libc.mount(
            None if source is None else source.encode(),
            target.encode(),
            None if fstype is None else fstype.encode(),
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {source or fstype} on {target}",
    )


def _syscall(table: dict[str, int], name: str, *args: Any) -> None:
    number = table.get(platform.machine())
    if number is None:
        raise OSError(38, f"{name}: system-call number unknown on {platform.machine()}")
    _check(_libc.syscall(number, *args), name)


def _unshare(flags: int) -> None:
    # os.unshare exists only from Python 3.12
    _check(_libc.unshare(ctypes.c_int(flags)), f"unshare({flags:#x})")


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(text)


def _bind_read_only(source: str, target: str) -> None:
    """Bind `source` on `target`, then make that mount read-only, keeping the flags the
    kernel locks (a user namespace may add read-only but not clear nosuid, noatime, ...)."""
    _mount(source, target, None, _MS_BIND | _MS_REC)
    current = os.statvfs(target).f_flag
    flags = _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV
    for statvfs_flag, mount_flag in _LOCKED_FLAGS:
        if current & statvfs_flag:
            flags |= mount_flag
    _mount(None, target, None, flags)


def _make_point(path: str, *, directory: bool) -> None:
    if directory:
        os.makedirs(path, mode=0o755, exist_ok=True)
        return
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    if not os.path.lexists(path):
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))


def _build_view(config: dict[str, Any], *, fresh_proc: bool) -> None:
    """Replace this mount namespace's root by the allow-listed view (see the module doc).

    The host root stays reachable at /oldroot while the view is built (bind sources are
    read from there), then is detached: nothing else of it remains."""
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    # Any directory can hold the scaffolding: after pivot_root it is this tmpfs that is
    # the root, and the host's own /tmp is untouched underneath /oldroot.
    _mount("tmpfs", "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,nr_inodes=64,mode=0755")  # nosec B108  # inside the sandbox's own mount namespace: a private tmpfs
    os.mkdir("/tmp/newroot", 0o755)  # nosec B108  # inside the sandbox's own mount namespace: a private tmpfs
    os.mkdir("/tmp/oldroot", 0o755)  # nosec B108  # inside the sandbox's own mount namespace: a private tmpfs
    _syscall(_SYS_PIVOT_ROOT, "pivot_root", b"/tmp", b"/tmp/oldroot")
    os.chdir("/")
    new = "/newroot"
    _mount("tmpfs", new, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=4m,nr_inodes=4096,mode=0755")
    for path in config["dirs"]:
        _make_point(new + path, directory=True)
    uid, gid = int(config["uid"]), int(config["gid"])
    inodes = int(config["inodes"])
    # /dev: the harmless character devices only, bound from the host (a user namespace
    # cannot create device nodes)
    _make_point(new + "/dev", directory=True)
    _mount("tmpfs", new + "/dev", "tmpfs", _MS_NOSUID | _MS_NOEXEC, "size=64k,mode=0755")
    for name in _DEVICES:
        _make_point(f"{new}/dev/{name}", directory=False)
        _mount(f"/oldroot/dev/{name}", f"{new}/dev/{name}", None, _MS_BIND)
    for name, target in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        os.symlink(target, f"{new}/dev/{name}")
    for path, size in (("/tmp", config["tmp_bytes"]), ("/dev/shm", config["shm_bytes"])):  # nosec B108  # inside the sandbox's own mount namespace: a private tmpfs
        _make_point(new + path, directory=True)
        _mount(
            "tmpfs",
            new + path,
            "tmpfs",
            _MS_NOSUID | _MS_NODEV,
            f"size={int(size)},nr_inodes={inodes},mode=0700,uid={uid},gid={gid}",
        )
    _make_point(new + "/proc", directory=True)
    if fresh_proc:
        _mount("proc", new + "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    else:
        # replaced by a fresh proc once inside the PID namespace; until then the uid map
        # is written through it
        _mount("/oldroot/proc", new + "/proc", None, _MS_BIND | _MS_REC)
    for path in config["binds"]:
        source = "/oldroot" + path
        if not os.path.lexists(source):
            continue
        _make_point(new + path, directory=os.path.isdir(source))
        _bind_read_only(source, new + path)
    for path, target in config["symlinks"]:
        os.makedirs(os.path.dirname(new + path), mode=0o755, exist_ok=True)
        if not os.path.lexists(new + path):
            os.symlink(target, new + path)
    for path in (new + "/dev", new):
        _mount(None, path, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)
    _check(_libc.umount2(b"/oldroot", _MNT_DETACH), "umount /oldroot")
    os.chdir(new)
    _syscall(_SYS_PIVOT_ROOT, "pivot_root", b".", b".")
    _check(_libc.umount2(b".", _MNT_DETACH), "umount the scaffolding")
    os.chdir("/")


def _loopback_up() -> None:
    """A new network namespace has only a loopback device, and it is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        import fcntl

        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | _IFF_UP))


def _drop_capabilities() -> None:
    """Clear every capability set (bounding, ambient, then effective/permitted/inheritable)
    and check that none is left."""
    for number in range(64):
        if _libc.prctl(_PR_CAPBSET_DROP, number, 0, 0, 0) != 0:
            break
    _libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = struct.pack("=Ii", _CAPABILITY_VERSION_3, 0)
    data = bytes(24)  # two struct __user_cap_data_struct, all zero
    header_buffer = ctypes.create_string_buffer(header, len(header))
    data_buffer = ctypes.create_string_buffer(data, len(data))
    _syscall(_SYS_CAPSET, "capset", header_buffer, data_buffer)
    held = capabilities()
    if held:
        raise OSError(1, f"capabilities still held after dropping them: {held}")


def capabilities() -> str:
    """The non-zero capability sets of this process, e.g. ``"CapEff=...`` (empty when
    it holds none)."""
    with open("/proc/self/status", encoding="ascii") as status:
        lines = [line.split() for line in status if line.startswith("Cap")]
    return " ".join(f"{name}{value}" for name, value in lines if int(value, 16))


def enter(config: dict[str, Any], *, close_outside: tuple[int, ...] = ()) -> None:
    """Enter the sandbox that `config` describes; returns only in its PID 1.

    Args:
        config: ``uid``/``gid`` inside (and outside, for a root caller); ``binds``: host
            paths bound read-only at the same place (parents before children); ``dirs``:
            empty read-only directories; ``symlinks``: ``[path, target]`` pairs;
            ``tmp_bytes``/``shm_bytes``/``inodes``: bounds of /tmp and /dev/shm;
            ``hostname``; ``seccomp``: the filter (hex), or "" for none.
        close_outside: descriptors the waiter outside closes (the control channel must end
            when PID 1 does, not when the waiter does).
    """
    uid, gid = int(config["uid"]), int(config["gid"])
    as_root = os.geteuid() == 0
    if as_root:
        _unshare(_CLONE_NEWNS)
        _build_view(config, fresh_proc=False)
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        # changing credentials made the process non-dumpable, which leaves /proc/self
        # owned by root: the uid map below could not be written
        _check(_libc.prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl(PR_SET_DUMPABLE)")
    outer_uid, outer_gid = os.geteuid(), os.getegid()
    _unshare(
        _CLONE_NEWUSER
        | _CLONE_NEWNS
        | _CLONE_NEWPID
        | _CLONE_NEWNET
        | _CLONE_NEWIPC
        | _CLONE_NEWUTS
    )
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {outer_uid} 1\n")
    _write("/proc/self/gid_map", f"{gid} {outer_gid} 1\n")
    pid = os.fork()
    if pid:
        _wait_outside(pid, close_outside)
    _check(_libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0), "prctl(PDEATHSIG)")
    if as_root:
        _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    else:
        _build_view(config, fresh_proc=True)
    socket.sethostname(str(config["hostname"]))
    _loopback_up()
    _drop_capabilities()
    seccomp = str(config.get("seccomp") or "")
    if seccomp:
        _load_seccomp(bytes.fromhex(seccomp))
    else:
        _check(_libc.prctl(38, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")


def _load_seccomp(code: bytes) -> None:
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location(
        "_assay_seccomp", os.path.join(os.path.dirname(os.path.abspath(__file__)), "_seccomp.py")
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"assay sandbox: cannot load _seccomp.py next to {__file__}")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    module.install(code)


def _wait_outside(pid: int, close: tuple[int, ...]) -> None:
    """The waiter outside: hold nothing of the sandbox's, exit with PID 1's status."""
    for fd in close:
        os.close(fd)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
        except InterruptedError:
            continue
        code = os.waitstatus_to_exitcode(status)
        os._exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    enter(json.loads(os.environ.pop(CONFIG_VARIABLE)))
    print(os.getpid(), os.getuid(), capabilities() or "none", flush=True)
    sys.exit(0)
