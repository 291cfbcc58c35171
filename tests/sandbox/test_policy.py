"""How workers start: assay installed under /tmp stays visible inside the sandbox (both
backends), and the namespace backend works for an ordinary user as well as for root."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from _procs import home_entries_needed

from assay.sandbox import Call, Job, Sandbox, _policy
from assay.sandbox._policy import bubblewrap_prefix, namespaces_config, policy_for

ISOLATE = Path(__file__).resolve().parents[2] / "src/assay/sandbox/_isolate.py"


def test_import_paths_under_tmp_are_bound_back_read_only_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = Path("/tmp") / tmp_path.name / "src"
    checkout.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(checkout)])
    args = list(bubblewrap_prefix("bwrap"))
    resolved = str(checkout.resolve())
    bind = args.index(resolved) - 1
    assert args[bind] == "--ro-bind" and args[bind + 2] == resolved
    assert bind > args.index("/tmp"), "the bind must come after the tmpfs that hides /tmp"
    keep = args[args.index("ASSAY_SANDBOX_KEEP") + 1]
    assert resolved in keep.split(":")


@pytest.mark.parametrize("isolation", ["auto", "namespaces"])
def test_a_module_imported_from_under_tmp_runs_in_the_sandbox(
    tmp_path: Path, isolation: str
) -> None:
    package_root = Path("/tmp") / f"assay-policy-{tmp_path.name}"
    package_root.mkdir(exist_ok=True)
    (package_root / "helper_under_tmp.py").write_text("VALUE = 41\n", encoding="utf-8")
    sys.path.append(str(package_root))
    policy_for.cache_clear()  # the policy is probed once per process, from sys.path
    try:
        with Sandbox(workers=1, isolation=isolation) as sandbox:
            for _ in range(2):  # the second job proves the wipe kept the bound directory
                result = sandbox.run(
                    Job(
                        source="import helper_under_tmp\n\ndef f():\n    return helper_under_tmp.VALUE + 1\n",
                        calls=(Call.function("f"),),
                    )
                )
                assert result.outcomes[0].value_repr == "42", result
    finally:
        sys.path.remove(str(package_root))
        policy_for.cache_clear()
    assert (package_root / "helper_under_tmp.py").read_text(encoding="utf-8") == "VALUE = 41\n"


def _interpreter_for(uid: int) -> str | None:
    """An interpreter `uid` can run: this one, or the system's."""
    for candidate in (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"):
        try:
            done = subprocess.run(
                [candidate, "-S", "-c", "pass"],
                capture_output=True,
                check=False,
                user=uid,
                group=uid,
                extra_groups=[],
            )
        except OSError:  # not there, or not reachable by `uid`: try the next
            continue
        if done.returncode == 0:
            return candidate
    return None


def test_the_namespace_backend_works_for_an_ordinary_user() -> None:
    """Root takes another path through `_isolate.enter` (view built as root, then the
    drop); an ordinary user's path maps its own uid. As root, this runs that path as uid
    65534 with an interpreter that uid can run."""
    config = namespaces_config()
    command_user: dict[str, object] = {}
    interpreter = sys.executable
    if os.geteuid() == 0:
        found = _interpreter_for(65534)
        assert found is not None, "no interpreter uid 65534 can run; install python3"
        interpreter = found
        command_user = {"user": 65534, "group": 65534, "extra_groups": []}
        # the view must hold that interpreter's own standard library
        prefix = subprocess.run(
            [found, "-S", "-c", "import sys; print(sys.base_prefix)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        config["binds"] = sorted({*config["binds"], os.path.realpath(prefix)})  # type: ignore[misc]
    done = subprocess.run(
        [interpreter, "-S", "-B", str(ISOLATE)],
        capture_output=True,
        text=True,
        check=False,
        env={"ASSAY_SANDBOX_NAMESPACES": json.dumps(config)},
        timeout=60,
        **command_user,  # type: ignore[arg-type]
    )
    assert done.stdout.split() == ["1", "65534", "none"], done.stderr


@pytest.mark.parametrize("isolation", ["auto", "namespaces"])
def test_a_script_run_from_tmp_or_home_exposes_neither(
    monkeypatch: pytest.MonkeyPatch, isolation: str
) -> None:
    # `python /tmp/x.py` or `python ~/x.py` puts /tmp or the home directory on sys.path
    home = str(Path.home())
    monkeypatch.setattr(sys, "path", [*sys.path, "/tmp", home])
    policy_for.cache_clear()
    try:
        with Sandbox(workers=1, isolation=isolation) as sandbox:
            result = sandbox.run(
                Job(
                    source="import os",
                    calls=(
                        Call.expr("open('/tmp/scratch.txt', 'w').write('ok')"),
                        Call.expr(f"sorted(os.listdir({home!r}))"),
                    ),
                )
            )
    finally:
        policy_for.cache_clear()
    written, listing = result.outcomes
    assert result.import_outcome.ok, result.import_outcome.exception
    assert written.value == 2
    assert set(listing.value) <= home_entries_needed()


def _flaky_mkdir(failures: list[int]) -> Any:
    real = Path.mkdir

    def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        if failures:
            raise OSError(failures.pop(0), "simulated")
        real(self, *args, **kwargs)

    return mkdir


def test_a_transient_cgroup_failure_is_retried_not_cached_as_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # cgroup v1's memory controller answers ENOSPC while freed cgroups still hold their ids;
    # the answer is cached per process, so one such moment used to degrade every later run.
    limit = "memory.limit_in_bytes"

    def with_limit_file(self: Path, *args: Any, **kwargs: Any) -> None:
        real_mkdir(self, *args, **kwargs)
        (self / limit).write_text("max", encoding="utf-8")

    real_mkdir = _flaky_mkdir([errno.ENOSPC, errno.EBUSY])
    monkeypatch.setattr(Path, "mkdir", with_limit_file)
    monkeypatch.setattr(_policy, "_RETRY_DELAYS_S", (0.0, 0.0, 0.0))
    assert _policy._cgroup_root(((str(tmp_path), limit),)) == (str(tmp_path), limit)


def test_a_permanent_cgroup_failure_is_not_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures = [errno.EACCES, errno.ENOSPC]
    monkeypatch.setattr(Path, "mkdir", _flaky_mkdir(failures))
    assert _policy._cgroup_root(((str(tmp_path), "memory.max"),)) is None
    assert failures == [errno.ENOSPC], "EACCES must not be retried"


def test_a_refused_cgroup_keeps_its_errno_for_the_degraded_detail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Path, "mkdir", _flaky_mkdir([errno.EACCES]))
    probe = _policy._cgroup_probe(((str(tmp_path), "memory.max"),))
    assert probe.found is None
    assert len(probe.failures) == 1
    assert f"errno {errno.EACCES}" in probe.failures[0]
    assert str(tmp_path) in probe.failures[0]


def test_stale_cgroups_of_dead_processes_are_swept(tmp_path: Path) -> None:
    dead_pid = 2**22 + 7  # above pid_max's ceiling: never a live process
    old = time.time() - 3600
    stale = tmp_path / f"assay-{dead_pid}-7f00-abcdef"
    stale_probe = tmp_path / f"assay-probe-{dead_pid}"
    young = tmp_path / f"assay-{dead_pid}-7f01-123456"
    live = tmp_path / f"assay-{os.getpid()}-7f02-654321"
    foreign = tmp_path / "system.slice"
    for directory in (stale, stale_probe, young, live, foreign):
        directory.mkdir()
    for directory in (stale, stale_probe, live, foreign):
        os.utime(directory, (old, old))
    assert _policy.sweep_stale_cgroups(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [young.name, live.name, foreign.name]
    )


def test_a_stale_group_that_still_holds_something_is_left_alone(tmp_path: Path) -> None:
    # rmdir fails on a group that still holds a process; a directory with an entry fails
    # the same way, which is what this stands for.
    busy = tmp_path / f"assay-{2**22 + 9}-7f00-abcdef"
    busy.mkdir()
    (busy / "cgroup.procs").write_text("123\n", encoding="utf-8")
    old = time.time() - 3600
    os.utime(busy, (old, old))
    assert _policy.sweep_stale_cgroups(tmp_path) == 0
    assert busy.is_dir()
