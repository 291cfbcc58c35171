"""A seccomp filter that denies the system calls a Python job never needs and the kernel's
riskiest interfaces expose (standard library only: the zygote loads it by path).

The program is classic BPF, built here by hand: it is small, and no well-kept Python binding
to libseccomp is installable with pip. It is used two ways: bubblewrap loads its bytes with
``--seccomp FD``; the namespace backend installs it in the zygote with ``prctl`` before the
first job, so every job inherits it.

Denied calls fail with EPERM (the job sees ``PermissionError``, reported as ``blocked``).
A call made with another architecture's ABI (i386 ``int 0x80`` on x86_64, or the x32 ABI)
kills the process: the filter's numbers would not mean the same calls there.
"""

from __future__ import annotations

import ctypes
import platform
import struct

__all__ = ["DENIED", "DENIED_WITHOUT_IPC_NAMESPACE", "install", "program"]

#: What each denied call would give a job, and why no job needs it.
DENIED = {
    "io_uring_setup": "a second system-call interface the filter cannot see into",
    "io_uring_enter": "a second system-call interface the filter cannot see into",
    "io_uring_register": "a second system-call interface the filter cannot see into",
    "bpf": "loads programs into the kernel",
    "userfaultfd": "the usual tool for widening kernel race windows",
    "perf_event_open": "kernel profiling; side channels",
    "keyctl": "kernel keyrings outlive the job and are not namespaced",
    "add_key": "kernel keyrings outlive the job and are not namespaced",
    "request_key": "kernel keyrings outlive the job and are not namespaced",
    "mq_open": "POSIX message queues outlive the job and cannot be listed to remove them",
    "ptrace": "reads and writes other processes' memory",
    "process_vm_readv": "reads other processes' memory",
    "process_vm_writev": "writes other processes' memory",
    "kexec_load": "replaces the kernel",
    "kexec_file_load": "replaces the kernel",
    "init_module": "loads kernel modules",
    "finit_module": "loads kernel modules",
    "delete_module": "unloads kernel modules",
    "open_by_handle_at": "opens files by handle, around the mount view",
}

#: Also denied where the sandbox has no IPC namespace of its own (rlimits only): SysV
#: objects would outlive the job on the host, where nothing may remove them for it.
DENIED_WITHOUT_IPC_NAMESPACE = {
    "shmget": "SysV shared memory outlives the job on the host",
    "msgget": "SysV message queues outlive the job on the host",
    "semget": "SysV semaphores outlive the job on the host",
}

# Audit architecture values and system-call numbers (from the kernel's unistd tables).
_ARCHES: dict[str, tuple[int, dict[str, int]]] = {
    "x86_64": (
        0xC000003E,
        {
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "bpf": 321,
            "userfaultfd": 323,
            "perf_event_open": 298,
            "keyctl": 250,
            "add_key": 248,
            "request_key": 249,
            "mq_open": 240,
            "ptrace": 101,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "kexec_load": 246,
            "kexec_file_load": 320,
            "init_module": 175,
            "finit_module": 313,
            "delete_module": 176,
            "open_by_handle_at": 304,
            "shmget": 29,
            "msgget": 68,
            "semget": 64,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "bpf": 280,
            "userfaultfd": 282,
            "perf_event_open": 241,
            "keyctl": 219,
            "add_key": 217,
            "request_key": 218,
            "mq_open": 180,
            "ptrace": 117,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "kexec_load": 104,
            "kexec_file_load": 294,
            "init_module": 105,
            "finit_module": 273,
            "delete_module": 106,
            "open_by_handle_at": 265,
            "shmget": 194,
            "msgget": 186,
            "semget": 190,
        },
    ),
}

_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K
_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_EPERM = 1
_X32_BIT = 0x40000000
_OFFSET_NR = 0
_OFFSET_ARCH = 4
_INSTRUCTION = struct.Struct("=HBBI")


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return _INSTRUCTION.pack(code, jt, jf, k)


def program(machine: str | None = None, *, ipc_namespace: bool = True) -> bytes | None:
    """The filter for `machine` (default: this one) as raw ``struct sock_filter`` entries,
    or None when its system-call numbers are not known here; without an `ipc_namespace`,
    SysV IPC is denied too."""
    entry = _ARCHES.get(machine or platform.machine())
    if entry is None:
        return None
    arch, numbers = entry
    names = [*DENIED, *(() if ipc_namespace else DENIED_WITHOUT_IPC_NAMESPACE)]
    denied = sorted({numbers[name] for name in names})
    ops = [
        _op(_LD_W_ABS, _OFFSET_ARCH),
        _op(_JEQ_K, arch, jt=1, jf=0),
        _op(_RET_K, _RET_KILL_PROCESS),
        _op(_LD_W_ABS, _OFFSET_NR),
    ]
    if arch == _ARCHES["x86_64"][0]:
        # x32 calls carry the same numbers with this bit set
        ops += [_op(_JGE_K, _X32_BIT, jt=0, jf=1), _op(_RET_K, _RET_KILL_PROCESS)]
    # one comparison per denied call, each jumping to the shared EPERM return at the end
    for index, number in enumerate(denied):
        ops.append(_op(_JEQ_K, number, jt=len(denied) - index, jf=0))
    ops += [_op(_RET_K, _RET_ALLOW), _op(_RET_K, _RET_ERRNO | _EPERM)]
    return b"".join(ops)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2


def install(code: bytes) -> None:
    """Install `code` on this process (and every process it forks from now on); also sets
    no_new_privs, which the kernel requires of an unprivileged filter."""
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = _SockFprog(len(code) // _INSTRUCTION.size, ctypes.addressof(buffer))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")
