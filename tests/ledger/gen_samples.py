"""A task and recorded model answers for generation tests (replayed by the real backend)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.llm.helpers import ScriptedBackend

import assay
from assay.llm.base import Params, Request
from assay.llm.replay import RecordingBackend

STUB = '''def running_max(xs: list[int]) -> list[int]:
    """The maximum of each prefix of xs.

    >>> running_max([1, 3, 2, 5])
    [1, 3, 3, 5]
    """
'''
RIGHT = (
    "    out = []\n    best = None\n    for x in xs:\n"
    "        best = x if best is None else max(best, x)\n        out.append(best)\n"
    "    return out\n```"
)


def answer(request: Request, params: Params) -> str:
    """Every request gets the right body (the stub is the prefill)."""
    return RIGHT


def record_samples(path: Path, *, n: int = 2, criteria: Sequence[str] = ()) -> Path:
    """Run `assay.generate` on `STUB` once with a scripted model, recording every answer to
    `path`, so the same prompts replay through ``--backend replay:PATH``."""
    recorder = RecordingBackend(ScriptedBackend(answer), path)
    assay.generate(STUB, backends=[recorder], n=n, criteria=list(criteria))
    return path
