"""`assay gen` learns from the ledger: a similar past failure becomes an acceptance criterion
in the prompt, and the generation run is recorded with every candidate's code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.ledger.gen_samples import STUB, answer, record_samples
from tests.llm.helpers import ScriptedBackend

import assay
from assay.cli import main
from assay.ledger import criteria_for, generation_report, open_ledger, record_report
from assay.model import Report


@pytest.mark.slow
def test_gen_puts_past_failures_in_the_prompt_and_records_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    monkeypatch.setenv("ASSAY_LEDGER_URL", url)
    with open_ledger(url) as ledger:
        past = record_report(
            Report(tool_version="0"),
            kind="gen",
            task="running maximum of each prefix of a list of ints",
            ledger=ledger,
        )
        ledger.mark(past, description="returned the sorted list instead of the prefix maxima")
    [lesson] = criteria_for(STUB)
    assert "prefix maxima" in lesson

    # Record the model's answers to exactly the prompts that carry the lesson.
    samples = record_samples(tmp_path / "samples.jsonl", criteria=[lesson])

    code = main(["gen", STUB, "--backend", f"replay:{samples}", "-n", "2", "-q", "-f", "json"])
    out, _ = capsys.readouterr()
    # two candidates select the right code but cannot make it verified (exit 1)
    assert code == 1
    result = json.loads(out)
    assert lesson in result["criteria"] and result["verdict"]["level"] == "plausible"

    with open_ledger(url) as ledger:
        [summary] = ledger.runs(limit=1)
        run = ledger.get(summary.id or 0)
    assert (run.kind, run.verdict, run.task) == ("gen", "accepted", STUB)
    selected = [c for c in run.candidates if c.selected]
    assert len(selected) == 1 and selected[0].accepted
    assert "best = x if best is None" in selected[0].code
    assert run.duration_s is not None and run.timings["model_s"] >= 0

    # Without the ledger the prompt has no lesson, so nothing was recorded for it.
    assert (
        main(["gen", STUB, "--backend", f"replay:{samples}", "-n", "2", "-q", "--no-ledger"]) == 2
    )
    assert "replay" in capsys.readouterr().err


@pytest.mark.slow
def test_generation_report_marks_the_selected_and_verified_candidates(tmp_path: Path) -> None:
    result = assay.generate(STUB, backends=[ScriptedBackend(answer)], n=2, repair=0)
    report = generation_report(result)
    assert [v.selected for v in report.verdicts].count(True) == 1
    assert all(
        v.accepted == c.verified for v, c in zip(report.verdicts, result.candidates, strict=True)
    )
    assert set(report.sources) == {c.candidate.name for c in result.candidates}
