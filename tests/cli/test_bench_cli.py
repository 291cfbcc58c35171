"""`assay bench humaneval --score-only`: scoring samples from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.cli import main


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_bench_scores_samples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    samples = tmp_path / "samples.jsonl"
    samples.write_text(
        json.dumps({"task_id": "HumanEval/0", "completion": "    return False\n"})
        + "\n"
        + json.dumps({"task_id": "HumanEval/2", "completion": "    return number % 1.0\n"})
        + "\n"
    )
    args = [
        "bench",
        "humaneval",
        "--samples",
        str(samples),
        "--score-only",
        "--workers",
        "1",
        "--format",
        "json",
    ]
    assert main(args) == 0
    payload = _json(capsys)
    assert (payload["tasks"], payload["samples"]) == (2, 2)
    assert payload["pass_at_1"] == pytest.approx(0.5)
    assert payload["pass_at_k"] == {"1": pytest.approx(0.5)}
    assert isinstance(payload["wall_s"], float)


def test_bench_without_score_only_explains_what_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "humaneval"]) == 2
    assert "--score-only" in capsys.readouterr().err


def test_samples_with_details_score_without_score_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = tmp_path / "samples.jsonl"
    samples.write_text(
        json.dumps({"task_id": "HumanEval/0", "completion": "    return False\n"}) + "\n"
    )
    details = tmp_path / "details.jsonl"
    args = ["bench", "humaneval", "--samples", str(samples), "--details", str(details)]
    assert main([*args, "--workers", "1", "--format", "json"]) == 0
    rows = [json.loads(line) for line in details.read_text().splitlines()]
    assert [row["task_id"] for row in rows] == ["HumanEval/0"]
    assert _json(capsys)["tasks"] == 1
