"""AS407 (validation removed since --base): a real temporary git repository per test."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import assay
from assay.cli import main
from assay.config import Settings
from assay.errors import InvalidArgument
from assay.rules import get_rule

FIXTURES = Path(__file__).parent / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def _git(repo: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
         *arguments],
        check=True,
        capture_output=True,
    )  # fmt: skip


def _repository(tmp_path: Path, old: str) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "module.py").write_text(old, encoding="utf-8")
    _git(repo, "add", "module.py")
    _git(repo, "commit", "-q", "-m", "base")
    return repo


def _lines(path: Path, base: str | None = "HEAD") -> list[int]:
    report = assay.check(path, settings=Settings(base=base), select=["AS407"], offline=True)
    assert report.errors == [], report.errors
    return sorted(f.line for f in report.findings)


def test_fixture_expectations_against_its_base_version(tmp_path: Path) -> None:
    repo = _repository(tmp_path, (FIXTURES / "AS407.base.py").read_text(encoding="utf-8"))
    new = (FIXTURES / "AS407.py").read_text(encoding="utf-8")
    (repo / "module.py").write_text(new, encoding="utf-8")
    expected = [
        number
        for number, line in enumerate(new.splitlines(), start=1)
        if (m := _EXPECT.search(line)) and "AS407" in m.group(1)
    ]
    assert _lines(repo / "module.py") == expected


def test_evidence_carries_the_old_lines(tmp_path: Path) -> None:
    repo = _repository(tmp_path, (FIXTURES / "AS407.base.py").read_text(encoding="utf-8"))
    (repo / "module.py").write_text((FIXTURES / "AS407.py").read_text(encoding="utf-8"))
    report = assay.check(
        repo / "module.py", settings=Settings(base="HEAD"), select=["AS407"], offline=True
    )
    withdraw = [f for f in report.findings if f.evidence["function"] == "Account.withdraw"]
    assert len(withdraw) == 1
    assert withdraw[0].evidence["old_code"] == (
        "        if amount > self.balance:\n"
        "            raise InsufficientFunds(self.balance, amount)"
    )
    assert withdraw[0].evidence["old_line"] == 5
    assert withdraw[0].evidence["base"] == "HEAD"
    assert withdraw[0].fix


def test_documented_example_fires_against_use_instead_as_base(tmp_path: Path) -> None:
    docs = get_rule("AS407").docs
    repo = _repository(tmp_path, docs.use_instead)
    assert _lines(repo / "module.py") == []
    (repo / "module.py").write_text(docs.example, encoding="utf-8")
    assert _lines(repo / "module.py") == [1]


def test_without_base_or_for_new_files_nothing_is_compared(tmp_path: Path) -> None:
    repo = _repository(tmp_path, "def f(x):\n    if x:\n        raise ValueError\n")
    (repo / "module.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    assert _lines(repo / "module.py", base=None) == []
    (repo / "new.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    assert _lines(repo / "new.py") == []


def test_unknown_revision_is_an_error_not_silence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repository(tmp_path, "def f(x):\n    return x\n")
    with pytest.raises(InvalidArgument, match="'no-such-rev' is not a commit"):
        assay.check(repo / "module.py", settings=Settings(base="no-such-rev"), offline=True)
    code = main(["check", str(repo / "module.py"), "--base", "no-such-rev", "--no-dynamic"])
    assert code == 2
    assert "is not a commit" in capsys.readouterr().err


def test_files_outside_a_repository_cannot_be_compared(tmp_path: Path) -> None:
    (tmp_path / "loose.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    with pytest.raises(InvalidArgument, match="not inside a git repository"):
        assay.check(tmp_path / "loose.py", settings=Settings(base="HEAD"), offline=True)


def test_cli_base_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _repository(
        tmp_path, "def f(x):\n    if x < 0:\n        raise ValueError(x)\n    return x\n"
    )
    (repo / "module.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    code = main(["check", str(repo / "module.py"), "--base", "HEAD", "--select", "AS407",
                 "--no-dynamic", "--offline", "--format", "json"])  # fmt: skip
    assert code == 1
    out = capsys.readouterr().out
    assert '"AS407"' in out and "if x < 0:" in out
