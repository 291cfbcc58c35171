"""`assay check` meets the habits of ruff and Bandit users: --exit-zero, --statistics, -q,
--output-format with concise/github/junit, per-file-ignores, baselines, --stdin-filename,
NO_COLOR/FORCE_COLOR, and a warning when nothing was checked."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assay.cli import main
from assay.cli.check import _color
from assay.rules import get_rule

HALLUCINATED = "import os.path\n\nparts = os.path.splitall('/a/b')\n"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check", "--offline", "--no-dynamic", "--select", "AS102", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.py"
    path.write_text(HALLUCINATED, encoding="utf-8")
    return path


def test_exit_zero_reports_but_exits_0(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([str(bad)], capsys)[0] == 1
    code, out, _ = _run([str(bad), "--exit-zero"], capsys)
    assert code == 0 and "AS102" in out


def test_statistics_count_findings_per_rule(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad.write_text(HALLUCINATED + "more = os.path.splitall('/c')\n", encoding="utf-8")
    code, out, _ = _run([str(bad), "--statistics"], capsys)
    assert code == 1
    assert out == f"    2\tAS102\t{get_rule('AS102').name}\n"


def test_quiet_prints_findings_without_the_summary(
    bad: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, loud, _ = _run([str(bad)], capsys)
    code, out, _ = _run([str(bad), "-q"], capsys)
    assert code == 1 and "AS102" in out
    assert "file(s) checked" in loud and "file(s) checked" not in out


def test_output_format_concise_is_one_line_per_finding(
    bad: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run([str(bad), "--output-format", "concise"], capsys)
    assert code == 1
    first, *rest = out.splitlines()
    assert first.startswith(f"{bad.as_posix()}:3:9: AS102 ")
    assert rest == ["Found 1 finding(s) in 1 file(s) checked."]
    assert _run([str(bad), "--format", "concise", "-q"], capsys)[1] == first + "\n"


def test_github_format_is_workflow_commands(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run([str(bad), "--output-format", "github"], capsys)
    (line,) = out.splitlines()
    assert line.startswith(f"::error file={bad.as_posix()},line=3,col=9,")
    assert "title=assay (AS102)::AS102 " in line


def test_junit_format_is_xml_with_a_failure_per_finding(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text("x = 1\n", encoding="utf-8")
    _, out, _ = _run([str(tmp_path), "--output-format", "junit"], capsys)
    root = ET.fromstring(out)
    assert root.tag == "testsuites" and root.get("failures") == "1"
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {bad.as_posix(), clean.as_posix()}
    (failure,) = suites[bad.as_posix()].iter("failure")
    assert "os.path.splitall" in (failure.get("message") or "")
    assert [case.get("name") for case in suites[clean.as_posix()]] == ["assay"]


def test_per_file_ignores_from_pyproject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.assay.per-file-ignores]\n"tests/*" = ["hallucination"]\n', encoding="utf-8"
    )
    for name in ("tests/test_a.py", "app/a.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(HALLUCINATED, encoding="utf-8")
    code, out, _ = _run([str(tmp_path), "--format", "json"], capsys)
    paths = [f["path"] for f in json.loads(out)["findings"]]
    assert paths == [(tmp_path / "app/a.py").as_posix()]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.assay.per-file-ignores]\n"tests/*" = ["AS9"]\n', encoding="utf-8"
    )
    code, _, err = _run([str(tmp_path)], capsys)
    assert code == 2 and "per-file-ignores 'tests/*'" in err and "'AS9' matches no rule" in err


def test_baseline_hides_known_findings_even_when_they_move(
    bad: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "assay-baseline.json"
    code, out, err = _run([str(bad), "--write-baseline", str(baseline)], capsys)
    assert code == 0 and out == "" and "wrote 1 finding(s)" in err
    assert _run([str(bad), "--baseline", str(baseline)], capsys)[0] == 0
    moved = "import sys\n\n" + HALLUCINATED + "other = os.path.joinall('/x')\n"
    bad.write_text(moved, encoding="utf-8")
    code, out, err = _run([str(bad), "--baseline", str(baseline), "-f", "concise", "-q"], capsys)
    assert code == 1
    assert out.splitlines() == [out.splitlines()[0]] and ":6:" in out and "joinall" in out
    assert "1 finding(s) in baseline" in _run([str(bad), "--baseline", str(baseline)], capsys)[2]
    baseline.write_text("{}", encoding="utf-8")
    code, _, err = _run([str(bad), "--baseline", str(baseline)], capsys)
    assert code == 2 and "not an assay baseline" in err and "--write-baseline" in err


def test_stdin_filename_names_standard_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(HALLUCINATED))
    code, out, _ = _run(["-", "--stdin-filename", "pkg/mod.py", "-f", "concise", "-q"], capsys)
    assert code == 1 and out.startswith("pkg/mod.py:3:9: AS102 ")
    code, _, err = _run([str(tmp_path), "--stdin-filename", "x.py"], capsys)
    assert code == 2 and "'-'" in err


def test_no_color_and_force_color() -> None:
    assert _color(True, {}) is True and _color(False, {}) is False
    assert _color(True, {"NO_COLOR": "1"}) is False
    assert _color(True, {"NO_COLOR": ""}) is True, "an empty NO_COLOR does not count"
    assert _color(False, {"FORCE_COLOR": "1"}) is True
    assert _color(True, {"FORCE_COLOR": "1", "NO_COLOR": "1"}) is False, "as in ruff"
    assert _color(False, {"FORCE_COLOR": "0"}) is False


def test_a_directory_without_python_files_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not python\n", encoding="utf-8")
    code, _, err = _run([str(tmp_path)], capsys)
    assert code == 0 and "no Python files found" in err and str(tmp_path) in err


def test_trust_tiers_only_with_tiers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code_file = tmp_path / "run.py"
    code_file.write_text(
        "import subprocess\n\n\ndef run(cmd: list[str]) -> str:\n"
        "    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout\n",
        encoding="utf-8",
    )
    assert "Review by trust tier" not in _run([str(code_file)], capsys)[1]
    assert "Review by trust tier" in _run([str(code_file), "--tiers"], capsys)[1]
    _, out, _ = _run([str(code_file), "--format", "json"], capsys)
    assert json.loads(out)["functions"], "JSON always carries the tiers"
