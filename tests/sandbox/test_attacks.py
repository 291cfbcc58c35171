"""The attack suite: hostile or catastrophically wrong programs, and proof that the sandbox
contains them. Every attack bounds itself in count, size and time, so the machine stays
safe even if containment failed; each test checks an observable fact outside the sandbox
(a file unchanged, a listener that heard nothing, no process left, a bystander alive).

Every test runs on each isolating backend this machine has: bubblewrap where ``bwrap`` is
installed (CI installs it), and always assay's own namespaces, which need only the kernel
(CI runs this file a second time with ``bwrap`` masked). Where neither works, the fixture
raises `SandboxUnavailable` and every test fails rather than passing vacuously.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from _procs import at_rest, home_entries_needed

from assay.sandbox import Call, Job, Limits, Sandbox, Status

FAST = Limits(timeout_s=2.0)
#: The isolating backends to attack: bubblewrap only where it is installed.
BACKENDS = (*(("bubblewrap",) if shutil.which("bwrap") else ()), "namespaces")


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend under attack."""
    return str(request.param)


@pytest.fixture(scope="module")
def solo(backend: str) -> Iterator[Sandbox]:
    """One worker, so consecutive jobs provably share it."""
    with Sandbox(workers=1, isolation=backend) as sandbox:
        yield sandbox


def _run(
    box: Sandbox, source: str, *calls: Call, limits: Limits = FAST
) -> tuple[Status, list[Status]]:
    result = box.run(Job(source=source, calls=calls, limits=limits))
    return result.import_outcome.status, [o.status for o in result.outcomes]


def test_isolation_is_the_requested_backend_with_nothing_degraded(
    solo: Sandbox, backend: str
) -> None:
    assert solo.policy.backend == backend
    # only what the machine lacks: a cgroup, or (bubblewrap, root caller) an interpreter
    # that uid 65534 cannot reach
    assert all(
        "cgroup" in gap or gap.startswith("unprivileged-identity: bubblewrap")
        for gap in solo.degraded
    ), solo.degraded


def test_auto_chooses_bubblewrap_when_installed_else_namespaces() -> None:
    from assay.sandbox import _policy

    # where bubblewrap would keep a root caller's identity, the namespaces drop it
    strongest = shutil.which("bwrap") and _policy._bubblewrap_drop()[1] is None
    with Sandbox(workers=1) as box:
        assert box.policy.backend == ("bubblewrap" if strongest else "namespaces")
        assert (
            box.run(Job(source="import os", calls=(Call.expr("os.getpid()"),))).outcomes[0].value
            == 2
        )


# ---------------------------------------------------------------- time


def test_infinite_loop_at_import_times_out(solo: Sandbox) -> None:
    status, _ = _run(
        solo,
        "import time\nend = time.time() + 60\nwhile time.time() < end:\n    pass\n",
        limits=Limits(timeout_s=0.5),
    )
    assert status is Status.TIMEOUT


def test_infinite_loop_in_threads_is_killed_with_the_job(solo: Sandbox) -> None:
    source = (
        "import threading, time\n"
        "def spin():\n"
        "    end = time.time() + 60\n"
        "    while time.time() < end:\n"
        "        pass\n"
        "threads = [threading.Thread(target=spin) for _ in range(4)]\n"
        "for t in threads:\n"
        "    t.start()\n"
    )
    status, calls = _run(
        solo,
        source,
        Call.expr("len(threads)"),
        Call.script("threads[0].join()"),
        limits=Limits(timeout_s=1.0),
    )
    assert status is Status.OK
    assert calls == [Status.OK, Status.TIMEOUT]
    assert at_rest(solo)


def test_loop_inside_a_c_call_with_signals_blocked_times_out(solo: Sandbox) -> None:
    source = (
        "import itertools, signal\n"
        "signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())\n"
        "def hog():\n"
        "    return sum(itertools.repeat(1, 10**10))\n"
    )
    status, calls = _run(
        solo, source, Call.expr("hog()"), Call.expr("1 + 1"), limits=Limits(timeout_s=0.5)
    )
    assert status is Status.OK
    assert calls == [Status.TIMEOUT, Status.OK]


def test_cpu_limit_is_reported_as_timeout(solo: Sandbox) -> None:
    result = solo.run(
        Job(
            source="import itertools\nsum(itertools.repeat(1, 10**10))",
            limits=Limits(timeout_s=20.0, cpu_s=1.0),
        )
    )
    assert result.import_outcome.status is Status.TIMEOUT
    assert result.import_outcome.exception is not None
    assert result.import_outcome.exception.type == "CPULimit"


# ---------------------------------------------------------------- processes


def test_fork_bomb_is_bounded_and_leaves_nothing(solo: Sandbox) -> None:
    source = (
        "import os, time\n"
        "def bomb():\n"
        "    started = 0\n"
        "    for _ in range(300):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(30)\n"
        "            os._exit(0)\n"
        "        started += 1\n"
        "    return started\n"
    )
    result = solo.run(
        Job(source=source, calls=(Call.expr("bomb()"),), limits=Limits(timeout_s=5.0, processes=16))
    )
    outcome = result.outcomes[0]
    if "pids-cgroup" in solo.policy.isolation:
        assert outcome.status is Status.ERROR
        assert outcome.exception is not None
        assert outcome.exception.type == "BlockingIOError"
    else:
        # Without a pids cgroup (said in `degraded`), RLIMIT_NPROC stops it when the sandbox
        # user is not root outside; otherwise the bomb's own bound does.
        assert any(gap.startswith("pids-cgroup") for gap in result.degraded)
        blocked = outcome.exception is not None and outcome.exception.type == "BlockingIOError"
        assert blocked or outcome.value == 300
    assert at_rest(solo)


def test_daemonised_grandchild_cannot_act_later(solo: Sandbox) -> None:
    source = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(0.5)\n"
        "        open('/tmp/planted', 'w').write('later')\n"
        "        time.sleep(30)\n"
        "    os._exit(0)\n"
    )
    assert _run(solo, source)[0] is Status.OK
    assert at_rest(solo)
    check = Job(
        source="import os, time\ntime.sleep(1.0)",
        calls=(
            Call.expr("os.path.exists('/tmp/planted')"),
            Call.expr("sorted(int(p) for p in os.listdir('/proc') if p.isdigit())"),
        ),
    )
    planted, pids = solo.run(check).outcomes
    assert planted.value is False
    assert pids.value is not None and len(pids.value) == 2  # the zygote and this job's child


def test_killing_the_parent_or_group_harms_nobody_outside(solo: Sandbox) -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        source = (
            "import os, signal\n"
            "def attack(pids):\n"
            "    hits = []\n"
            "    for pid in pids + [os.getppid(), 1]:\n"
            "        try:\n"
            "            os.kill(pid, signal.SIGKILL)\n"
            "            hits.append(pid)\n"
            "        except OSError as error:\n"
            "            hits.append(error.errno)\n"
            "    try:\n"
            "        os.kill(-1, signal.SIGKILL)\n"
            "    except OSError:\n"
            "        pass\n"
            "    return hits\n"
        )
        targets = [bystander.pid, os.getpid(), os.getpgid(0)]
        result = solo.run(
            Job(source=source, calls=(Call.function("attack", targets),), limits=FAST)
        )
        assert result.outcomes[0].status in (Status.OK, Status.KILLED)
        assert bystander.poll() is None
        assert solo.run(Job(source="x = 1", calls=(Call.expr("x"),))).outcomes[0].value == 1
    finally:
        bystander.kill()
        bystander.wait()


# ---------------------------------------------------------------- memory and crashes


def test_memory_bomb_is_reported_as_memory(solo: Sandbox) -> None:
    limits = Limits(timeout_s=5.0, memory_mb=256)
    status, calls = _run(
        solo,
        "def grow():\n    chunks = []\n    for _ in range(100):\n        chunks.append(bytearray(10**7))\n",
        Call.expr("bytearray(2 * 1024**3)"),
        Call.expr("grow()"),
        Call.expr("len(bytearray(10**6))"),
        limits=limits,
    )
    assert status is Status.OK
    assert calls == [Status.MEMORY, Status.MEMORY, Status.OK]


def test_recursion_error_and_c_stack_overflow(solo: Sandbox) -> None:
    source = "import sys\ndef down(n):\n    return down(n + 1)\n"
    deep = (
        "import gc\ngc.disable()\nsys.setrecursionlimit(10**8)\na, b = [], []\n"
        "for _ in range(10**5):\n    a, b = [a], [b]\na == b\n"
    )
    status, calls = _run(
        solo,
        source,
        Call.expr("down(0)"),
        Call.script(deep),
        Call.expr("2"),
        limits=Limits(timeout_s=10.0, memory_mb=512),
    )
    assert status is Status.OK
    assert calls == [Status.ERROR, Status.CRASHED, Status.OK]


def test_segfault_via_ctypes_is_crashed_with_the_signal(solo: Sandbox) -> None:
    result = solo.run(
        Job(source="import ctypes", calls=(Call.expr("ctypes.string_at(0)"), Call.expr("3")))
    )
    crashed, after = result.outcomes
    assert crashed.status is Status.CRASHED
    assert crashed.exception is not None and crashed.exception.type == "SIGSEGV"
    assert after.value == 3


@pytest.mark.parametrize(
    "raised", ["SystemExit(3)", "KeyboardInterrupt()", "BaseException('x')", "GeneratorExit()"]
)
def test_base_exceptions_are_errors_with_evidence(solo: Sandbox, raised: str) -> None:
    result = solo.run(Job(source="", calls=(Call.script(f"raise {raised}"), Call.expr("'alive'"))))
    failed, after = result.outcomes
    assert failed.status is Status.ERROR
    assert failed.exception is not None and failed.exception.type == raised.split("(")[0]
    assert after.value == "alive"


def test_sys_exit_and_os_exit_at_import(solo: Sandbox) -> None:
    assert _run(solo, "import sys\nsys.exit(0)")[0] is Status.ERROR
    status, calls = _run(solo, "import os\nos._exit(0)", Call.expr("1"))
    assert status is Status.CRASHED
    assert calls == [Status.CRASHED]


# ---------------------------------------------------------------- the result channel and output


def test_forged_frames_then_exit_are_crashed(solo: Sandbox) -> None:
    source = (
        "import json, os, struct, sys\n"
        "fake = json.dumps({'nonce': '0' * 32, 'status': 'ok', 'value': 'forged'}).encode()\n"
        "print(json.dumps({'status': 'ok', 'result': 'forged'}))\n"
        "for fd in range(3, 32):\n"
        "    try:\n"
        "        os.write(fd, struct.pack('>I', len(fake)) + fake)\n"
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
    )
    result = solo.run(Job(source=source, calls=(Call.expr("'never'"),)))
    assert result.import_outcome.status is Status.CRASHED
    assert result.import_outcome.exception is not None
    assert result.import_outcome.exception.type == "ForgedResult"
    assert [o.status for o in result.outcomes] == [Status.CRASHED]
    assert all(o.value != "forged" for o in (result.import_outcome, *result.outcomes))


def test_a_hostile_frame_cannot_hurt_the_parent(solo: Sandbox) -> None:
    source = (
        "import os, struct\n"
        "deep = b'[' * 1_000_000 + b']' * 1_000_000\n"
        "for fd in range(3, 32):\n"
        "    try:\n"
        "        os.write(fd, struct.pack('>I', len(deep)) + deep)\n"
        "    except OSError:\n"
        "        pass\n"
        "import time\ntime.sleep(30)\n"
    )
    result = solo.run(Job(source=source, limits=Limits(timeout_s=5.0, output_bytes=1 << 18)))
    assert result.import_outcome.status is Status.CRASHED
    assert result.import_outcome.exception is not None
    assert result.import_outcome.exception.type == "ForgedResult"
    huge = source.replace("len(deep)) + deep", "2**31)")
    assert _run(solo, huge)[0] is Status.CRASHED


def test_closing_stdio_does_not_break_the_channel(solo: Sandbox) -> None:
    source = "import os, sys\nfor fd in (0, 1, 2):\n    os.close(fd)\nsys.stdout.close()\nsys.stderr.close()\n"
    status, calls = _run(solo, source, Call.expr("'still here'"))
    assert (status, calls) == (Status.OK, [Status.OK])


def test_200_mb_of_output_is_capped(solo: Sandbox) -> None:
    source = "import os, sys\nfor _ in range(100):\n    sys.stdout.write('x' * 10**6)\n    os.write(1, b'y' * 10**6)\n"
    result = solo.run(Job(source=source, limits=Limits(timeout_s=20.0, output_bytes=1000)))
    assert result.import_outcome.status is Status.OK
    stdout = result.import_outcome.stdout
    assert len(stdout) < 1200
    assert stdout.startswith("x" * 1000 + "\n")
    assert "99999000 more characters not kept" in stdout
    assert "100000000 more bytes written to file descriptor 1 not kept" in stdout


def test_monkeypatched_builtins_change_only_the_candidate(solo: Sandbox) -> None:
    patch = "import builtins, json\nbuiltins.len = lambda x: 42\njson.dumps = lambda *a, **k: 'garbage'\n"
    patched = solo.run(Job(source=patch, calls=(Call.expr("(len([1]), json.dumps(1))"),)))
    assert patched.outcomes[0].status is Status.OK
    assert patched.outcomes[0].value == {"__tuple__": [42, "garbage"]}
    clean = solo.run(Job(source="import json", calls=(Call.expr("(len([1]), json.dumps(1))"),)))
    assert clean.outcomes[0].value == {"__tuple__": [1, "1"]}


# ---------------------------------------------------------------- network, filesystem, secrets


def test_network_to_a_local_listener_is_blocked(solo: Sandbox) -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp,
    ):
        tcp.bind(("127.0.0.1", 0))
        tcp.listen(1)
        udp.bind(("127.0.0.1", 0))
        source = (
            "import socket\n"
            "def tcp(port):\n"
            "    socket.create_connection(('127.0.0.1', port), timeout=1).sendall(b'leak')\n"
            "def udp(port):\n"
            "    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'leak', ('127.0.0.1', port))\n"
        )
        result = solo.run(
            Job(
                source=source,
                calls=(
                    Call.function("tcp", tcp.getsockname()[1]),
                    Call.function("udp", udp.getsockname()[1]),
                    Call.expr("socket.create_connection(('192.0.2.1', 80), timeout=1)"),
                    Call.expr("socket.getaddrinfo('pypi.org', 443)"),
                ),
            )
        )
        to_host_tcp, to_host_udp, outward, dns = result.outcomes
        # The sandbox has only its own loopback: the host's listener is not there.
        assert to_host_tcp.status is Status.ERROR
        assert (
            to_host_tcp.exception is not None
            and to_host_tcp.exception.type == "ConnectionRefusedError"
        )
        assert to_host_udp.status is Status.OK
        assert outward.status is Status.BLOCKED
        assert dns.status is Status.ERROR
        tcp.setblocking(False)
        udp.setblocking(False)
        with pytest.raises(BlockingIOError):
            tcp.accept()
        with pytest.raises(BlockingIOError):
            udp.recv(16)


@pytest.fixture
def outside() -> Iterator[Path]:
    """A directory outside /tmp (which the sandbox replaces), so it is visible inside."""
    base = Path("/var/tmp") if Path("/var/tmp").is_dir() else Path.cwd()
    directory = Path(tempfile.mkdtemp(prefix="assay-attack-", dir=base))
    (directory / "victim.txt").write_text("original")
    try:
        yield directory
    finally:
        shutil.rmtree(directory)


def test_writes_and_deletes_outside_the_work_directory_are_blocked(
    solo: Sandbox, outside: Path
) -> None:
    victim = outside / "victim.txt"
    source = (
        "import os, shutil\n"
        "def write(path):\n    open(path, 'w').write('pwned')\n"
        "def delete(path):\n    os.remove(path)\n"
        "def plant(directory):\n    open(os.path.join(directory, 'planted'), 'w').write('x')\n"
        "def rmtree(directory):\n    shutil.rmtree(directory)\n"
    )
    result = solo.run(
        Job(
            source=source,
            calls=(
                Call.function("write", str(victim)),
                Call.function("delete", str(victim)),
                Call.function("plant", str(outside)),
                Call.function("rmtree", str(outside)),
                Call.function("write", "/etc/passwd"),
                Call.script("open('scratch.txt', 'w').write('allowed here')"),
            ),
        )
    )
    # the directory is not in the sandbox's view at all (FileNotFoundError), and what is
    # in it is read-only (PermissionError or EROFS: blocked)
    outward, passwd, scratch = result.outcomes[:4], result.outcomes[4], result.outcomes[5]
    assert all(
        o.status is Status.BLOCKED
        or (o.exception is not None and o.exception.type == "FileNotFoundError")
        for o in outward
    ), outward
    assert passwd.status is Status.BLOCKED
    assert scratch.status is Status.OK
    assert victim.read_text() == "original"
    assert sorted(p.name for p in outside.iterdir()) == ["victim.txt"]


def test_files_a_job_leaves_are_gone_for_the_next_job(solo: Sandbox) -> None:
    # a directory the job made unreadable, files beside the work directory and in /dev/shm
    litter = (
        "import os\n"
        "os.makedirs('locked/deep')\n"
        "open('locked/deep/secret.txt', 'w').write('from the previous job')\n"
        "os.chmod('locked', 0)\n"
        "open(os.path.join(os.environ['TMPDIR'], '..', 'beside.txt'), 'w').write('x')\n"
        "open('/dev/shm/shared.txt', 'w').write('x')\n"
    )
    assert _run(solo, litter)[0] is Status.OK
    look = (
        "import os\n"
        "work = sorted(os.listdir('.'))\n"
        "beside = os.path.exists(os.path.join(os.environ['TMPDIR'], '..', 'beside.txt'))\n"
        "shm = os.listdir('/dev/shm')\n"
        "open('new.txt', 'w').write('the work directory is writable')\n"
    )
    result = solo.run(Job(source=look, calls=(Call.expr("(work, beside, shm)"),), limits=FAST))
    assert result.outcomes[0].value_repr == "([], False, [])"


@pytest.mark.parametrize(
    "levels",
    [
        # a chain of locked directories deeper than any fixed number of unlock passes
        "path = '.'\nchain = []\nfor _ in range(40):\n    path = os.path.join(path, 'd')\n"
        "    os.mkdir(path)\n    chain.append(path)\n"
        "open(os.path.join(path, 'secret.txt'), 'w').write('from the previous job')\n"
        "for directory in reversed(chain):\n    os.chmod(directory, 0)\n",
        # a tree deeper than the longest path, which no walk by path can remove: the
        # zygote reports it and the worker is replaced
        "for _ in range(1500):\n    os.mkdir('dddd')\n    os.chdir('dddd')\n"
        "open('secret.txt', 'w').write('from the previous job')\nos.chmod('.', 0)\n",
    ],
    ids=["locked-chain", "deeper-than-a-path"],
)
def test_deep_trees_a_job_leaves_are_gone_for_the_next_job(solo: Sandbox, levels: str) -> None:
    assert _run(solo, "import os\n" + levels, limits=Limits(timeout_s=10.0))[0] is Status.OK
    look = "import os\nwork = sorted(os.listdir('.'))\n"
    result = solo.run(Job(source=look, calls=(Call.expr("work"),), limits=FAST))
    assert result.outcomes[0].value_repr == "[]"


def test_file_size_limit_applies_in_the_work_directory(solo: Sandbox) -> None:
    source = "def big():\n    with open('big.bin', 'wb') as f:\n        f.write(b'0' * (40 * 1024 * 1024))\n"
    result = solo.run(
        Job(source=source, calls=(Call.expr("big()"),), limits=Limits(file_mb=8, memory_mb=512))
    )
    assert result.outcomes[0].status in (Status.ERROR, Status.KILLED)
    assert result.outcomes[0].exception is not None
    assert result.outcomes[0].exception.type in ("OSError", "SIGXFSZ")


def test_callers_secrets_are_not_visible(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    monkeypatch.setenv("ASSAY_TEST_SECRET", "hunter2")
    home = Path.home()
    allowed = home_entries_needed(__file__)
    with Sandbox(workers=1, isolation=backend) as box:
        result = box.run(
            Job(
                source="import os",
                calls=(
                    Call.expr("dict(os.environ)"),
                    Call.expr(f"os.listdir({str(home)!r})"),
                    Call.expr(
                        "open('/etc/shadow').read() if os.path.exists('/etc/shadow') else ''"
                    ),
                    Call.expr("os.getuid()"),
                ),
            )
        )
    environment, listing, shadow, uid = result.outcomes
    assert environment.status is Status.OK
    assert "hunter2" not in (environment.value_repr or "")
    assert listing.status is Status.OK and isinstance(listing.value, list)
    assert set(listing.value) <= allowed
    assert shadow.status is Status.BLOCKED or shadow.value == ""
    assert uid.value == 65534


def test_the_host_tmp_is_invisible(solo: Sandbox, tmp_path: Path) -> None:
    (tmp_path / "host-only.txt").write_text("secret")
    result = solo.run(
        Job(source="import os", calls=(Call.expr(f"os.path.exists({str(tmp_path)!r})"),))
    )
    assert result.outcomes[0].value is False


def test_signal_sent_to_the_sandbox_from_outside_is_killed_status(solo: Sandbox) -> None:
    source = "import os, signal\ndef suicide():\n    os.kill(os.getpid(), signal.SIGTERM)\n"
    result = solo.run(Job(source=source, calls=(Call.expr("suicide()"), Call.expr("'next'"))))
    killed, after = result.outcomes
    assert killed.status is Status.KILLED
    assert killed.exception is not None and killed.exception.type == signal.Signals.SIGTERM.name
    assert after.value == "next"


def test_ram_backed_mounts_other_than_tmp_are_read_only(solo: Sandbox) -> None:
    source = "def plant(path):\n    open(path, 'w').write('x')\n"
    targets = ["/dev/planted", "/root/planted", "/run/planted", str(Path.home() / "planted")]
    result = solo.run(Job(source=source, calls=tuple(Call.function("plant", t) for t in targets)))
    assert [o.status for o in result.outcomes] == [Status.BLOCKED] * len(targets)
    df = solo.run(
        Job(
            source="import os",
            calls=(Call.expr("os.statvfs('/tmp').f_blocks * os.statvfs('/tmp').f_frsize"),),
        )
    )
    assert df.outcomes[0].value == 256 * 1024 * 1024


# ---------------------------------------------------------------- held-out probes (issue 27)

_LIBC = "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"


def test_sysv_ipc_left_by_a_job_is_gone_for_the_next_job(solo: Sandbox) -> None:
    make = _LIBC + (
        "shm = libc.shmget(0x5A17, 1 << 20, 0o1600)\n"
        "msg = libc.msgget(0x5A17, 0o1600)\n"
        "sem = libc.semget(0x5A17, 1, 0o1600)\n"
    )
    made = solo.run(Job(source=make, calls=(Call.expr("(shm >= 0, msg >= 0, sem >= 0)"),)))
    assert made.outcomes[0].value == {"__tuple__": [True, True, True]}
    find = _LIBC + (
        "found = (libc.shmget(0x5A17, 0, 0), libc.msgget(0x5A17, 0), libc.semget(0x5A17, 0, 0))\n"
    )
    later = solo.run(Job(source=find, calls=(Call.expr("found"),)))
    assert later.outcomes[0].value == {"__tuple__": [-1, -1, -1]}


def test_posix_queues_and_keyrings_are_denied(solo: Sandbox) -> None:
    source = _LIBC + (
        "queue = libc.mq_open(b'/assay-held-out', os.O_CREAT | os.O_RDWR, 0o600, None)\n"
        "queue_errno = ctypes.get_errno()\n"
        "key = libc.syscall(248, b'user', b'assay-held-out', b'secret', 6, -4)\n"
        "key_errno = ctypes.get_errno()\n"
    )
    result = solo.run(
        Job(source=source, calls=(Call.expr("(queue, queue_errno, key, key_errno)"),))
    )
    assert result.outcomes[0].value == {"__tuple__": [-1, 1, -1, 1]}


def test_dangerous_kernel_interfaces_are_filtered(solo: Sandbox) -> None:
    source = _LIBC + (
        "def attempt(number, *args):\n"
        "    result = libc.syscall(number, *args)\n"
        "    return result if result < 0 else 'opened', ctypes.get_errno() if result < 0 else 0\n"
        "params = ctypes.create_string_buffer(120)\n"
        "attr = ctypes.create_string_buffer(128)\n"
        "attr[4] = 128\n"
        "calls = {\n"
        "    'io_uring_setup': (425, 4, params),\n"
        "    'bpf': (321, 0, attr, 128),\n"
        "    'userfaultfd': (323, 1),\n"
        "    'perf_event_open': (298, attr, 0, -1, -1, 0),\n"
        "}\n"
        "seccomp = [l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp:')]\n"
    )
    result = solo.run(
        Job(
            source=source,
            calls=(
                Call.expr("{name: attempt(*args) for name, args in calls.items()}"),
                Call.expr("seccomp"),
            ),
        )
    )
    attempts, mode = result.outcomes
    assert attempts.value == {
        "__dict__": [
            [name, {"__tuple__": [-1, 1]}]
            for name in sorted(("io_uring_setup", "bpf", "userfaultfd", "perf_event_open"))
        ]
    } or attempts.value_repr == repr(
        {name: (-1, 1) for name in ("io_uring_setup", "bpf", "userfaultfd", "perf_event_open")}
    ), attempts.value_repr
    assert mode.value == ["2"]


def test_the_deadline_holds_when_the_job_closes_its_descriptors(solo: Sandbox) -> None:
    source = "import os, time\nos.closerange(3, 4096)\ntime.sleep(30)\n"
    result = solo.run(Job(source=source, calls=(Call.expr("1"),), limits=Limits(timeout_s=1.0)))
    assert result.import_outcome.status is Status.TIMEOUT
    assert result.import_outcome.wall_s < 3.0
    assert solo.run(Job(source="x = 2", calls=(Call.expr("x"),))).outcomes[0].value == 2


def test_a_finished_result_survives_a_slow_wipe(
    solo: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.sandbox import _worker

    # the flood's wipe outlasts the (shortened) wait for the zygote's exit report
    monkeypatch.setattr(_worker.Worker._next, "__defaults__", (0.05,))
    flood = (
        "import os\n"
        "def flood():\n"
        "    for number in range(30000):\n"
        "        open(f'f{number}', 'w').close()\n"
        "    return 'finished'\n"
    )
    result = solo.run(Job(source=flood, calls=(Call.expr("flood()"),), limits=Limits(timeout_s=20)))
    assert result.outcomes[0].status is Status.OK, result.outcomes[0].exception
    assert result.outcomes[0].value == "finished"
    monkeypatch.undo()
    look = solo.run(Job(source="import os", calls=(Call.expr("len(os.listdir('.'))"),)))
    assert look.outcomes[0].value == 0


def test_memory_is_bounded_per_job_not_per_process(solo: Sandbox) -> None:
    # six children of 120 MiB each at once: 720 MiB, against a 256 MiB job. Each child
    # reports its pid once it holds its block; when all have reported (or after 4 s), the
    # children that reported and are still alive hold their blocks at the same moment.
    source = (
        "import os, time\n"
        "def hold():\n"
        "    read, write = os.pipe()\n"
        "    children = []\n"
        "    for _ in range(6):\n"
        "        pid = os.fork()\n"
        "        if pid == 0:\n"
        "            block = b'x' * (120 << 20)\n"
        "            os.write(write, os.getpid().to_bytes(4, 'big'))\n"
        "            time.sleep(10)\n"
        "            os._exit(0)\n"
        "        children.append(pid)\n"
        "    os.close(write)\n"
        "    os.set_blocking(read, False)\n"
        "    reported, dead, end = set(), set(), time.time() + 4\n"
        "    def reap():\n"
        "        dead.update(p for p in children if p not in dead and os.waitpid(p, os.WNOHANG)[0])\n"
        "    while len(reported | dead) < 6 and time.time() < end:\n"
        "        reap()\n"
        "        try:\n"
        "            data = os.read(read, 4096)\n"
        "        except BlockingIOError:\n"
        "            time.sleep(0.05)\n"
        "            continue\n"
        "        reported.update(int.from_bytes(data[i:i + 4], 'big') for i in range(0, len(data), 4))\n"
        "    reap()\n"
        "    return len(reported - dead)\n"
    )
    result = solo.run(
        Job(source=source, calls=(Call.expr("hold()"),), limits=Limits(timeout_s=12, memory_mb=256))
    )
    outcome = result.outcomes[0]
    if "memory-cgroup" in solo.policy.isolation:
        # at most two blocks fit beside the runner: the rest were killed
        assert outcome.status is Status.MEMORY or (
            outcome.status is Status.OK and outcome.value <= 2
        ), (outcome.status, outcome.value)
    else:
        assert any(gap.startswith("memory-cgroup") for gap in result.degraded)
    assert at_rest(solo)


def test_the_view_is_an_allow_list(solo: Sandbox) -> None:
    source = "import os\n"
    result = solo.run(
        Job(
            source=source,
            calls=(
                Call.expr("sorted(os.listdir('/'))"),
                Call.expr("sorted(os.listdir('/var')) + sorted(os.listdir('/run'))"),
                Call.expr("sorted(os.listdir('/etc'))"),
            ),
        )
    )
    top, var_run, etc = (o.value for o in result.outcomes)
    assert set(top) <= {
        "bin",
        "dev",
        "etc",
        "home",
        "lib",
        "lib32",
        "lib64",
        "libx32",
        "media",
        "mnt",
        "opt",
        "proc",
        "root",
        "run",
        "sbin",
        "srv",
        "tmp",
        "usr",
        "var",
        *(Path(p).resolve().parts[1] for p in sys.path if p and Path(p).is_absolute()),
    }
    assert var_run == ["tmp"]
    assert "shadow" not in etc and "gshadow" not in etc and "sudoers" not in etc
    assert set(etc) <= {Path(p).name for p in _policy_etc_files()}


def _policy_etc_files() -> tuple[str, ...]:
    from assay.sandbox import _policy

    return _policy._ETC_FILES


def test_files_only_the_caller_may_read_stay_unreadable_for_a_root_caller(solo: Sandbox) -> None:
    # this test's directory is on the import path, so it is in the sandbox's view
    secret = Path(__file__).with_name(f".owner-only-{os.getpid()}")
    secret.write_text("the caller's secret")
    secret.chmod(0o600)
    try:
        result = solo.run(Job(source="", calls=(Call.expr(f"open({str(secret)!r}).read()"),)))
    finally:
        secret.unlink()
    outcome = result.outcomes[0]
    kept_root = [gap for gap in result.degraded if gap.startswith("unprivileged-identity")]
    if os.geteuid() == 0 and kept_root:
        # bubblewrap could not drop root here, and says so (auto then chooses namespaces)
        assert solo.policy.backend == "bubblewrap"
        assert outcome.value == "the caller's secret"
    elif os.geteuid() == 0:
        # root is dropped to uid 65534 outside the sandbox as well
        assert outcome.status is Status.BLOCKED, outcome.value_repr
    else:
        # an ordinary caller's uid is what the kernel maps uid 65534 to: its own files in
        # the view stay readable (and only the allow-listed ones are in the view)
        assert outcome.value == "the caller's secret"
