"""Paths as CI systems want them: relative to the repository root, with forward slashes.

GitHub resolves SARIF URIs against the checkout, GitLab opens `location.path` in the merge
request's tree; both need the path from the repository root whatever directory assay ran
in and however the path was typed. Pure string work: nothing is read from disk.
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath

__all__ = ["repository_path"]


def repository_path(
    path: str, root: PurePosixPath | None, cwd: PurePosixPath | None
) -> tuple[str, bool]:
    """`path` relative to the repository `root` (True), or, for a file outside it, an
    absolute path or one climbing out with ``..`` (False). A relative `path` is taken as
    relative to `cwd` (or, without one, to the root already)."""
    pure = PurePosixPath(path.replace("\\", "/"))
    if not pure.is_absolute() and cwd is not None:
        pure = cwd / pure
    if pure.is_absolute():
        normal = PurePosixPath(posixpath.normpath(pure.as_posix()))
        if root is not None and normal.is_relative_to(root):
            return normal.relative_to(root).as_posix(), True
        return normal.as_posix(), False
    relative = posixpath.normpath(pure.as_posix())
    return relative, not (relative == ".." or relative.startswith("../"))
