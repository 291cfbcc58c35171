# Assistant: "Here's a small utility module for organising downloaded files.
# It splits paths into their components, creates the target folders and
# reads a manifest file. Everything uses the standard library."
import json
import os
import shutil
from pathlib import Path


def path_components(path: str) -> list[str]:
    """Return every component of `path`, e.g. '/usr/local/bin' -> ['usr', 'local', 'bin']."""
    # os.path.splitall handles both separators on every platform
    return [part for part in os.path.splitall(path) if part]


def ensure_folder(folder: str) -> None:
    """Create `folder` (and its parents) if it does not exist yet."""
    os.makedirs(folder, exists_ok=True)


def load_manifest(folder: str) -> dict:
    """Read manifest.json from `folder`."""
    return json.parse(Path(folder, "manifest.json").read())


def archive(folder: str, target: str) -> str:
    """Zip `folder` into `target`.zip and return the archive path."""
    return shutil.make_archive(target, "zip", root_dir=folder, compression_level=9)
