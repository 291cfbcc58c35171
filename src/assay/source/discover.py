"""Turn the paths a user names into the Python files assay checks.

Directories are walked recursively for ``.py`` files, honouring every ``.gitignore`` on the
way down plus the configured excludes; ``-`` means standard input. A path that does not
exist is an error (never silently nothing).
"""

from __future__ import annotations

import io
import os
import stat
import sys
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pathspec

from assay.errors import SourceError

__all__ = [
    "MAX_FILE_BYTES",
    "SourceInput",
    "collect",
    "collect_under_root",
    "decode_source",
    "project_modules",
    "read_text_file",
    "resolve_under_root",
]

MAX_FILE_BYTES = 5_000_000
"""Files larger than this are reported, not read: no hand-written module is this large, and
reading a device or a generated blob whole would exhaust memory."""

_ALWAYS_SKIPPED = {
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "node_modules",
    ".eggs",
}


@dataclass(frozen=True)
class SourceInput:
    """One file to check: how it is shown in reports, its text, and where it lives."""

    display_path: str
    text: str | None
    path: Path | None
    read_error: str | None = None


def collect(
    paths: Sequence[str], *, exclude: Iterable[str] = (), stdin_name: str = "-"
) -> list[SourceInput]:
    """The files to check for `paths`, in a stable order.

    Raises:
        SourceError: a path does not exist.
    """
    exclude_spec = pathspec.GitIgnoreSpec.from_lines(list(exclude))
    inputs: list[SourceInput] = []
    seen: set[Path] = set()
    for raw in paths:
        if raw == "-":
            inputs.append(SourceInput(stdin_name, sys.stdin.read(), None))
            continue
        path = Path(raw)
        if not path.exists():
            raise SourceError(f"{raw!r} does not exist; pass a .py file, a directory, or '-'")
        if path.is_file():
            files = [path]
        else:
            files = list(_walk(path, exclude_spec))
        for file in files:
            resolved = file.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            inputs.append(_read(file))
    return inputs


def read_text_file(path: Path) -> str:
    """The text of a file a command was given by name (a task, a candidate, a target).

    Raises:
        SourceError: it cannot be read or is not UTF-8 text.
    """
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(
            f"cannot read {path}: {error}; pass a readable UTF-8 text file"
        ) from error


def decode_source(data: bytes) -> str:
    """The text of Python source bytes, decoded as the interpreter does (`tokenize.open`):
    a UTF-8 byte-order mark is dropped and a PEP 263 coding line (``# -*- coding: latin-1
    -*-``) names the encoding; otherwise UTF-8.

    Raises:
        SyntaxError: the coding line names an unknown encoding, or contradicts the BOM.
        UnicodeDecodeError: the bytes are not valid in the declared encoding.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        # tokenize also says "invalid or missing encoding declaration" for a first line
        # that is simply not UTF-8; decoding names the byte and the reason instead.
        data.decode("utf-8")
        raise
    # detect_encoding answers "utf-8-sig" for a BOM, which strips it while decoding; a str
    # that still began with U+FEFF would not parse.
    return data.decode(encoding)


def _read(file: Path, display: str | None = None) -> SourceInput:
    shown = display if display is not None else file.as_posix()
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            # A FIFO would block forever and a device would never end.
            return SourceInput(shown, None, file, "not a regular file (a device, FIFO or socket)")
        if info.st_size > MAX_FILE_BYTES:
            return SourceInput(
                shown,
                None,
                file,
                f"{info.st_size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit for one file",
            )
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return SourceInput(
                shown, None, file, f"grew past the {MAX_FILE_BYTES:,}-byte limit while read"
            )
        return SourceInput(shown, decode_source(data), file)
    except UnicodeDecodeError as error:
        encoding = "UTF-8" if error.encoding.startswith("utf-8") else error.encoding
        return SourceInput(
            shown,
            None,
            file,
            f"not {encoding} text ({error.reason}); save it as UTF-8 or declare its encoding "
            "in a PEP 263 coding line",
        )
    except SyntaxError as error:
        # tokenize's words for an unknown codec or a coding line that contradicts the BOM.
        return SourceInput(shown, None, file, f"{error.msg}; fix or remove the coding line")
    except OSError as error:
        return SourceInput(shown, None, file, f"cannot read: {error.strerror}")


def resolve_under_root(root: Path, relative: str) -> Path:
    """`relative` resolved inside `root`, for services that may only read below one folder.

    Raises:
        SourceError: `relative` is absolute, has a ``..`` part, does not exist, or leads
            (through a symlink) outside `root`.
    """
    if not relative or "\x00" in relative:
        raise SourceError("an empty path or one with a NUL byte names no file under the root")
    parts = Path(relative).parts
    if Path(relative).is_absolute() or relative.startswith(("/", "\\")) or ".." in parts:
        raise SourceError(
            f"{relative!r} must be a path relative to the server's root, without '..'"
        )
    base = root.resolve()
    try:
        resolved = (base / relative).resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise SourceError(f"{relative!r} does not exist under the server's root") from error
    if not resolved.is_relative_to(base):
        raise SourceError(f"{relative!r} leads outside the server's root; it is not checked")
    return resolved


def collect_under_root(
    root: Path, relatives: Sequence[str], *, exclude: Iterable[str] = ()
) -> list[SourceInput]:
    """The files to check for paths relative to `root`, never reading outside it.

    Each path is resolved inside `root` (`resolve_under_root`); in a directory, a file whose
    real path is outside `root` (a symlink out) is listed with a read error, not read.
    Reports show paths relative to `root`, so the server's own layout is not disclosed.

    Raises:
        SourceError: a path is absolute, climbs out with ``..``, or does not exist.
    """
    base = root.resolve()
    exclude_spec = pathspec.GitIgnoreSpec.from_lines(list(exclude))
    inputs: list[SourceInput] = []
    seen: set[Path] = set()
    for relative in relatives:
        start = resolve_under_root(base, relative)
        files = [start] if not start.is_dir() else list(_walk(start, exclude_spec))
        for file in files:
            real = file.resolve()
            if real in seen:
                continue
            seen.add(real)
            try:
                shown = file.relative_to(base).as_posix()
            except ValueError:
                shown = file.name
            if not real.is_relative_to(base):
                inputs.append(SourceInput(shown, None, None, "a link out of the server's root"))
                continue
            inputs.append(_read(real, shown))
    return inputs


def _walk(root: Path, exclude_spec: pathspec.GitIgnoreSpec) -> Iterable[Path]:
    ignore_specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
    for directory, subdirs, filenames in _sorted_walk(root):
        gitignore = directory / ".gitignore"
        if gitignore.is_file():
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
            ignore_specs.append((directory, pathspec.GitIgnoreSpec.from_lines(lines)))
        kept = []
        for name in subdirs:
            child = directory / name
            if name in _ALWAYS_SKIPPED or _ignored(child, root, ignore_specs, exclude_spec, True):
                continue
            kept.append(name)
        subdirs[:] = kept
        for name in filenames:
            child = directory / name
            if name.endswith(".py") and not _ignored(
                child, root, ignore_specs, exclude_spec, False
            ):
                yield child


def _sorted_walk(root: Path) -> Iterable[tuple[Path, list[str], list[str]]]:
    for directory, subdirs, filenames in os.walk(root):
        subdirs.sort()
        yield Path(directory), subdirs, sorted(filenames)


def _ignored(
    path: Path,
    root: Path,
    ignore_specs: list[tuple[Path, pathspec.GitIgnoreSpec]],
    exclude_spec: pathspec.GitIgnoreSpec,
    is_dir: bool,
) -> bool:
    suffix = "/" if is_dir else ""
    relative_to_root = path.relative_to(root).as_posix() + suffix
    if exclude_spec.match_file(relative_to_root) or exclude_spec.match_file(
        path.as_posix() + suffix
    ):
        return True
    for base, spec in ignore_specs:
        try:
            relative = path.relative_to(base).as_posix() + suffix
        except ValueError:
            continue
        if spec.match_file(relative):
            return True
    return False


def project_modules(inputs: Sequence[SourceInput]) -> frozenset[str]:
    """Top-level module names that the checked files themselves provide.

    An import of one of these is the project importing itself, not a hallucination.
    Names come from each file's stem and from every package directory above it (up to
    the first directory without ``__init__.py``), and from a ``src/`` layout.
    """
    names: set[str] = set()
    scanned: set[Path] = set()
    for item in inputs:
        if item.path is None:
            continue
        path = item.path.resolve()
        names.add(path.stem)
        parent = path.parent
        while (parent / "__init__.py").exists():
            names.add(parent.name)
            parent = parent.parent
        if parent in scanned or not parent.is_dir():
            continue
        scanned.add(parent)
        for sibling in parent.iterdir():
            if sibling.suffix == ".py":
                names.add(sibling.stem)
            elif sibling.is_dir() and (sibling / "__init__.py").exists():
                names.add(sibling.name)
    return frozenset(names)
