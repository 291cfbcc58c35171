"""The generation mode of `assay bench`: raw greedy vs. assay-selected, on recorded samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.llm.helpers import ScriptedBackend

from assay.benchmarks.generation import (
    BENCH_PLAN,
    bench_plan,
    benchmark_tasks,
    generate_tasks,
    read_outcomes,
)
from assay.benchmarks.humaneval import load_humaneval
from assay.cli import main
from assay.llm.base import Params, Request
from assay.llm.replay import RecordingBackend

PROBLEMS = load_humaneval()


def _answer(request: Request, params: Params) -> str:
    """Canonical solutions, except that the greedy answers to HumanEval/0 are wrong; the
    plain request (no prefill) gets the whole function, with a demo call after it."""
    for problem in list(PROBLEMS.values())[:2]:
        if f"def {problem.entry_point}(" in request.prefill:
            if problem.task_id == "HumanEval/0" and params.temperature == 0.0:
                return "    return False\n```"
            return problem.canonical_solution.rstrip("\n") + "\n```"
        if f"def {problem.entry_point}(" in request.messages[-1].content:
            body = problem.canonical_solution.rstrip("\n")
            if problem.task_id == "HumanEval/0":
                body = "    return True"
            demo = f"{problem.entry_point}([])"  # raises on import unless cleaned away
            return f"```python\n{problem.prompt}{body}\n{demo}\n```\n"
    raise AssertionError("unexpected request")


def test_bench_generation_scores_raw_and_assay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = tmp_path / "he.jsonl"
    recorder = RecordingBackend(ScriptedBackend(_answer), samples)
    tasks = benchmark_tasks(PROBLEMS, 2)
    assert [t.task_id for t in tasks] == ["HumanEval/0", "HumanEval/1"]
    outcomes = generate_tasks(
        tasks,
        recorder,
        samples=samples,
        results=tmp_path / "warm.jsonl",
        plan=BENCH_PLAN,
        repair_rounds=0,
    )
    first = outcomes["HumanEval/0"]
    assert "return False" in first.raw and "return True" in first.raw_plain
    assert "([])" not in outcomes["HumanEval/1"].raw_plain  # the demo call is cleaned away
    # every correct sample is the same program: selected, but plausible, not verified
    assert first.level == "plausible" and not first.verified, first.evidence
    code = main(
        [
            "bench",
            "humaneval",
            "--backend",
            f"replay:{samples}",
            "--limit-tasks",
            "2",
            "-n",
            "3",
            "--repair",
            "0",
            "--save-samples",
            str(samples),
            "--format",
            "json",
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (summary["tasks"], summary["raw_solved"], summary["assay_solved"]) == (2, 1, 2)
    assert summary["raw_bare_pass_at_1"] == summary["raw_plain_pass_at_1"] == 0.5
    assert summary["plausible"] == 2 and summary["verified_coverage"] == 0.0
    assert summary["gain_points"] == 50.0 and summary["fixed_by_assay"] == ["HumanEval/0"]
    assert summary["tokens"] > 0 and summary["tokens_per_solved_task"] == round(
        summary["tokens"] / 2, 1
    )
    results = read_outcomes(tmp_path / "he.results.jsonl")
    assert sorted(results) == ["HumanEval/0", "HumanEval/1"]


def test_bench_mbpp_generation_on_recorded_samples(
    tmp_path: Path, square_mbpp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assay.benchmarks.mbpp import load_mbpp

    problems = load_mbpp(square_mbpp)
    samples = tmp_path / "mbpp-samples.jsonl"

    def answer(request: Request, params: Params) -> str:
        return (
            "def square(n):\n    return n + n\n```"
            if params.temperature == 0.0
            else ("def square(n):\n    return n * n\n```")
        )

    generate_tasks(
        benchmark_tasks(problems),
        RecordingBackend(ScriptedBackend(answer), samples),
        samples=samples,
        results=tmp_path / "warm.jsonl",
        plan=bench_plan("mbpp", 3),
        repair_rounds=0,
    )
    code = main(
        [
            "bench",
            "mbpp",
            "--problems",
            str(square_mbpp),
            "--backend",
            f"replay:{samples}",
            "--repair",
            "0",
            "--save-samples",
            str(samples),
            "--format",
            "json",
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["benchmark"] == "mbpp"
    assert (summary["raw_solved"], summary["assay_solved"]) == (0, 1)


def test_bench_mbpp_needs_samples_or_a_backend(
    square_mbpp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "mbpp", "--problems", str(square_mbpp)]) == 2
    assert "--backend local" in capsys.readouterr().err


def test_each_benchmark_gets_room_for_its_longest_reference() -> None:
    from assay.benchmarks.generation import FAIR_MAX_TOKENS, bench_plan
    from assay.errors import InvalidArgument

    assert bench_plan("humaneval").greedy_max_tokens == FAIR_MAX_TOKENS["humaneval"] == 768
    assert bench_plan("mbpp", 3).greedy_max_tokens == 2161 and bench_plan("mbpp", 3).n == 3
    assert bench_plan("mbpp").max_tokens == 320  # samples, not the raw baseline
    with pytest.raises(InvalidArgument, match="no token budget"):
        bench_plan("apps")
