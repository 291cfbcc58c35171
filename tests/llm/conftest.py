"""Fixtures for backend tests: a replay file recorded from a scripted backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.llm.helpers import Answer, ScriptedBackend

from assay.llm.replay import RecordingBackend


@pytest.fixture
def record(tmp_path: Path) -> Callable[[Answer], tuple[RecordingBackend, Path]]:
    """record(answer) -> (a recording backend around a scripted one, the JSONL path)."""

    def make(answer: Answer) -> tuple[RecordingBackend, Path]:
        path = tmp_path / "samples.jsonl"
        return RecordingBackend(ScriptedBackend(answer), path), path

    return make
