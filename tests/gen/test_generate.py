"""The verified-generation loop and `assay gen`, on recorded completions (replay backend).

The completions are recorded from a scripted backend into a JSONL file first; the loop then
reads them through the real `ReplayBackend`, and every candidate runs in the real sandbox.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.llm.helpers import ScriptedBackend

import assay
from assay.cli import main
from assay.errors import InvalidArgument
from assay.gen.draft import DraftPlan
from assay.gen.loop import generate_verified, generation_criteria, guess_tier, load_task
from assay.gen.verdict import VerdictLevel
from assay.llm.base import Params, Request
from assay.llm.replay import RecordingBackend, ReplayBackend
from assay.model import Task, TrustTier

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
WRONG = "    return sorted(xs)\n```"
PLAN = DraftPlan(n=3, criteria_greedy=False, paraphrases=0, model_tests=False, sample_from="bare")


def _record(tmp_path: Path, answer: object) -> tuple[ScriptedBackend, Path]:
    scripted = ScriptedBackend(answer)  # type: ignore[arg-type]
    return scripted, tmp_path / "samples.jsonl"


def test_a_correct_sample_is_selected_and_verified(tmp_path: Path) -> None:
    def answer(request: Request, params: Params) -> str:
        return RIGHT if params.seed == 2 else WRONG

    scripted, path = _record(tmp_path, answer)
    task = load_task(STUB)
    recorded = generate_verified(
        task, [RecordingBackend(scripted, path)], plan=PLAN, repair_rounds=0
    )
    # One of two distinct programs passes, in three samples: selected, but too little
    # agreement to call it verified.
    assert recorded.selected == "c2" and recorded.verdict.level is VerdictLevel.PLAUSIBLE
    assert not recorded.verified
    assert any("50% of the 2 distinct candidates" in m for m in recorded.verdict.missing)
    assert any("only 3 sample(s) ran" in m for m in recorded.verdict.missing)
    assert any("-n" in a for a in recorded.verdict.advice)
    replayed = generate_verified(task, [ReplayBackend(path)], plan=PLAN, repair_rounds=0)
    assert replayed.model_dump(exclude={"seconds", "model_seconds"}) == recorded.model_dump(
        exclude={"seconds", "model_seconds"}
    )
    by_name = {c.candidate.name: c for c in replayed.candidates}
    assert by_name["c2"].verified and not by_name["c0"].verified
    assert by_name["c0"].verdict is not None and by_name["c0"].verdict.examples_passed == 0
    assert replayed.usage["total_tokens"] > 0
    assert "RIGHT" not in replayed.code  # the code, not the test's constant name
    assert "best = x if best is None" in (replayed.code or "")


def test_repair_carries_the_evidence_and_its_result_is_verified(tmp_path: Path) -> None:
    def answer(request: Request, params: Params) -> str:
        return RIGHT if request.template == "repair-v1" else WRONG

    scripted = ScriptedBackend(answer)
    result = generate_verified(load_task(STUB), [scripted], plan=PLAN, repair_rounds=1)
    assert result.rounds == 1 and result.selected == "c0-r1"
    assert result.selected_result is not None and result.selected_result.verified
    assert result.verdict.level is VerdictLevel.PLAUSIBLE
    [repair] = [r for r, _ in scripted.requests if r.template == "repair-v1"]
    prompt = repair.messages[1].content
    assert "return sorted(xs)" in prompt
    assert "input: running_max([1, 3, 2, 5])" in prompt
    assert "expected: [1, 3, 3, 5]" in prompt and "got: [1, 2, 3, 5]" in prompt


def test_nothing_verified_is_said_plainly(tmp_path: Path) -> None:
    scripted = ScriptedBackend(lambda request, params: WRONG)
    result = generate_verified(load_task(STUB), [scripted], plan=PLAN, repair_rounds=1)
    assert not result.verified
    assert result.code is not None and "sorted" in result.code
    assert any(f.rule == "AS601" for f in result.evidence)


def test_load_task_from_text_stub_and_json(tmp_path: Path) -> None:
    text = load_task(
        "Write a function `slugify(text)` that lowercases words and joins them with -."
    )
    assert text.entry_point == "slugify"
    stub_file = tmp_path / "task.py"
    stub_file.write_text(STUB, encoding="utf-8")
    assert load_task(stub_file).entry_point == "running_max"
    json_file = tmp_path / "task.json"
    json_file.write_text(
        json.dumps({"prompt": STUB, "criteria": ["Never mutate xs."]}), encoding="utf-8"
    )
    task = load_task(json_file, criteria=["Linear time."])
    assert task.entry_point == "running_max" and task.criteria == [
        "Never mutate xs.",
        "Linear time.",
    ]
    with pytest.raises(InvalidArgument, match="empty"):
        load_task("   ")


def test_criteria_defaults_follow_the_tier() -> None:
    login = Task(
        prompt="Write check_password(user, password) against a stored hash.", entry_point="f"
    )
    assert guess_tier(login) is TrustTier.SECURITY_SENSITIVE
    criteria = generation_criteria(login.model_copy(update={"criteria": ["Mine first."]}))
    assert criteria[0] == "Mine first." and any("eval" in c for c in criteria)
    assert guess_tier(Task(prompt="Sum a list.", entry_point="f")) is TrustTier.LOGIC


def test_missing_entry_point_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgument, match="--entry-point"):
        generate_verified(Task(prompt="do something"), [ScriptedBackend(lambda r, p: "")])


def test_cli_gen_with_replay_json_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub_file = tmp_path / "task.py"
    stub_file.write_text(STUB, encoding="utf-8")
    plan = DraftPlan(n=2)

    def answer(request: Request, params: Params) -> str:
        if request.template == "tests-v1":
            return "[1]) == [1]\nassert running_max([2, 1]) == [2, 2]\n```"
        return RIGHT if request.template == "gen-v1" else WRONG

    path = tmp_path / "samples.jsonl"
    task = load_task(stub_file)
    generate_verified(
        task, [RecordingBackend(ScriptedBackend(answer), path)], plan=plan, repair_rounds=0
    )
    out = tmp_path / "solution.py"
    replay = ["gen", str(stub_file), "--backend", f"replay:{path}", "-n", "2", "--repair", "0"]
    replay += ["--quiet", "--no-ledger"]
    code = main([*replay, "--format", "json", "--output", str(out)])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["verified"] is False and data["selected"] == "c1"
    assert data["verdict"]["level"] == "plausible" and data["verdict"]["missing"]
    assert data["model_tests"] == [
        "assert running_max([1]) == [1]",
        "assert running_max([2, 1]) == [2, 2]",
    ]
    assert [c["candidate"]["prompt_variant"] for c in data["candidates"]] == ["bare-v1", "gen-v1"]
    assert out.read_text(encoding="utf-8") == data["code"]
    code = main(replay)
    text, err = capsys.readouterr()
    assert err == ""
    assert code == 1 and text.startswith("PLAUSIBLE: c1 for `running_max`")
    assert "  missing: only 2 sample(s) ran (verified needs 5)" in text
    assert "evidence" not in text.split("candidates:")[0]


def test_cli_gen_unrecorded_request_fails_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    code = main(
        [
            "gen",
            "Write add(a, b).",
            "-e",
            "add",
            "--backend",
            f"replay:{path}",
            "--quiet",
            "--no-ledger",
        ]
    )
    assert code == 2
    assert "no sample for template bare-v1" in capsys.readouterr().err


def test_public_api_is_the_function() -> None:
    assert callable(assay.generate) and "generate" in assay.__all__
