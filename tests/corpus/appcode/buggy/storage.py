"""Report files: safe names, atomic writes under a reports directory, sizes for humans."""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def safe_filename(name: str, *, max_length: int = 100) -> str:
    """A file name without path separators or shell-hostile characters.

    >>> safe_filename("Q3 report: EU/US.csv")
    'Q3_report_EU_US.csv'
    """
    cleaned = _UNSAFE.sub("_", name).strip("._")[:max_length]
    if not cleaned:
        raise ValueError(f"no usable characters in file name {name!r}")
    return cleaned


def human_size(num_bytes: int) -> str:
    """Binary-prefixed size.

    >>> human_size(0)
    '0 B'
    >>> human_size(1536)
    '1.5 KiB'
    """
    if num_bytes < 0:
        raise ValueError("size cannot be negative")
    exponent = min(int(math.log(num_bytes, 1024)), len(UNITS) - 1)
    size = num_bytes / 1024**exponent
    unit = UNITS[exponent]
    return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"


def _atomic_write(target: str, data: bytes) -> None:
    # Write beside the target and rename, so readers never see half a file.
    directory = os.path.dirname(target) or "."
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def save_snapshot(directory: str, name: str, counts: dict[str, int]) -> str:
    """Write `counts` as JSON to `directory/name.json` and return the file's path."""
    target = os.path.join(directory, safe_filename(name) + ".json")
    _atomic_write(target, json.dumps(counts, sort_keys=True).encode("utf-8"))
    return target


def write_report(directory: Path, name: str, content: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / safe_filename(name)
    _atomic_write(str(target), content.encode("utf-8"))
    return target


def read_json(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data
