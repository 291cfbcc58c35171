"""scripts/build_deprecations.py agrees with the running interpreter's standard library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_deprecations.py"


def test_stdlib_records_match_this_interpreter() -> None:
    # A separate process: the script imports deprecated stdlib modules to check them.
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "problem:" not in done.stdout
    assert "python" in done.stdout and "numpy" in done.stdout
