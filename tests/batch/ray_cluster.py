"""A real Ray cluster on this machine, started from this checkout: a head node on 127.0.0.1
and worker nodes, each a `ray start --block` process, with a private temp dir.

Every process the cluster starts inherits a marker in its environment, so `stop` can find
and end exactly those (and assert that none is left) without touching anything else that
runs on the machine. Used by tests/batch/test_ray.py and bench/batch_scaling.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = "ASSAY_RAY_TEST_CLUSTER"
#: run a command in a user namespace of its own that may create no further user namespace
_NO_NAMESPACES = (
    "unshare",
    "--user",
    "--map-root-user",
    "--mount",
    "sh",
    "-c",
    'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"',
    "sh",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ray_command() -> str:
    found = shutil.which("ray", path=str(Path(sys.executable).parent)) or shutil.which("ray")
    if found is None:
        raise RuntimeError("the ray command is missing: pip install -e '.[ray]'")
    return found


class LocalRayCluster:
    """Start with `start()` (or as a context manager); `address` is what drivers join.

    Args:
        workers: worker nodes besides the head.
        cpus: CPUs each node offers (one actor each).
        head_cpus: CPUs of the head node (default `cpus`; 0 keeps work off it).
        object_store_mb: each node's object store (Ray's minimum is about 75 MB).
        isolated_workers: False starts the worker nodes where no user namespace can be
            created (as tests/sandbox/test_fail_closed.py does), so neither bubblewrap nor
            assay's namespaces work there: a node without isolation.
    """

    def __init__(
        self,
        *,
        workers: int = 1,
        cpus: int = 1,
        head_cpus: int | None = None,
        object_store_mb: int = 80,
        isolated_workers: bool = True,
    ) -> None:
        self.workers = workers
        self.cpus = cpus
        self.head_cpus = cpus if head_cpus is None else head_cpus
        self.isolated_workers = isolated_workers
        self.object_store_mb = object_store_mb
        self.marker = uuid.uuid4().hex
        self.port = _free_port()
        # short: Ray's socket paths under it must fit in 107 bytes
        self.temp_dir = Path(tempfile.mkdtemp(prefix="ray", dir="/tmp"))
        self.address = f"127.0.0.1:{self.port}"
        self.nodes: list[subprocess.Popen[bytes]] = []
        self.start_s = 0.0

    def env(self) -> dict[str, str]:
        """The environment of the nodes and of drivers run against them: this checkout's
        sources first, the marker, Ray's usage statistics and token authentication off."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])]
        )
        env[MARKER] = self.marker
        env["RAY_USAGE_STATS_ENABLED"] = "0"
        # Ray turns token authentication on when ~/.ray/auth_token exists (`ray.init()` writes
        # one), and then a second node of this loopback cluster cannot join: state it here
        env["RAY_AUTH_MODE"] = "disabled"
        return env

    def _node(self, *args: str, cpus: int, isolated: bool = True) -> subprocess.Popen[bytes]:
        prefix = [] if isolated else [*_NO_NAMESPACES]
        command = [
            *prefix,
            _ray_command(),
            "start",
            *args,
            "--num-cpus",
            str(cpus),
            "--object-store-memory",
            str(self.object_store_mb * 1024 * 1024),
            "--block",
            "--disable-usage-stats",
        ]
        log = (self.temp_dir / f"node-{len(self.nodes)}.log").open("wb")
        return subprocess.Popen(
            command, env=self.env(), stdout=log, stderr=subprocess.STDOUT, cwd=self.temp_dir
        )

    def start(self, timeout_s: float = 120.0) -> LocalRayCluster:
        """Start the head and the workers; return once every node has joined. A node that
        fails to start stops the others first: nothing is left behind for the caller."""
        started = time.monotonic()
        try:
            self.nodes.append(
                self._node(
                    "--head",
                    "--port",
                    str(self.port),
                    "--node-ip-address",
                    "127.0.0.1",
                    "--include-dashboard",
                    "false",
                    "--temp-dir",
                    str(self.temp_dir),
                    cpus=self.head_cpus,
                )
            )
            for _ in range(self.workers):
                self.wait_for_nodes(len(self.nodes), deadline=started + timeout_s)
                self.nodes.append(
                    self._node(
                        "--address",
                        self.address,
                        "--node-ip-address",
                        "127.0.0.1",
                        cpus=self.cpus,
                        isolated=self.isolated_workers,
                    )
                )
            self.wait_for_nodes(len(self.nodes), deadline=started + timeout_s)
        except BaseException:
            self.stop()
            raise
        self.start_s = time.monotonic() - started
        return self

    def wait_for_nodes(self, count: int, *, deadline: float) -> None:
        """Wait until the first `count` nodes say they started (`ray start` prints "Ray
        runtime started" once its node has joined; asking `ray status` costs seconds)."""
        while True:
            for node in self.nodes:
                if node.poll() is not None:
                    raise RuntimeError(f"a Ray node exited early: {self.logs()}")
            logs = [self.temp_dir / f"node-{index}.log" for index in range(count)]
            if all(b"Ray runtime started" in path.read_bytes() for path in logs):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"Ray nodes did not start in time: {self.logs()}")
            time.sleep(0.2)

    def logs(self) -> str:
        """The nodes' own output (for a failure message)."""
        return "\n".join(
            path.read_text(errors="replace")[-2000:] for path in sorted(self.temp_dir.glob("*.log"))
        )

    def actor_processes(self) -> list[int]:
        """Pids of the batch actors' worker processes (Ray titles them ``ray::_BatchWorker``)."""
        found = []
        for pid in self.processes():
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"ray::_BatchWorker"):
                found.append(pid)
        return found

    def processes(self) -> list[int]:
        """Pids of every live process carrying this cluster's marker (nodes, raylets,
        workers, sandbox processes they started, drivers run with `env()`)."""
        needle = f"{MARKER}={self.marker}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if needle in environ.split(b"\0") and state != "Z":
                found.append(int(entry.name))
        return found

    def stop(self, timeout_s: float = 30.0) -> list[int]:
        """Stop every node; kill what the cluster started and outlives them. Returns the
        pids that had to be killed after the nodes stopped (to report, not to hide)."""
        for node in self.nodes:
            if node.poll() is None:
                node.send_signal(signal.SIGTERM)
        for node in self.nodes:
            try:
                node.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                node.kill()
                node.wait(timeout=timeout_s)
        deadline = time.monotonic() + timeout_s
        while self.processes() and time.monotonic() < deadline:
            time.sleep(0.5)
        stragglers = self.processes()
        for pid in stragglers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        shutil.rmtree(self.temp_dir, ignore_errors=True)
        return stragglers

    def __enter__(self) -> LocalRayCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
