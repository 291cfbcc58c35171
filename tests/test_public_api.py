"""The public API is explicit about paths and source text: a string passed to `check` is a
path, so a typo is an error, never a clean report; `check_source` never opens a file."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.errors import InvalidArgument, SourceError


def test_a_mistyped_path_is_an_error_not_a_clean_report() -> None:
    with pytest.raises(SourceError, match="does not exist"):
        assay.check("src/asay", offline=True, dynamic=False)


def test_source_text_given_to_check_names_the_function_to_call() -> None:
    with pytest.raises(InvalidArgument, match="check_source"):
        assay.check("import os\nos.path.splitall('a')\n", offline=True, dynamic=False)
    with pytest.raises(InvalidArgument, match="at least one path"):
        assay.check([], offline=True, dynamic=False)


def test_check_source_never_reads_the_file_its_text_names(tmp_path: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("import os\nos.path.splitall('a')\n", encoding="utf-8")
    report = assay.check_source(str(secret), name="given.py", offline=True, dynamic=False)
    assert report.files == ["given.py"]
    assert [f.rule for f in report.findings] == []
    from_file = assay.check(secret, select=["AS102"], offline=True, dynamic=False)
    assert [f.rule for f in from_file.findings] == ["AS102"]


def test_check_under_root_reads_only_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "outside.py").write_text("y = 2\n", encoding="utf-8")
    report = assay.check_under_root(tmp_path / "root", ["a.py"], offline=True, dynamic=False)
    assert report.files == ["a.py"]
    for outside in ("../outside.py", str(tmp_path / "outside.py")):
        with pytest.raises(SourceError):
            assay.check_under_root(tmp_path / "root", [outside], offline=True, dynamic=False)


def test_compare_reads_a_task_only_from_a_path_object(tmp_path: Path) -> None:
    task = tmp_path / "task.py"
    task.write_text('def inc(x):\n    """>>> inc(1)\n    2\n    """\n', encoding="utf-8")
    right = assay.Candidate(code="def inc(x):\n    return x + 1\n", name="right")
    report = assay.compare(task, [right], budget=5)
    assert [v.candidate for v in report.verdicts if v.selected] == ["right"]
    with pytest.raises(InvalidArgument):
        assay.compare(str(task), [right], budget=5)
