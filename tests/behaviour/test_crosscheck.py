"""Clustering and scoring over finished runs (no sandbox): who wins, who is flagged, why."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assay.behaviour.crosscheck import CandidateSource, judge
from assay.behaviour.inputs import ProbeInput
from assay.behaviour.probes import CandidateRun, ExampleCheck, Observation
from assay.behaviour.spec import Example, extract_spec
from assay.sandbox import ExceptionInfo, Outcome, Status
from assay.sandbox.canonical import canonicalize

SPEC = extract_spec("def f(xs: list[int]) -> list[int]:\n    pass\n")
INPUTS = [
    ProbeInput(([1, 1],), origin="boundary"),
    ProbeInput(([2, 3],), origin="mutation"),
    ProbeInput(([],), origin="boundary"),
]


def _value(value: Any) -> Outcome:
    return Outcome(status=Status.OK, value=canonicalize(value), value_repr=repr(value))


def _error(kind: str, message: str = "", *frames: tuple[str, str]) -> Outcome:
    """An exception; `frames` are (``File "...", line N, in f``, code line) pairs,
    outermost first, for a traceback like the sandbox reports."""
    traceback = ""
    if frames:
        body = "".join(f"  {where}\n    {code}\n" for where, code in frames)
        traceback = f"Traceback (most recent call last):\n{body}{kind}: {message}\n"
    return Outcome(
        status=Status.ERROR,
        exception=ExceptionInfo(type=kind, message=message, traceback=traceback),
    )


TIMEOUT = Outcome(status=Status.TIMEOUT)


def _run(
    name: str, outcomes: list[Outcome], examples: tuple[ExampleCheck, ...] = ()
) -> CandidateRun:
    return CandidateRun(
        name=name,
        source=f"def f(xs):\n    return xs  # {name}\n",
        import_outcome=Outcome(status=Status.OK),
        observations=tuple(Observation(i, o) for i, o in zip(INPUTS, outcomes, strict=True)),
        examples=examples,
    )


def _judge(runs: list[CandidateRun], counts: list[int] | None = None, spec: Any = SPEC) -> Any:
    sources = [
        CandidateSource(r.name, r.source, c)
        for r, c in zip(runs, counts or [1] * len(runs), strict=True)
    ]
    return judge(spec, INPUTS, runs, sources)


def test_majority_wins_and_the_minority_gets_a_counterexample() -> None:
    good = [_value([1, 1]), _value([2, 3]), _value([])]
    bad = [_value([1]), _value([2, 3]), _value([])]
    result = _judge([_run("a", good), _run("b", good), _run("c", bad)])
    assert [v.accepted for v in result.verdicts] == [True, True, False]
    assert sum(v.selected for v in result.verdicts) == 1
    (finding,) = [f for f in result.findings if f.rule == "AS701"]
    assert finding.candidate == "c"
    assert finding.evidence["input"] == "f([1, 1])"
    assert finding.evidence["got"] == "[1]"
    assert finding.evidence["expected"] == "[1, 1]"
    assert finding.evidence["agree_with_expected"] == 2
    assert result.clusters[0]["winner"] is True
    assert result.clusters[1]["distinguishing"][0]["input"] == "f([1, 1])"


def test_submission_counts_weigh_in_the_vote() -> None:
    one = [_value([1, 1]), _value([2, 3]), _value([])]
    other = [_value([1]), _value([2, 3]), _value([])]
    result = _judge([_run("a", one), _run("b", other)], counts=[1, 3])
    assert [v.accepted for v in result.verdicts] == [False, True]


EXAMPLE = Example(
    actual="f([1, 1])", expected="[1, 1]", line=3, args=([1, 1],), expected_value=[1, 1]
)
EXAMPLE_SPEC = replace(SPEC, examples=(EXAMPLE,))
GOOD = [_value([1, 1]), _value([2, 3]), _value([])]
BAD = [_value([1]), _value([2, 3]), _value([])]


def _checked(name: str, outcomes: list[Outcome]) -> CandidateRun:
    passed = outcomes[0].value == canonicalize([1, 1])
    return _run(name, outcomes, (ExampleCheck(EXAMPLE, outcomes[0], passed, "[1, 1]"),))


def test_spec_examples_outweigh_a_wrong_majority() -> None:
    runs = [_checked("good", GOOD), _checked("bad0", BAD), _checked("bad1", BAD)]
    result = _judge(runs, spec=EXAMPLE_SPEC)
    assert [v.accepted for v in result.verdicts] == [True, False, False]
    assert result.verdicts[0].selected
    assert {f.rule for f in result.findings} == {"AS601", "AS701"}
    assert all(f.severity.value == "error" for f in result.findings)


OTHER = [_value([]), _value([2, 3]), _value([])]


def test_an_example_a_broad_consensus_contradicts_is_overruled() -> None:
    # Nobody satisfies the example (HumanEval/47's median of 15.0): the four programs that
    # agree everywhere outweigh it.
    runs = [_checked("odd", OTHER), *(_checked(f"agree{i}", BAD) for i in range(4))]
    result = _judge(runs, spec=EXAMPLE_SPEC)
    assert [v.accepted for v in result.verdicts] == [False, True, True, True, True]
    assert "contradicted by 4 of 5 candidates" in result.warnings[0]
    assert not [f for f in result.findings if f.rule == "AS601"]


def test_a_test_is_not_overruled_by_any_consensus() -> None:
    # MBPP/443's assert wants -6 as the "largest negative number" of [1, 2, 3, -4, -6]:
    # every candidate answers -4, and every one fails the user's own test.
    test = replace(EXAMPLE, origin="assert")
    runs = [
        _run(name, outcomes, (ExampleCheck(test, outcomes[0], False, "[1, 1]"),))
        for name, outcomes in [("odd", OTHER), *((f"agree{i}", BAD) for i in range(4))]
    ]
    result = _judge(runs, spec=replace(SPEC, examples=(test,)))
    assert not any(v.accepted for v in result.verdicts)
    assert not result.warnings
    assert len([f for f in result.findings if f.rule == "AS601"]) == 5


def test_an_example_one_candidate_satisfies_is_not_overruled() -> None:
    # MBPP/610: the example removes the 3rd element counting from 1; most programs count
    # from 0 and agree with each other, but one program meets the example, so it stands.
    runs = [_checked("meets", GOOD), *(_checked(f"agree{i}", BAD) for i in range(4))]
    result = _judge(runs, spec=EXAMPLE_SPEC)
    assert [v.accepted for v in result.verdicts] == [True, False, False, False, False]
    assert result.verdicts[0].selected
    assert not result.warnings


def test_no_agreement_outranks_the_one_behaviour_that_passes_a_test() -> None:
    # MBPP/615: one program of twelve meets the stated assert; the eleven that agree with
    # each other fail it. Agreement can outweigh a docstring example (0.1 per failure),
    # never the user's test.
    test = replace(EXAMPLE, origin="assert")

    def checked(name: str, outcomes: list[Outcome]) -> CandidateRun:
        passed = outcomes[0].value == canonicalize([1, 1])
        return _run(name, outcomes, (ExampleCheck(test, outcomes[0], passed, "[1, 1]"),))

    runs = [checked("meets", GOOD), *(checked(f"agree{i}", BAD) for i in range(11))]
    result = _judge(runs, spec=replace(SPEC, examples=(test,)))
    assert [v.accepted for v in result.verdicts] == [True] + [False] * 11
    assert result.verdicts[0].selected
    assert result.verdicts[0].score == 1.0
    assert {v.score for v in result.verdicts[1:]} == {0.0}
    assert [c["winner"] for c in result.clusters] == [True, False]
    assert not [f for f in result.findings if f.candidate == "meets"]
    # The same eleven against a docstring example: their agreement (11 × 0.1) wins.
    runs = [_checked("meets", GOOD), *(_checked(f"agree{i}", BAD) for i in range(11))]
    assert not _judge(runs, spec=EXAMPLE_SPEC).verdicts[0].selected


def test_programs_that_do_not_import_rank_last_even_when_everybody_fails_a_test() -> None:
    # Every program that runs fails the user's assert (MBPP/443); one does not even import.
    # It fails no check because it answers nothing, yet it must not become the winner.
    test = replace(EXAMPLE, origin="assert")
    runs = [
        _run(f"agree{i}", BAD, (ExampleCheck(test, BAD[0], False, "[1, 1]"),)) for i in range(3)
    ]
    broken = CandidateRun(
        name="broken",
        source="def f(xs) return xs\n",
        import_outcome=_error("SyntaxError", "invalid syntax"),
        observations=tuple(Observation(i, _error("SyntaxError")) for i in INPUTS),
        examples=(),
    )
    result = _judge([broken, *runs], counts=[5, 1, 1, 1], spec=replace(SPEC, examples=(test,)))
    assert result.clusters[0]["members"] == ["agree0", "agree1", "agree2"]
    assert result.clusters[-1]["members"] == ["broken"]
    assert not result.verdicts[0].selected
    assert sum(v.selected for v in result.verdicts[1:]) == 1


def test_programs_failing_the_examples_do_not_choose_the_representative() -> None:
    # MBPP/125: the winners agree on every input that counts but part on a contested one
    # (the empty list, which a quarter of the candidates refuse); the programs that fail
    # the stated example side with the most submitted winner there.
    def checked(name: str, outcomes: list[Outcome]) -> CandidateRun:
        passed = outcomes[0].value == canonicalize([1, 1])
        return _run(name, outcomes, (ExampleCheck(EXAMPLE, outcomes[0], passed, "[1, 1]"),))

    popular = [_value([1, 1]), _value([2, 3]), _value([0])]
    right = [_value([1, 1]), _value([2, 3]), _value([])]
    failing = [_value([1]), _value([3, 2]), _value([0])]
    refusing = [_value([1]), _value([2]), _error("ValueError")]
    runs = [
        checked("popular", popular),
        *(checked(f"right{i}", right) for i in range(3)),
        *(checked(f"failing{i}", failing) for i in range(3)),
        *(checked(f"refusing{i}", refusing) for i in range(4)),
    ]
    result = _judge(runs, counts=[2] + [1] * 10, spec=EXAMPLE_SPEC)
    assert 2 not in result.domain
    assert all(v.accepted for v in result.verdicts[:4])
    # 3 right programs against the popular one's 2 submissions; the failing three would
    # have tipped it to the popular one
    assert [v.candidate for v in result.verdicts if v.selected] == ["right0"]


def test_contested_inputs_and_timeouts_do_not_split_clusters() -> None:
    # Half the candidates refuse the empty list: it is outside the clear domain.
    a = [_value([1, 1]), _value([2, 3]), _error("ValueError")]
    b = [_value([1, 1]), _value([2, 3]), _value([])]
    slow = [_value([1, 1]), TIMEOUT, _value([])]
    result = _judge([_run("a", a), _run("b", b), _run("slow", slow), _run("a2", a)])
    assert all(v.accepted for v in result.verdicts)
    assert len(result.clusters) == 1
    assert 2 not in result.domain


def test_random_draws_count_only_where_most_candidates_agree() -> None:
    # Nobody stated [7] or [8]: a 3-to-2 split on [7] leaves it open, while the one
    # candidate that answers [8] differently from four others is flagged.
    drawn = [
        ProbeInput(([2, 3],), origin="mutation"),
        ProbeInput(([7],), origin="random"),
        ProbeInput(([8],), origin="random"),
    ]
    answers = {
        "a": [[2, 3], [7], [8]],
        "b": [[2, 3], [7], [8]],
        "c": [[2, 3], [], [8]],
        "d": [[2, 3], [], [8]],
        "e": [[2, 3], [7], [9]],
    }
    runs = [
        CandidateRun(
            name=name,
            source=f"def f(xs):\n    return xs  # {name}\n",
            import_outcome=Outcome(status=Status.OK),
            observations=tuple(
                Observation(i, _value(v)) for i, v in zip(drawn, values, strict=True)
            ),
            examples=(),
        )
        for name, values in answers.items()
    ]
    result = judge(SPEC, drawn, runs, [CandidateSource(r.name, r.source, 1) for r in runs])
    assert result.domain == (0, 2)
    assert [v.accepted for v in result.verdicts] == [True, True, True, True, False]
    # Between two programs every draw counts: a 2/3 share would mean both of them.
    pair = [runs[0], runs[2]]
    result = judge(SPEC, drawn, pair, [CandidateSource(r.name, r.source, 1) for r in pair])
    assert result.domain == (0, 1, 2)
    assert sum(v.accepted for v in result.verdicts) == 1


def test_floats_agree_within_tolerance() -> None:
    x = [_value([0.30000000000000004]), _value([1.0]), _value([])]
    y = [_value([0.3]), _value([1.0]), _value([])]
    result = _judge([_run("x", x), _run("y", y)])
    assert len(result.clusters) == 1


def test_an_approximated_constant_is_another_behaviour() -> None:
    # Mbpp/606 "convert degrees to radians": 3.14159 for π is 8e-7 off on every input,
    # which a relative 1e-6 tolerance called the same behaviour; the tests' == does not.
    exact = [_value([1.5707963267948966]), _value([1.0471975511965976]), _value([])]
    approximate = [_value([1.570795]), _value([1.0471966666666666]), _value([])]
    result = _judge([_run("a", exact), _run("b", exact), _run("c", approximate)])
    assert [v.accepted for v in result.verdicts] == [True, True, False]


def test_a_candidate_that_does_not_import_is_rejected() -> None:
    good = [_value([1, 1]), _value([2, 3]), _value([])]
    broken = CandidateRun(
        name="broken",
        source="def f(:\n",
        import_outcome=_error("SyntaxError"),
        observations=tuple(Observation(i, _error("SyntaxError")) for i in INPUTS),
        examples=(),
    )
    result = _judge([_run("a", good), broken])
    assert [v.accepted for v in result.verdicts] == [True, False]
    assert result.verdicts[1].summary.startswith("does not import")
    assert result.clusters[-1]["imports"] is False


def test_the_selected_member_agrees_most_where_the_cluster_was_not_compared() -> None:
    # Everybody agrees on the first two inputs; the third is contested (two of seven
    # refuse it), so it does not split the cluster. There the most submitted program says
    # "x", while most candidates that answer say "y": a "y" program stands for the cluster.
    def outcomes(third: Outcome) -> list[Outcome]:
        return [_value([1, 1]), _value([2, 3]), third]

    runs = [
        _run("popular", outcomes(_value("x"))),
        *(_run(f"typical{i}", outcomes(_value("y"))) for i in range(3)),
        *(_run(f"refuses{i}", outcomes(_error("ValueError"))) for i in range(2)),
    ]
    result = _judge(runs, counts=[2, 1, 1, 1, 1, 1])
    assert 2 not in result.domain
    assert len(result.clusters) == 1
    assert all(v.accepted for v in result.verdicts)
    assert [v.candidate for v in result.verdicts if v.selected] == ["typical0"]
    assert result.clusters[0]["representative"] == "typical0"


def test_a_crash_only_on_an_edge_input_is_a_warning_not_a_rejection() -> None:
    # ``f([])``: the task rarely says what an empty list gives; crashing there while
    # agreeing on every typical input is fragile, not wrong.
    good = [_value([1, 1]), _value([2, 3]), _value([])]
    crashes_on_empty = [_value([1, 1]), _value([2, 3]), _error("IndexError")]
    runs = [_run(name, good) for name in "abcd"] + [_run("e", crashes_on_empty)]
    result = _judge(runs)
    verdict = result.verdicts[4]
    assert verdict.accepted
    assert {f.severity.value for f in verdict.findings} == {"warning"}
    (finding,) = [f for f in verdict.findings if f.rule == "AS701"]
    assert finding.severity.value == "warning"
    assert finding.evidence["refusal_only"] is True
    assert finding.evidence["input"] == "f([])"
    assert "on f([]) this raises IndexError; 4 of 5 candidates return []" in finding.message
    assert "declines inputs" in finding.message
    assert verdict.summary.startswith("accepted with a warning")


def test_another_value_on_an_edge_input_is_still_a_disagreement() -> None:
    good = [_value([1, 1]), _value([2, 3]), _value([])]
    other_value = [_value([1, 1]), _value([2, 3]), _value([0])]
    crash_elsewhere = [_value([1, 1]), _error("IndexError"), _value([])]
    runs = [_run(name, good) for name in "abc"]
    result = _judge([*runs, _run("d", other_value), _run("e", crash_elsewhere)])
    assert [v.accepted for v in result.verdicts] == [True, True, True, False, False]
    assert result.verdicts[3].findings[0].evidence["refusal_only"] is False
    # A crash on a typical input is a disagreement like any other.
    (crash,) = [f for f in result.verdicts[4].findings if f.rule == "AS701"]
    assert crash.severity.value == "error"
    assert crash.evidence["refusal_only"] is False


def test_rejecting_an_input_on_purpose_is_a_warning_not_a_rejection() -> None:
    # Mbpp/282 "subtract two lists element-wise": on lists of different lengths most
    # candidates return something; one checks and raises. It declined the input.
    good = [_value([1, 1]), _value([2, 3]), _value([])]
    strict_source = (
        "def f(xs):\n"
        "    if len(xs) == 2 and xs[0] != xs[1]:\n"
        "        raise ValueError('unequal pair')\n"
        "    return xs\n"
    )
    refused = _error(
        "ValueError",
        "unequal pair",
        ('File "<e>", line 3, in f', "raise ValueError('unequal pair')"),
    )
    strict = replace(_run("e", [_value([1, 1]), refused, _value([])]), source=strict_source)
    # A crash from the candidate's own indexing, not from a raise statement, is a
    # disagreement.
    crashed = _error(
        "IndexError", "list index out of range", ('File "<g>", line 3, in f', "return xs[9]")
    )
    accidental = replace(
        _run("g", [_value([1, 1]), crashed, _value([])]),
        source="def f(xs):\n    x = 1\n    return xs[9]\n",
    )
    runs = [_run(name, good) for name in "abcd"]
    result = _judge([*runs, strict])
    verdict = result.verdicts[4]
    assert verdict.accepted
    (finding,) = [f for f in verdict.findings if f.rule == "AS701"]
    assert finding.severity.value == "warning"
    assert finding.evidence["refusal_only"] is True
    assert finding.evidence["input"] == "f([2, 3])"
    result = _judge([*runs, accidental])
    assert not result.verdicts[4].accepted


def test_a_crash_only_on_a_random_draw_is_a_warning() -> None:
    # Hypothesis steers its draws to edges (empty, zero) just as the boundaries do.
    drawn = [*INPUTS[:2], ProbeInput(([0, 0, 0],), origin="random")]
    good = [_value([1, 1]), _value([2, 3]), _value([0, 0, 0])]
    crashes = [_value([1, 1]), _value([2, 3]), _error("ZeroDivisionError")]
    runs = [_run(name, good) for name in "abcd"] + [_run("e", crashes)]
    runs = [
        replace(
            run,
            observations=tuple(
                replace(o, input=i) for o, i in zip(run.observations, drawn, strict=True)
            ),
        )
        for run in runs
    ]
    sources = [CandidateSource(r.name, r.source) for r in runs]
    result = judge(SPEC, drawn, runs, sources)
    assert result.verdicts[4].accepted
    (finding,) = [f for f in result.verdicts[4].findings if f.rule == "AS701"]
    assert finding.evidence["refusal_only"] is True


def test_a_raise_inside_a_library_is_not_the_candidates_own_refusal() -> None:
    from assay.behaviour.probes import raised_on_purpose

    library = _error(
        "StatisticsError",
        "mean requires at least one data point",
        ('File "<e>", line 2, in f', "return statistics.mean(xs)"),
        (
            'File "/usr/lib/python3.11/statistics.py", line 430, in mean',
            "raise StatisticsError('mean requires at least one data point')",
        ),
    )
    assert raised_on_purpose(library)
    assert not raised_on_purpose(library, own_code_only=True)
