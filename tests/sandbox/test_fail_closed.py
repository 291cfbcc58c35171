"""Fail closed: where no isolation works, candidate code does not run, and every caller says
so. Each test runs assay in a user namespace of its own whose limit on further user
namespaces is 0 (so neither bubblewrap nor assay's namespace backend can start), the host
untouched; on a machine that has no user namespaces at all, assay runs there directly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import assay

SRC = str(Path(assay.__file__).resolve().parents[1])
_NO_NAMESPACES = 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"'


def _without_isolation(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m assay ARGS` where no user namespace can be created."""
    command = [sys.executable, "-m", "assay", *args]
    full_env = {**os.environ, "PYTHONPATH": SRC}
    full_env.pop("ASSAY_ALLOW_UNSANDBOXED", None)
    wrapped = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", _NO_NAMESPACES, "sh"]
    probe = subprocess.run([*wrapped, "true"], capture_output=True, check=False)
    # without user namespaces here at all, the machine itself is the case under test
    prefix = wrapped if probe.returncode == 0 else []
    return subprocess.run(
        [*prefix, *command], capture_output=True, text=True, timeout=120, check=False, env=full_env
    )


def test_check_runs_no_candidate_code_and_warns(tmp_path: Path) -> None:
    planted = tmp_path / "planted"
    source = tmp_path / "victim.py"
    # importing the module to probe `double` runs its top level, which writes a file
    source.write_text(
        f"__import__('pathlib').Path({str(planted)!r}).write_text('ran outside a sandbox')\n"
        "def double(x: int) -> int:\n"
        "    return 2 * x\n"
    )
    done = _without_isolation("check", str(source), "--format", "json")
    report = json.loads(done.stdout)
    assert not planted.exists()
    refused = [w for w in report["warnings"] if "did not run: no isolation" in w]
    assert refused, report["warnings"]
    assert all("apt-get install bubblewrap" in w and "--allow-unsandboxed" in w for w in refused)


def test_doctor_names_the_refusal_and_sandbox_run_refuses(tmp_path: Path) -> None:
    doctor = _without_isolation("sandbox", "doctor", "--format", "json")
    assert doctor.returncode == 1
    report = json.loads(doctor.stdout)
    assert report["backend"] == "refused"
    assert report["degraded"][0].startswith("candidate code is not run: no isolation")
    script = tmp_path / "hello.py"
    script.write_text("print('hello')\n")
    refused = _without_isolation("sandbox", "run", str(script))
    assert refused.returncode != 0
    assert "hello" not in refused.stdout
    assert "no isolation for candidate code" in refused.stdout + refused.stderr


def test_allow_unsandboxed_runs_with_every_gap_said(tmp_path: Path) -> None:
    script = tmp_path / "hello.py"
    script.write_text("print('hello')\n")
    allowed = _without_isolation("sandbox", "run", str(script), "--allow-unsandboxed")
    assert allowed.returncode == 0, allowed.stderr
    assert "hello" in allowed.stdout
    assert "warning: isolation degraded: user-namespace: no isolation works here" in allowed.stdout


@pytest.mark.parametrize("opt_in", ["flag", "setting"])
def test_the_opt_in_runs_the_probes_and_lists_every_gap(tmp_path: Path, opt_in: str) -> None:
    source = tmp_path / "halves.py"
    source.write_text(
        "def half(items: list[int]) -> int:\n"
        '    """First item halved.\n\n    >>> half([4])\n    2\n    """\n'
        "    return items[0] // 2\n"
    )
    flags = ["--allow-unsandboxed"] if opt_in == "flag" else []
    if opt_in == "setting":
        (tmp_path / "pyproject.toml").write_text("[tool.assay]\nallow-unsandboxed = true\n")
    done = _without_isolation("check", str(source), "--format", "json", "--no-cache", *flags)
    report = json.loads(done.stdout)
    assert any(f["rule"] == "AS602" for f in report["findings"]), report
    degraded = [w for w in report["warnings"] if w.startswith("sandbox degraded: ")]
    assert degraded, report["warnings"]
    assert not [w for w in report["warnings"] if "did not run" in w]
