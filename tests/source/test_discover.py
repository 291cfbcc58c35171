"""Directories recurse over .py files, honour .gitignore and excludes; missing paths are errors."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from assay import check
from assay.errors import SourceError
from assay.source.discover import SourceInput, collect, project_modules, read_text_file


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


# --- a walk that distrusts the tree (issue 28 item 5) ---------------------------------------


def _problems(inputs: list[SourceInput], root: Path) -> dict[str, str]:
    return {
        Path(item.display_path).relative_to(root).as_posix(): item.read_error or ""
        for item in inputs
        if item.text is None
    }


def _checked(inputs: list[SourceInput], root: Path) -> list[str]:
    return [
        Path(item.display_path).relative_to(root).as_posix()
        for item in inputs
        if item.text is not None
    ]


def test_symlink_loops_are_errors_not_crashes(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": "x = 1\n", "sub/b.py": "y = 2\n"})
    (tmp_path / "loop.py").symlink_to("loop.py")
    (tmp_path / "sub" / "back").symlink_to("..", target_is_directory=True)
    for follow in (False, True):
        inputs = collect([str(tmp_path)], follow_symlinks=follow)
        assert _checked(inputs, tmp_path) == ["a.py", "sub/b.py"]
        problems = _problems(inputs, tmp_path)
        assert "symbolic links" in problems.pop("loop.py")
        if follow:
            assert "symlink loop" in problems.pop("sub/back")
        assert problems == {}
    (named,) = collect([str(tmp_path / "loop.py")])
    assert named.text is None and "symbolic links" in (named.read_error or "")


def test_links_out_of_the_checked_paths_are_not_followed_unless_allowed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _tree(outside, {"secret.py": "PASSWORD = 'hunter2'\n", "lib/util.py": "z = 3\n"})
    project = tmp_path / "project"
    _tree(project, {"a.py": "x = 1\n", "pkg/b.py": "y = 2\n"})
    (project / "s.py").symlink_to(outside / "secret.py")
    (project / "vendored").symlink_to(outside / "lib", target_is_directory=True)
    (project / "inside.py").symlink_to(project / "pkg" / "b.py")
    (project / "zero.py").symlink_to("/dev/zero")
    os.mkfifo(project / "fifo.py")

    inputs = collect([str(project)])
    assert _checked(inputs, project) == ["a.py", "inside.py"]  # pkg/b.py is inside.py's target
    assert all("hunter2" not in (item.text or "") for item in inputs)
    problems = _problems(inputs, project)
    assert set(problems) == {"fifo.py", "s.py", "vendored", "zero.py"}
    assert "not a regular file" in problems["fifo.py"]
    for linked in ("s.py", "vendored", "zero.py"):
        assert "outside the checked paths" in problems[linked]
        assert "follow-symlinks" in problems[linked]

    followed = collect([str(project)], follow_symlinks=True)
    assert _checked(followed, project) == ["a.py", "inside.py", "s.py", "vendored/util.py"]
    problems = _problems(followed, project)
    assert set(problems) == {"fifo.py", "zero.py"}
    assert "not a regular file" in problems["zero.py"]
    # Named on the command line, a link is the user's choice: read, but only if regular.
    (zero,) = collect([str(project / "zero.py")])
    assert zero.text is None and "not a regular file" in (zero.read_error or "")


class _Locked:
    """Makes one directory unlistable and unstat-able, as it is for a non-root user without
    permission (the tests run as root, where chmod 000 changes nothing)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
        self.locked = str(locked)
        self.scandir = os.scandir
        self.stat = os.stat
        monkeypatch.setattr(os, "scandir", self._scandir)
        monkeypatch.setattr(os, "stat", self._stat)

    def _deny(self, path: object) -> None:
        text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
        if text == self.locked or text.startswith(self.locked + os.sep):
            raise PermissionError(13, "Permission denied", text)

    def _scandir(self, path: Any = ".") -> Any:
        self._deny(path)
        return self.scandir(path)

    def _stat(self, path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        self._deny(os.path.dirname(os.fsdecode(path)) if not isinstance(path, int) else "")
        return self.stat(path, *args, **kwargs)


def test_an_unreadable_directory_is_an_errors_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, {"a.py": "x = 1\n", "locked/b.py": "y = 2\n", "z/c.py": "z = 3\n"})
    _Locked(monkeypatch, tmp_path / "locked")
    inputs = collect([str(tmp_path)])
    assert _checked(inputs, tmp_path) == ["a.py", "z/c.py"]
    problems = _problems(inputs, tmp_path)
    assert list(problems) == ["locked"]
    assert "cannot list this directory: Permission denied" in problems["locked"]
    # A checked file next to it: the project-module scan must not crash either.
    assert project_modules(collect([str(tmp_path / "a.py")])) >= {"a"}


def test_a_gitignore_that_is_not_a_regular_file_is_reported_never_read(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.py": "x = 1\n", "sub/b.py": "y = 2\n"})
    (tmp_path / ".gitignore").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "sub" / ".gitignore")
    inputs = collect([str(tmp_path)])
    assert _checked(inputs, tmp_path) == ["a.py", "sub/b.py"]
    problems = _problems(inputs, tmp_path)
    assert set(problems) == {".gitignore", "sub/.gitignore"}
    assert all("cannot be honoured: not a regular file" in p for p in problems.values())


def test_the_size_cap_is_configurable_and_stated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, {"big.py": "x = 1\n" * 400, "small.py": "y = 2\n"})
    inputs = collect([str(tmp_path)], max_file_bytes=1_000)
    assert _checked(inputs, tmp_path) == ["small.py"]
    message = _problems(inputs, tmp_path)["big.py"]
    assert "2,400 bytes is over the 1,000-byte limit" in message
    assert "max-file-bytes" in message
    assert _checked(collect([str(tmp_path)], max_file_bytes=10_000), tmp_path) == [
        "big.py",
        "small.py",
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("z = 0\n" * 400))
    (stdin,) = collect(["-"], max_file_bytes=1_000)
    assert stdin.text is None and "1,000-byte limit" in (stdin.read_error or "")


def test_the_size_cap_and_symlink_policy_come_from_settings(tmp_path: Path) -> None:
    _tree(tmp_path, {"big.py": "x = 1\n" * 400, "ok.py": "y = 2\n"})
    (tmp_path / "pyproject.toml").write_text(
        "[tool.assay]\nmax-file-bytes = 1000\n", encoding="utf-8"
    )
    report = check(str(tmp_path), dynamic=False, offline=True)
    assert [(Path(e.path).name, e.kind) for e in report.errors] == [("big.py", "read")]
    assert "1,000-byte limit" in report.errors[0].message
