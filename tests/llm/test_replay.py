"""The recorder writes every sample; the replay backend answers exactly the recorded ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.llm.helpers import ScriptedBackend

from assay.errors import BackendError, BenchmarkError
from assay.llm.base import Params, chat_request
from assay.llm.replay import ReplayBackend, load_records, sample_key


def _answer(request: object, params: Params) -> str:
    return f"seed={params.seed} t={params.temperature}"


def test_recording_then_replay_gives_the_same_completions(record) -> None:  # type: ignore[no-untyped-def]
    recorder, path = record(_answer)
    recorder.tag = "task-1"
    request = chat_request("write f", template="gen-v1")
    params = Params(temperature=0.8, n=3, seed=10)
    live = recorder.generate(request, params)
    assert [c.seed for c in live] == [10, 11, 12]
    records = list(load_records(path))
    assert len(records) == 3
    assert {r["task"] for r in records} == {"task-1"}
    assert records[0]["template"] == "gen-v1"
    replay = ReplayBackend(path)
    replayed = replay.generate(request, params)
    assert [c.text for c in replayed] == [c.text for c in live]
    assert replay.hits == 3


def test_replay_keys_cover_every_parameter_that_changes_a_sample() -> None:
    request = chat_request("x")
    base = Params(temperature=0.8, seed=1)
    variants = [
        Params(temperature=0.7, seed=1),
        Params(temperature=0.8, seed=2),
        Params(temperature=0.8, seed=1, max_tokens=10),
        Params(temperature=0.8, seed=1, stop=("\n",)),
    ]
    keys = {sample_key(request, p) for p in [base, *variants]}
    assert len(keys) == 5
    # Greedy samples do not depend on the seed.
    assert sample_key(request, Params(seed=1)) == sample_key(request, Params(seed=9))
    # The template label is provenance, not content.
    assert sample_key(chat_request("x", template="a"), base) == sample_key(
        chat_request("x", template="b"), base
    )


def test_unrecorded_sample_without_fallback_is_a_clear_error(record) -> None:  # type: ignore[no-untyped-def]
    recorder, path = record(_answer)
    recorder.generate(chat_request("known"), Params())
    replay = ReplayBackend(path)
    with pytest.raises(BackendError, match="no sample for template"):
        replay.generate(chat_request("unknown", template="gen-v1"), Params())


def test_fallback_records_misses_and_resumes(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    scripted = ScriptedBackend(_answer)
    first = ReplayBackend(path, fallback=scripted)
    first.tag = "t"
    first.generate(chat_request("a"), Params(n=2, temperature=0.5))
    assert first.misses == 2 and len(scripted.requests) == 2
    again = ReplayBackend(path, fallback=scripted)
    again.generate(chat_request("a"), Params(n=2, temperature=0.5))
    assert again.hits == 2 and len(scripted.requests) == 2


def test_missing_file_without_fallback(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="does not exist"):
        ReplayBackend(tmp_path / "absent.jsonl")


def test_malformed_replay_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"key": "k"}) + "\n\nnot json\n", encoding="utf-8")
    with pytest.raises(BenchmarkError, match=r"bad.jsonl:1 lacks"):
        ReplayBackend(path)
