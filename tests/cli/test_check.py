"""`assay check` from the command line: exit codes, stdin, discovery, configuration, errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assay.cli import main

CLEAN = "import json\n\n\ndef load(text: str) -> dict:\n    return json.loads(text)\n"
HALLUCINATED = "import os.path\n\nparts = os.path.splitall('/a/b')\n"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check", "--offline", "--no-dynamic", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code, out, _ = _run([*argv, "--format", "json"], capsys)
    return code, json.loads(out)


def test_clean_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text(CLEAN)
    code, report = _json([str(clean), "--select", "hallucination"], capsys)
    assert code == 0
    assert report["findings"] == [] and report["files"] == [clean.as_posix()]


def test_finding_exits_1_with_evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(HALLUCINATED)
    code, report = _json([str(bad), "--select", "AS102"], capsys)
    assert code == 1
    (finding,) = report["findings"]
    assert finding["rule"] == "AS102" and finding["line"] == 3
    assert finding["evidence"]["missing"] == "os.path.splitall"
    assert "os.path.split" in finding["evidence"]["closest"]


def test_fail_on_error_ignores_infos(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unverified = tmp_path / "tf.py"
    unverified.write_text("import tensorflow_datasets\n")
    code, report = _json([str(unverified), "--select", "AS105", "--fail-on", "warning"], capsys)
    assert [f["severity"] for f in report["findings"]] == ["info"]
    assert code == 0
    code, _ = _json([str(unverified), "--select", "AS105", "--fail-on", "info"], capsys)
    assert code == 1


def test_misuse_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run([str(tmp_path / "missing.py")], capsys)
    assert code == 2 and "does not exist" in err
    (tmp_path / "a.py").write_text(CLEAN)
    code, _, err = _run([str(tmp_path / "a.py"), "--format", "yaml"], capsys)
    assert code == 2 and "--format" in err
    code, _, err = _run([str(tmp_path / "a.py"), "--select", "AS999"], capsys)
    assert code == 2 and "AS999" in err


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(HALLUCINATED))
    code, report = _json(["-", "--select", "AS102"], capsys)
    assert code == 1
    assert report["files"] == ["-"]
    assert report["findings"][0]["path"] == "-"


def test_gitignore_and_exclude(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".gitignore").write_text("generated/\nscratch.py\n")
    for name in ("keep.py", "scratch.py", "generated/out.py", "vendor/lib.py"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HALLUCINATED)
    code, report = _json([str(tmp_path), "--select", "AS102"], capsys)
    assert sorted(Path(f).name for f in report["files"]) == ["keep.py", "lib.py"]
    code, report = _json([str(tmp_path), "--select", "AS102", "--exclude", "vendor/"], capsys)
    assert [Path(f).name for f in report["files"]] == ["keep.py"]
    assert code == 1


def test_unknown_config_key_is_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.assay]\nselcet = ["AS101"]\n')
    (tmp_path / "a.py").write_text(CLEAN)
    code, _, err = _run([str(tmp_path / "a.py")], capsys)
    assert code == 2
    assert "selcet" in err and "valid keys" in err and "select" in err


def test_config_select_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.assay]\nignore = ["AS102"]\n')
    (tmp_path / "a.py").write_text(HALLUCINATED)
    code, report = _json([str(tmp_path / "a.py"), "--select", "hallucination"], capsys)
    assert code == 0 and report["findings"] == []


def test_unparsable_file_is_an_error_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ok.py").write_text(CLEAN)
    (tmp_path / "broken.py").write_text("def broken(:\n    pass\n")
    code, report = _json([str(tmp_path), "--select", "hallucination"], capsys)
    assert code == 1
    (error,) = report["errors"]
    assert error["path"].endswith("broken.py") and error["kind"] == "parse"
    assert error["line"] == 1
    assert len(report["files"]) == 2
    code, out, _ = _run([str(tmp_path), "--select", "hallucination"], capsys)
    assert "could not be checked" in out


def test_sarif_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(HALLUCINATED)
    target = tmp_path / "assay.sarif"
    code, out, _ = _run(
        [str(bad), "--select", "AS102", "--format", "sarif", "-o", str(target)], capsys
    )
    assert code == 1 and out == ""
    log = json.loads(target.read_text())
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["results"][0]["ruleId"] == "AS102"


def test_dynamic_checks_leave_the_working_directory_alone(tmp_path: Path) -> None:
    # Hypothesis, which draws the random inputs, writes ./.hypothesis unless told where.
    (tmp_path / "words.py").write_text(
        'def shout(word: str, times: int) -> str:\n    """>>> shout("hey", 2)\n    \'HEYHEY\'\n'
        '    """\n    return word.upper() * times\n'
    )
    environment = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    done = subprocess.run(
        [sys.executable, "-m", "assay", "check", "--offline", "words.py", "--format", "json"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["files"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["words.py"]
