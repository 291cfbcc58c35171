"""`assay diff` from the command line: exit codes, the JSON contract (golden file), the
renderers, ``--base REV`` on a temporary git repository, and `assay check --base` reporting
behaviour changes. Regenerate the golden file after an intended change with
``pytest tests/cli/test_diff_cli.py --update-golden`` and review the diff."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from assay.cli import main

GOLDEN = Path(__file__).parent / "golden" / "diff.json"
OLD = """def total(prices: list[int]) -> int:
    result = 0
    for price in prices:
        result += price
    return result


def mean(values: list[float]) -> float | None:
    if not values:
        return None
    return sum(values) / len(values)


def evens(xs: list[int]) -> list[int]:
    return [x for x in xs if x % 2 == 0]
"""
NEW = """def total(prices: list[int]) -> int:
    return sum(prices)


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values)


def even_numbers(xs: list[int]) -> list[int]:
    return [x for x in xs if x % 2 == 0]
"""
QUICK = ["--no-performance", "--no-symbolic", "--budget", "24"]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _files(directory: Path, old: str = OLD, new: str = NEW) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "old.py").write_text(old, encoding="utf-8")
    (directory / "new.py").write_text(new, encoding="utf-8")
    return [str(directory / "old.py"), str(directory / "new.py")]


def test_json_contract_matches_golden(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], update_golden: bool
) -> None:
    code, out, _ = _run([*_files(tmp_path), *QUICK, "--format", "json"], capsys)
    assert code == 1
    document: dict[str, Any] = json.loads(out)
    assert {"schema_version", "pairs", "errors"} <= set(document)
    rendered = json.dumps(document, indent=2) + "\n"
    if update_golden:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert GOLDEN.is_file(), f"{GOLDEN} is missing; run pytest --update-golden"
    assert rendered == GOLDEN.read_text(encoding="utf-8")


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    same = _files(tmp_path / "same", OLD, OLD)
    assert _run([*same, *QUICK], capsys)[0] == 0
    declared = _files(tmp_path / "declared", OLD, NEW)
    code, out, _ = _run([*declared, *QUICK, "--allow-change", "mean"], capsys)
    assert code == 0 and "declared by --allow-change" in out
    # A new version that does not parse differs (at import); an old one is assay's failure.
    broken = _files(tmp_path / "broken", OLD, "def broken(:\n")
    assert _run([*broken, *QUICK], capsys)[0] == 1
    unreadable = _files(tmp_path / "unreadable", "def broken(:\n", OLD)
    assert _run([*unreadable, *QUICK], capsys)[0] == 2
    assert _run([declared[0], *QUICK], capsys)[0] == 2
    assert _run([*declared, *QUICK, "--format", "yaml"], capsys)[0] == 2


@pytest.mark.parametrize("fmt", ["text", "sarif", "html", "markdown"])
def test_renderers_show_the_counterexample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, out, _ = _run([*_files(tmp_path), *QUICK, "--format", fmt], capsys)
    assert code == 1
    assert "AS702" in out and "mean([])" in out


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=assay",
            "-c",
            "user.email=a@example.invalid",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "stats.py").write_text(OLD, encoding="utf-8")
    (repo / "test_stats.py").write_text(
        "from stats import total\n\n\ndef test_total():\n    assert total([19, 23]) == 42\n",
        encoding="utf-8",
    )
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base")
    (repo / "stats.py").write_text(NEW, encoding="utf-8")
    return repo


def test_base_compares_with_the_git_revision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repository(tmp_path)
    code, out, _ = _run(
        ["--base", "HEAD", str(repo / "stats.py"), *QUICK, "--format", "json"], capsys
    )
    assert code == 1
    document = json.loads(out)
    pairs = {p["new"]: p for p in document["pairs"]}
    assert pairs["mean"]["counterexamples"][0]["input"] == "mean([])"
    assert pairs["total"]["equivalent"]
    assert all(p["path"] == str(repo / "stats.py") for p in document["pairs"])
    code, _, err = _run(["--base", "no-such-rev", str(repo / "stats.py"), *QUICK], capsys)
    assert code == 2 and "no-such-rev" in err


def test_check_base_reports_behaviour_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repository(tmp_path)
    code = main(
        [
            "check",
            "--offline",
            "--base",
            "HEAD",
            "--select",
            "AS702",
            "--format",
            "json",
            str(repo / "stats.py"),
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    (finding,) = report["findings"]
    assert finding["rule"] == "AS702" and finding["evidence"]["input"] == "mean([])"
    assert any("total equivalent on" in note for note in report["notes"])


def test_a_commit_message_declares_a_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repository(tmp_path)
    _git(repo, "commit", "-qam", "Simplify stats\n\nBehaviour change: mean raises on no values.")
    code, out, _ = _run(
        ["--base", "HEAD~1", str(repo / "stats.py"), *QUICK, "--format", "json"], capsys
    )
    assert code == 0
    mean = next(p for p in json.loads(out)["pairs"] if p["new"] == "mean")
    assert mean["declared"] and mean["declared_by"] == "commit message"
