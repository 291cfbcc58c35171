"""Recorded completions: a recorder that appends every sample a backend produces to a JSONL
file, and a replay backend that answers from such a file.

One line per sample::

    {"key": "<sha256 of request + sampling params>", "task": "HumanEval/0",
     "template": "gen-v1", "request": {...}, "params": {...}, "completion": {...}}

The key covers the request's content and every parameter that changes one sample's output
(temperature, max_tokens, stop, top_p, and the seed when sampling), so a run replays exactly
when the same prompts are asked again: selection and repair can be re-scored offline.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assay.errors import BackendError, BenchmarkError
from assay.llm.base import Backend, Completion, Params, Request, sample_each

__all__ = ["RecordingBackend", "ReplayBackend", "load_records", "sample_key"]


def sample_key(request: Request, params: Params) -> str:
    """The replay key of one sample (``params.n`` must be 1)."""
    return f"{request.key()}:{params.key()}"


def load_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSONL file, skipping blank lines.

    Raises:
        BenchmarkError: a line is not a JSON object with ``key`` and ``completion``.
    """
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise BenchmarkError(f"{path}:{number} is not JSON: {error.msg}") from error
            if not isinstance(record, dict) or "key" not in record or "completion" not in record:
                raise BenchmarkError(f"{path}:{number} lacks 'key' or 'completion'")
            yield record


class ReplayBackend:
    """Answers requests from recorded completions.

    Args:
        path: a JSONL file written by `RecordingBackend` (may not exist yet with a fallback).
        fallback: asked for samples that were not recorded (and then recorded into `path`);
            without one, an unrecorded sample raises `BackendError`.
    """

    name = "replay"

    def __init__(self, path: Path, *, fallback: Backend | None = None) -> None:
        self.path = path
        self._records: dict[str, Completion] = {}
        if path.exists():
            for record in load_records(path):
                self._records.setdefault(
                    str(record["key"]), Completion.from_dict(record["completion"])
                )
        elif fallback is None:
            raise BackendError(f"replay file {path} does not exist; record one with --save-samples")
        self._fallback = RecordingBackend(fallback, path) if fallback is not None else None
        self.model = fallback.model if fallback is not None else "replay"
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._records)

    @property
    def tag(self) -> str:
        """The task label written with newly recorded samples."""
        return self._fallback.tag if self._fallback is not None else ""

    @tag.setter
    def tag(self, value: str) -> None:
        if self._fallback is not None:
            self._fallback.tag = value

    def generate(self, request: Request, params: Params) -> list[Completion]:
        """Recorded completions for each of the ``params.n`` samples."""
        return sample_each(self._one, request, params)

    def _one(self, request: Request, params: Params) -> Completion:
        key = sample_key(request, params)
        found = self._records.get(key)
        if found is not None:
            self.hits += 1
            return found
        if self._fallback is None:
            raise BackendError(
                f"replay file {self.path} has no sample for template "
                f"{request.template or '?'} (key {key[:16]}…); re-record with a live backend"
            )
        self.misses += 1
        completion = self._fallback.generate(request, params)[0]
        self._records[key] = completion
        return completion

    def close(self) -> None:
        """Close the fallback backend, if any."""
        if self._fallback is not None:
            self._fallback.close()


class RecordingBackend:
    """Wraps a backend and appends every sample it produces to a JSONL file (flushed per
    line, so an interrupted run keeps what it generated)."""

    name = "recording"

    def __init__(self, inner: Backend, path: Path) -> None:
        self.inner = inner
        self.path = path
        self.model = inner.model
        self.name = inner.name
        self.tag = ""
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def generate(self, request: Request, params: Params) -> list[Completion]:
        """The inner backend's completions, each recorded as it arrives."""
        return sample_each(self._one, request, params)

    def _one(self, request: Request, params: Params) -> Completion:
        completion = self.inner.generate(request, params)[0]
        record = {
            "key": sample_key(request, params),
            "task": self.tag,
            "template": request.template,
            "request": {
                "kind": request.kind.value,
                "messages": [m.as_dict() for m in request.messages],
                "prompt": request.prompt,
                "suffix": request.suffix,
            },
            "params": {
                "temperature": params.temperature,
                "max_tokens": params.max_tokens,
                "stop": list(params.stop),
                "seed": params.seed,
                "top_p": params.top_p,
            },
            "completion": completion.as_dict(),
        }
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)
        return completion

    def close(self) -> None:
        """Close the inner backend."""
        self.inner.close()
