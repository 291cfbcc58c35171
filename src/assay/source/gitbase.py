"""A checked file as it was at another git revision (for ``assay check --base REV``).

`file_at(revision, path)` returns the file's text at `revision`, or None when the file did
not exist there (a new file has nothing to compare with). A revision that git does not know,
or a path outside any git work tree, raises `InvalidArgument`: with ``--base`` the user asked
for a comparison, and silently comparing with nothing would hide every finding.

git runs as a subprocess with a fixed argument list (no shell), ``-C`` the file's directory,
and a bounded time.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from assay.errors import InvalidArgument

__all__ = ["check_revision", "file_at", "messages_since", "repository_root"]

_TIMEOUT_S = 20.0


def _git(directory: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(directory), *arguments],
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError as error:
        raise InvalidArgument(
            "--base needs git, which is not installed (or not on PATH); install git or drop --base"
        ) from error
    except subprocess.TimeoutExpired as error:
        raise InvalidArgument(
            f"git {' '.join(arguments)} in {directory} took more than {_TIMEOUT_S:.0f} s"
        ) from error


@cache
def repository_root(directory: Path) -> Path:
    """The top of the git work tree containing `directory`.

    Raises:
        InvalidArgument: `directory` is not inside a git work tree.
    """
    done = _git(directory, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise InvalidArgument(
            f"--base compares with git history, but {directory} is not inside a git "
            f"repository ({done.stderr.decode(errors='replace').strip()})"
        )
    return Path(done.stdout.decode().strip())


@cache
def _verified(root: Path, revision: str) -> str:
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if done.returncode != 0:
        raise InvalidArgument(
            f"--base {revision!r} is not a commit in {root}; use a branch, tag or commit "
            "hash (e.g. --base main or --base HEAD~1)"
        )
    return done.stdout.decode().strip()


def file_at(revision: str, path: Path) -> str | None:
    """The text of `path` at `revision`, or None when the file did not exist there.

    Raises:
        InvalidArgument: git is missing, `path` is not in a git work tree, or `revision`
            is not a commit.
    """
    if revision.startswith("-"):
        raise InvalidArgument(f"--base {revision!r} must name a revision, not an option")
    resolved = path.resolve()
    root = repository_root(resolved.parent)
    commit = _verified(root, revision)
    relative = resolved.relative_to(root).as_posix()
    done = _git(root, "show", f"{commit}:{relative}")
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace")


def messages_since(revision: str, path: Path) -> str:
    """The messages of the commits after `revision` up to HEAD, in the repository holding
    `path` (what a behaviour diff against `revision` reads for declared changes).

    Raises:
        InvalidArgument: git is missing, `path` is not in a git work tree, or `revision`
            is not a commit.
    """
    if revision.startswith("-"):
        raise InvalidArgument(f"--base {revision!r} must name a revision, not an option")
    root = repository_root(path.resolve().parent)
    commit = _verified(root, revision)
    done = _git(root, "log", "--format=%B", f"{commit}..HEAD")
    return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else ""


def check_revision(revision: str, paths: Iterable[Path]) -> None:
    """Fail early, before any rule runs, when `revision` cannot be compared with.

    Checks the git work tree of the first of `paths` (files being checked); does nothing
    when none of them is a file on disk (source text has no history).

    Raises:
        InvalidArgument: git is missing, the files are not in a git work tree, or
            `revision` is not a commit there.
    """
    if revision.startswith("-"):
        raise InvalidArgument(f"--base {revision!r} must name a revision, not an option")
    for path in paths:
        if path.is_file():
            root = repository_root(path.resolve().parent)
            _verified(root, revision)
            return
