"""Turn the paths a user names into the Python files assay checks.

Directories are walked recursively for ``.py`` files, honouring every ``.gitignore`` on the
way down plus the configured excludes; ``-`` means standard input. A path that does not
exist is an error (never silently nothing).

The walk distrusts the tree it is given: only regular files are opened (a FIFO would block and
a device never ends), no file is read past a size cap, a symlink inside a checked directory
is not followed out of the checked paths (unless `follow_symlinks`), a directory reached
twice on one path (a symlink loop) is reported, and every file or directory that cannot be
read or listed is a `SourceInput` with a `read_error` — an ``errors`` entry of the report,
never a crash and never a silent skip.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assay.config import MAX_FILE_BYTES
from assay.errors import SourceError

if TYPE_CHECKING:
    # pathspec costs a start-up its import (~20 ms) even when a single file is checked;
    # it is imported where the patterns are built.
    import pathspec

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


_LINK_OUT = (
    "a symlink leading outside the checked paths; not followed "
    "(set follow-symlinks = true in [tool.assay] to check what it points to)"
)

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
    paths: Sequence[str],
    *,
    exclude: Iterable[str] = (),
    stdin_name: str = "-",
    max_file_bytes: int = MAX_FILE_BYTES,
    follow_symlinks: bool = False,
) -> list[SourceInput]:
    """The files to check for `paths`, in a stable order.

    A named path is read even when it is a symlink (the user named it); inside a named
    directory, a symlink whose target is outside every named path is listed with a read
    error unless `follow_symlinks`. Files over `max_file_bytes` are listed with a read error.

    Raises:
        SourceError: a path does not exist.
    """
    exclude_spec: pathspec.GitIgnoreSpec | None = None  # built for the first directory
    named = [Path(raw) for raw in paths if raw != "-"]
    within = [Path(os.path.realpath(path)) for path in named]
    inputs: list[SourceInput] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            inputs.append(_read_stdin(stdin_name, max_file_bytes))
            continue
        path = Path(raw)
        if not os.path.lexists(path):
            raise SourceError(f"{raw!r} does not exist; pass a .py file, a directory, or '-'")
        if path.is_dir():
            if exclude_spec is None:
                exclude_spec = _gitignore_spec(exclude)
            found = list(_walk(path, exclude_spec, within, follow_symlinks=follow_symlinks))
        else:
            # A named file, a dangling or looping link, a FIFO: `_read` reports each.
            found = [(path, None)]
        for file, problem in found:
            key = os.path.realpath(file) if problem is None else file.as_posix()
            if key in seen:
                continue
            seen.add(key)
            if problem is not None:
                inputs.append(SourceInput(file.as_posix(), None, file, problem))
            else:
                inputs.append(_read(file, max_bytes=max_file_bytes))
    return inputs


def _read_stdin(name: str, max_bytes: int) -> SourceInput:
    # Bounded like a file: `assay check - < /dev/zero` must not read until memory runs out.
    text = sys.stdin.read(max_bytes + 1)
    if len(text) > max_bytes:
        return SourceInput(name, None, None, _over_cap(None, max_bytes))
    return SourceInput(name, text, None)


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


def _over_cap(size: int | None, max_bytes: int) -> str:
    what = "more than" if size is None else f"{size:,} bytes is over"
    return (
        f"{what} the {max_bytes:,}-byte limit for one file; not read "
        "(raise max-file-bytes in [tool.assay] to check it)"
    )


def _read(
    file: Path, display: str | None = None, *, max_bytes: int = MAX_FILE_BYTES
) -> SourceInput:
    shown = display if display is not None else file.as_posix()
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            # A FIFO would block forever and a device would never end.
            return SourceInput(shown, None, file, "not a regular file (a device, FIFO or socket)")
        if info.st_size > max_bytes:
            return SourceInput(shown, None, file, _over_cap(info.st_size, max_bytes))
        # O_NONBLOCK: if the file was swapped for a FIFO since the stat, opening it must not
        # wait for a writer; the read below is capped whatever the file turned into.
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return SourceInput(
                    shown, None, file, "not a regular file (a device, FIFO or socket)"
                )
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            return SourceInput(shown, None, file, _over_cap(None, max_bytes))
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
        return SourceInput(shown, None, file, f"cannot read: {error.strerror or error}")


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
    root: Path,
    relatives: Sequence[str],
    *,
    exclude: Iterable[str] = (),
    max_file_bytes: int = MAX_FILE_BYTES,
) -> list[SourceInput]:
    """The files to check for paths relative to `root`, never reading outside it.

    Each path is resolved inside `root` (`resolve_under_root`); in a directory, a file whose
    real path is outside `root` (a symlink out) is listed with a read error, not read.
    Reports show paths relative to `root`, so the server's own layout is not disclosed.

    Raises:
        SourceError: a path is absolute, climbs out with ``..``, or does not exist.
    """
    base = root.resolve()
    exclude_spec = _gitignore_spec(exclude)
    inputs: list[SourceInput] = []
    seen: set[str] = set()
    for relative in relatives:
        start = resolve_under_root(base, relative)
        found: list[tuple[Path, str | None]] = (
            [(start, None)]
            if not start.is_dir()
            else list(_walk(start, exclude_spec, [base], follow_symlinks=False))
        )
        for file, problem in found:
            real = Path(os.path.realpath(file))
            key = real.as_posix() if problem is None else file.as_posix()
            if key in seen:
                continue
            seen.add(key)
            try:
                shown = file.relative_to(base).as_posix()
            except ValueError:
                shown = file.name
            if problem is not None:
                inputs.append(SourceInput(shown, None, None, problem))
            elif not real.is_relative_to(base):
                inputs.append(SourceInput(shown, None, None, "a link out of the server's root"))
            else:
                inputs.append(_read(real, shown, max_bytes=max_file_bytes))
    return inputs


def _gitignore_spec(lines: Iterable[str]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(lines))


def _walk(
    root: Path,
    exclude_spec: pathspec.GitIgnoreSpec,
    within: Sequence[Path],
    *,
    follow_symlinks: bool,
) -> Iterator[tuple[Path, str | None]]:
    """The ``.py`` files under `root`, each with None or the reason it cannot be read.

    Depth first in name order (a directory's files, then its sub-directories). Every
    directory that cannot be listed, every symlink out of `within` (unless
    `follow_symlinks`) and every symlink loop comes out as a path with its reason.
    """
    ignore_specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
    # Each pending directory carries the identities (device, inode) of the directories on
    # its path from `root`: meeting one of them again is a loop, not more files.
    pending: list[tuple[Path, frozenset[tuple[int, int]]]] = []
    try:
        pending.append((root, frozenset({_identity(root)})))
    except OSError as error:
        yield root, f"cannot read this directory: {error.strerror or error}"
    while pending:
        directory, ancestors = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            yield (
                directory,
                (
                    f"cannot list this directory: {error.strerror or error}; its files are not "
                    "checked (fix its permissions or exclude it)"
                ),
            )
            continue
        gitignore = next((e for e in entries if e.name == ".gitignore"), None)
        if gitignore is not None and not gitignore.is_dir():
            lines, problem = _gitignore_lines(Path(gitignore.path))
            if problem is not None:
                yield Path(gitignore.path), problem
            ignore_specs.append((directory, _gitignore_spec(lines)))
        subdirs: list[tuple[Path, frozenset[tuple[int, int]]]] = []
        for entry in entries:
            child = Path(entry.path)
            try:
                linked = entry.is_symlink()
                is_dir = entry.is_dir()
            except OSError as error:
                yield child, f"cannot read: {error.strerror or error}"
                continue
            if is_dir:
                if entry.name in _ALWAYS_SKIPPED or _ignored(
                    child, root, ignore_specs, exclude_spec, True
                ):
                    continue
                if linked and not follow_symlinks:
                    if not _inside(child, within):
                        yield child, _LINK_OUT
                    # A link to a directory inside the checked paths: its files are
                    # checked where they really are.
                    continue
                try:
                    identity = _identity(child)
                except OSError as error:
                    yield child, f"cannot read this directory: {error.strerror or error}"
                    continue
                if identity in ancestors:
                    yield (
                        child,
                        ("a symlink loop (it leads back to a directory above it); not followed"),
                    )
                    continue
                subdirs.append((child, ancestors | {identity}))
            elif entry.name.endswith(".py") and not _ignored(
                child, root, ignore_specs, exclude_spec, False
            ):
                if linked and not follow_symlinks and not _inside(child, within):
                    yield child, _LINK_OUT
                else:
                    # Not a regular file, a dangling link, a link loop: `_read` says which.
                    yield child, None
        pending.extend(reversed(subdirs))


def _identity(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino


def _inside(path: Path, within: Sequence[Path]) -> bool:
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(base) for base in within)


_MAX_GITIGNORE_BYTES = 1_000_000


def _gitignore_lines(path: Path) -> tuple[list[str], str | None]:
    """The lines of a ``.gitignore``, or none and why it could not be honoured."""
    item = _read(path, max_bytes=_MAX_GITIGNORE_BYTES)
    if item.text is None:
        return [], f"this .gitignore cannot be honoured: {item.read_error}"
    return item.text.splitlines(), None


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
        path = Path(os.path.realpath(item.path))
        names.add(path.stem)
        parent = path.parent
        while _exists(parent / "__init__.py"):
            names.add(parent.name)
            parent = parent.parent
        if parent in scanned:
            continue
        scanned.add(parent)
        try:
            siblings = list(os.scandir(parent))
        except OSError:
            # Only the names of sibling modules are lost (imports of them may then be
            # reported); every unreadable checked file is already an `errors` entry.
            continue
        for sibling in siblings:
            if sibling.name.endswith(".py"):
                names.add(sibling.name[:-3])
            elif sibling.is_dir() and _exists(Path(sibling.path) / "__init__.py"):
                names.add(sibling.name)
    return frozenset(names)


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError:
        return False
    return True
