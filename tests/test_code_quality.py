"""The code-quality gates CI would otherwise not run: ruff's lint and format, and mypy in
strict mode on `src/` (configured in pyproject.toml). Each failure prints the tool's output,
which names the file, the line and the fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["src", "tests", "bench", "scripts"]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", *CHECKED), ("ruff", "format", "--check", *CHECKED), ("mypy",)],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_the_code_passes(command: tuple[str, ...]) -> None:
    result = _run(*command)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}"
