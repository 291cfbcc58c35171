"""`assay complete`: FIM at a point in a file, then the completed code is checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.llm.helpers import ScriptedBackend

from assay.cli import main
from assay.gen.complete import FIM_STOPS, trim_middle
from assay.gen.prompts import fim_completion_request
from assay.llm.base import Params
from assay.llm.replay import RecordingBackend

SOURCE = '''import json


def load_config(text: str) -> dict:
    """Parse a JSON configuration."""
    return {}


def unrelated(x):
    return eval(x)
'''


def _record(tmp_path: Path, prefix: str, suffix: str, middle: str) -> Path:
    path = tmp_path / "fim.jsonl"
    recorder = RecordingBackend(ScriptedBackend(lambda request, params: middle), path)
    recorder.generate(
        fim_completion_request(prefix, suffix),
        Params(temperature=0.0, max_tokens=160, stop=FIM_STOPS),
    )
    return path


def test_complete_file_line_shows_findings_of_the_touched_function(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "config.py"
    target.write_text(SOURCE, encoding="utf-8")
    lines = SOURCE.splitlines(keepends=True)
    prefix, suffix = "".join(lines[:5]), "".join(lines[5:])
    samples = _record(tmp_path, prefix, suffix, "    return eval(text)\n")
    out = tmp_path / "completed.py"
    code = main(
        [
            "complete",
            f"{target}:6",
            "--backend",
            f"replay:{samples}",
            "--no-dynamic",
            "--format",
            "json",
            "--output",
            str(out),
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["function"] == "load_config" and data["line"] == 6
    assert data["inserted"] == "    return eval(text)\n"
    assert out.read_text(encoding="utf-8") == prefix + "    return eval(text)\n" + suffix
    rules_lines = {(f["rule"], f["line"]) for f in data["findings"]}
    assert rules_lines and all(line == 6 or 4 <= line <= 7 for _, line in rules_lines)
    assert not any(line >= 10 for _, line in rules_lines), "the untouched eval is not shown"


def test_complete_with_prefix_and_suffix_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = "def double(x: int) -> int:\n    return "
    suffix = "\n"
    samples = _record(tmp_path, prefix, suffix, "2 * x")
    code = main(
        [
            "complete",
            "--prefix",
            prefix,
            "--suffix",
            suffix,
            "--backend",
            f"replay:{samples}",
            "--no-dynamic",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "+ 2 * x" in text
    assert "no findings in the completed code" in text


def test_bad_target_is_an_invalid_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["complete", "nofile.py"]) == 2
    assert "FILE:LINE" in capsys.readouterr().err
    target = tmp_path / "a.py"
    target.write_text("x = 1\n", encoding="utf-8")
    assert main(["complete", f"{target}:9"]) == 2
    assert "outside" in capsys.readouterr().err


def test_trim_middle_drops_a_repeated_suffix() -> None:
    assert trim_middle("    return 1\n\nprint(f())\n", "\nprint(f())\n") == "    return 1\n\n"
    assert trim_middle("x + 1", "") == "x + 1"


def _complete_in_config(tmp_path: Path, middle: str, *, finish: str = "stop") -> list[str]:
    target = tmp_path / "config.py"
    target.write_text(SOURCE, encoding="utf-8")
    lines = SOURCE.splitlines(keepends=True)
    samples = _record(tmp_path, "".join(lines[:5]), "".join(lines[5:]), middle)
    if finish != "stop":
        text = samples.read_text(encoding="utf-8")
        samples.write_text(text.replace('"finish_reason": "stop"', f'"finish_reason": "{finish}"'))
    return ["complete", f"{target}:6", "--backend", f"replay:{samples}", "--no-dynamic"]


def test_a_completion_that_does_not_parse_is_never_reported_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _complete_in_config(tmp_path, "    return json.loads(text\n")
    assert main(args) == 1
    text = capsys.readouterr().out
    assert "no findings" not in text and "does not parse" in text
    assert "module level" not in text


def test_a_completion_cut_off_at_the_token_limit_is_never_reported_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _complete_in_config(tmp_path, "    return json.loads(text)\n", finish="length")
    assert '"finish_reason": "length"' in Path(args[3].removeprefix("replay:")).read_text()
    assert main(args) == 1
    text = capsys.readouterr().out
    assert "no findings" not in text and "--max-tokens" in text
    assert main([*args, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["truncated"] is True
