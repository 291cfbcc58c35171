"""`assay check --fix / --diff / --unsafe-fixes`: every fixable rule's example becomes its
"use instead", fixing twice changes nothing, files that do not parse are not touched, the
file's encoding stays, and --diff writes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import assay
from assay.cli import main
from assay.rules import all_rules

#: Rules whose documented example carries a fix; the test below fails if one stops offering it.
FIXABLE_EXAMPLES = {"AS104", "AS201", "AS409"}


def _check(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check", "--offline", "--no-dynamic", "--no-cache", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _fixable_rules() -> list[str]:
    found = []
    for rule in all_rules():
        if rule.kind == "dynamic":
            continue
        report = assay.check_source(
            rule.docs.example, name="example.py", offline=True, dynamic=False
        )
        if any(f.rule == rule.id and f.autofix is not None for f in report.findings):
            found.append(rule.id)
    return found


def test_the_rules_that_offer_fixes_on_their_examples() -> None:
    assert set(_fixable_rules()) == FIXABLE_EXAMPLES


@pytest.mark.parametrize("rule_id", sorted(FIXABLE_EXAMPLES))
def test_fix_turns_the_example_into_its_use_instead(
    rule_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = assay.rules.get_rule(rule_id).docs
    path = _file(tmp_path, "example.py", docs.example)
    _check([str(path), "--fix", "--exit-zero"], capsys)
    fixed = path.read_text(encoding="utf-8").splitlines()
    wanted = docs.use_instead.splitlines()
    original = docs.example.splitlines()
    changed = [i for i, (old, new) in enumerate(zip(original, fixed, strict=True)) if old != new]
    # The example may show other problems the use-instead also solves by hand (AS201's
    # `utcnow`); every line the fix changed must read as in the use-instead.
    assert changed, f"{rule_id}: --fix changed nothing"
    assert all(fixed[i] == wanted[i] for i in changed), (fixed, wanted)
    report = assay.check_source(path.read_text(encoding="utf-8"), offline=True, dynamic=False)
    assert not [f for f in report.findings if f.rule == rule_id and f.autofix is not None]


def test_fix_is_idempotent_and_reports_fixed_and_remaining(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(
        tmp_path,
        "app.py",
        "import base64\nimport os\n\n\ndef save(path, data):\n"
        "    os.makedirs(path, exists_ok=True)\n    return base64.encodestring(data)\n\n\n"
        "parts = os.path.splitall('/a/b')\n",
    )
    code, _, err = _check([str(path), "--fix"], capsys)
    once = path.read_bytes()
    assert b"exist_ok=True" in once and b"base64.encodebytes(data)" in once
    assert "assay: 2 fixed, 1 remaining" in err and code == 1  # splitall has no fix
    code, _, err = _check([str(path), "--fix"], capsys)
    assert path.read_bytes() == once and "assay: 0 fixed, 1 remaining" in err


def test_a_file_that_does_not_parse_is_not_touched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.py"
    text = "import os\nos.makedirs('x', exists_ok=True)\ndef broken(:\n"
    path.write_text(text, encoding="utf-8")
    code, _, err = _check([str(path), "--fix"], capsys)
    assert path.read_text(encoding="utf-8") == text
    assert code == 1 and "0 fixed" in err


def test_the_encoding_and_byte_order_mark_stay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfimport os\r\nos.makedirs('\xc3\xa9', exists_ok=True)\r\n")
    latin = tmp_path / "latin.py"
    latin.write_bytes(
        b"# -*- coding: latin-1 -*-\nimport os\nos.makedirs('\xe9', exists_ok=True)\n"
    )
    _check([str(bom), str(latin), "--fix"], capsys)
    assert (
        bom.read_bytes() == b"\xef\xbb\xbfimport os\r\nos.makedirs('\xc3\xa9', exist_ok=True)\r\n"
    )
    assert latin.read_bytes().endswith(b"os.makedirs('\xe9', exist_ok=True)\n")


def test_diff_prints_the_change_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "app.py"
    text = "import os\n\nos.makedirs('x', exists_ok=True)\n"
    path.write_text(text, encoding="utf-8")
    code, out, err = _check([str(path), "--diff"], capsys)
    assert code == 1 and path.read_text(encoding="utf-8") == text
    assert "-os.makedirs('x', exists_ok=True)\n+os.makedirs('x', exist_ok=True)\n" in out
    assert "would fix 1 finding(s) in 1 file(s)" in err
    path.write_text(text.replace("exists_ok", "exist_ok"), encoding="utf-8")
    assert _check([str(path), "--diff"], capsys)[:2] == (0, "")


def test_unsafe_fixes_wait_for_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "app.py"
    text = "import os\n\nbase = os.path.join('a', 'b')  # assay: ignore[AS102]\n"
    path.write_text(text, encoding="utf-8")
    # With AS102 left out, its suppression is reported, but removing it is an unsafe fix.
    _, _, err = _check([str(path), "--fix", "--ignore", "AS102"], capsys)
    assert path.read_text(encoding="utf-8") == text
    assert "(1 more fixable with --unsafe-fixes)" in err
    _check([str(path), "--fix", "--ignore", "AS102", "--unsafe-fixes"], capsys)
    assert path.read_text(encoding="utf-8") == "import os\n\nbase = os.path.join('a', 'b')\n"


def test_yaml_load_without_a_loader_becomes_safe_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(
        tmp_path,
        "conf.py",
        "import yaml\n\n\ndef read(path):\n    with open(path) as fh:\n        return yaml.load(fh)\n"
        "\n\ndef chosen(path):\n    with open(path) as fh:\n"
        "        return yaml.load(fh, Loader=yaml.FullLoader)\n",
    )
    _check([str(path), "--fix", "--exit-zero"], capsys)
    text = path.read_text(encoding="utf-8")
    assert "return yaml.safe_load(fh)\n" in text
    assert "yaml.load(fh, Loader=yaml.FullLoader)" in text, "a chosen Loader is a person's call"


def test_yaml_load_of_a_constant_file_is_fixed_through_bandit_b506(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No data flow for AS307 to report here; Bandit's B506 (AS300) carries the same fix.
    text = 'import yaml\n\nwith open("config.yml") as fh:\n    config = yaml.load(fh)\n'
    path = _file(tmp_path, "conf.py", text)
    _, _, err = _check([str(path), "--fix"], capsys)
    assert path.read_text(encoding="utf-8") == text.replace("yaml.load(", "yaml.safe_load(")
    assert "assay: 1 fixed, 0 remaining" in err


def test_standard_input_comes_back_fixed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("import os\nos.makedirs('x', exists_ok=True)\n"))
    code, out, _ = _check(["-", "--fix", "--stdin-filename", "app.py"], capsys)
    assert (code, out) == (0, "import os\nos.makedirs('x', exist_ok=True)\n")


def test_fixable_findings_are_marked_as_ruff_marks_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, "app.py", "import os\n\nos.makedirs('x', exists_ok=True)\n")
    _, out, _ = _check([str(path), "--output-format", "concise"], capsys)
    assert f"{path}:3:1: AS104 [*] `os.makedirs(...)`" in out
    assert out.endswith("[*] 1 fixable with --fix\n")
    _, text, _ = _check([str(path)], capsys)
    assert "AS104 [error] [*] `os.makedirs(...)`" in text and "[*] 1 fixable with --fix" in text


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    from assay.cli._fix import fix_inputs, write_fixed
    from assay.config import Settings

    path = _file(tmp_path, "app.py", "import os\n\nos.makedirs('x', exists_ok=True)\n")
    result = fix_inputs(
        [str(path)], settings=Settings(offline=True), select=None, ignore=None, python=None,
        unsafe=False,
    )  # fmt: skip
    assert result.fixed == 1 and result.changed == [str(path)]
    path.write_text("edited meanwhile\n", encoding="utf-8")
    assert write_fixed(result) == [str(path)]
    assert path.read_text(encoding="utf-8") == "edited meanwhile\n"
