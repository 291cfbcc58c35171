"""Shared fixtures of the benchmark tests."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest


@pytest.fixture
def square_mbpp(tmp_path: Path) -> Path:
    """A directory holding a one-task ``mbpp.jsonl.gz`` (Mbpp/5: the square of a number)."""
    row = {
        "task_id": 5,
        "text": "Write a function to return the square of a number.",
        "code": "def square(n):\n    return n * n\n",
        "test_list": ["assert square(3) == 9", "assert square(-2) == 4", "assert square(0) == 0"],
        "test_setup_code": "",
    }
    with gzip.open(tmp_path / "mbpp.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")
    return tmp_path
