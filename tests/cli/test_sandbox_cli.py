"""`assay sandbox run` and `assay sandbox doctor`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.cli import main


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_run_with_call_prints_the_result_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = tmp_path / "solve.py"
    program.write_text("print('loading')\ndef solve(n):\n    return n * n\n")
    assert main(["sandbox", "run", str(program), "--call", "solve(3)", "--format", "json"]) == 0
    payload = _json(capsys)
    assert payload["status"] == "ok"
    assert payload["result"] == "9"
    assert payload["stdout"] == "loading\n"
    assert payload["exception"] is None
    assert set(payload) >= {"status", "result", "stdout", "stderr", "exception", "wall_s"}


def test_run_without_call_runs_main_and_failures_exit_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = tmp_path / "main.py"
    program.write_text(
        "if __name__ == '__main__':\n    print('as main')\n    raise SystemExit('bye')\n"
    )
    assert main(["sandbox", "run", str(program)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("status: error")
    assert "as main" in out
    assert "SystemExit: bye" in out


def test_run_reports_a_timeout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = tmp_path / "loop.py"
    program.write_text("def spin():\n    while True:\n        pass\n")
    assert (
        main(
            [
                "sandbox",
                "run",
                str(program),
                "--call",
                "spin()",
                "--timeout",
                "0.5",
                "--format",
                "json",
            ]
        )
        == 1
    )
    assert _json(capsys)["status"] == "timeout"


def test_doctor_lists_mechanisms(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sandbox", "doctor", "--format", "json"])
    payload = _json(capsys)
    assert code == (1 if payload["degraded"] else 0)
    names = {m["name"] for m in payload["mechanisms"]}  # type: ignore[attr-defined]
    assert {"network-namespace", "rlimits", "wall-clock", "private-channel"} <= names
