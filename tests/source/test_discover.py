"""Directories recurse over .py files, honour .gitignore and excludes; missing paths are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.errors import SourceError
from assay.source.discover import collect, project_modules, read_text_file


def _tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_recurses_and_honours_gitignore_and_excludes(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "a.py": "x = 1\n",
            "pkg/b.py": "y = 2\n",
            "pkg/generated/c.py": "z = 3\n",
            "pkg/.gitignore": "generated/\n",
            "notes.txt": "not python\n",
            "vendor/d.py": "w = 4\n",
            ".venv/e.py": "v = 5\n",
        },
    )
    found = [
        Path(item.display_path).relative_to(tmp_path).as_posix()
        for item in collect([str(tmp_path)], exclude=["vendor/"])
    ]
    assert found == ["a.py", "pkg/b.py"]


def test_missing_path_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="nope.py"):
        collect([str(tmp_path / "nope.py")])


def test_undecodable_file_is_kept_with_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(b"x = '\xff'\n")
    (item,) = collect([str(path)])
    assert item.text is None and item.read_error and "UTF-8" in item.read_error


def test_project_modules_include_packages_and_siblings(tmp_path: Path) -> None:
    _tree(tmp_path, {"app/__init__.py": "", "app/core.py": "", "helpers.py": "", "main.py": ""})
    modules = project_modules(collect([str(tmp_path / "main.py"), str(tmp_path / "app/core.py")]))
    assert {"app", "helpers", "main", "core"} <= modules


def test_a_named_file_that_is_not_utf8_is_a_source_error_with_the_remedy(tmp_path: Path) -> None:
    broken = tmp_path / "latin1.py"
    broken.write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(SourceError, match=r"latin1\.py.*readable UTF-8 text file"):
        read_text_file(broken)
    with pytest.raises(SourceError, match=r"nope\.py"):
        read_text_file(tmp_path / "nope.py")
    good = tmp_path / "ok.py"
    good.write_text("x = 'café'\n", encoding="utf-8")
    assert read_text_file(good) == "x = 'café'\n"
