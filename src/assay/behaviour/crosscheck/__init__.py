"""Cross-check N candidate implementations of one task: who is right, and the proof.

All candidates run on the same inputs (`assay.behaviour.inputs`: the task's examples, the calls
the candidates make in their own code, boundaries, mutations and random draws); candidates
that behave the same on every input the task defines form a *cluster*. Clusters are scored
in the spirit of CodeT's dual agreement and AlphaCode's clustering::

    score(cluster) = votes × 0.1^(spec examples failed) × (1 + w × extra tests passed)

where `votes` sums, over the distinct programs in the cluster, the square root of how often
each was submitted (identical samples are correlated votes), spec examples are the task's own
(trusted) examples, and extra tests (e.g. model-written asserts) are down-weighted evidence
with weight `w`. The best cluster wins, except that a cluster failing fewer of the task's
tests (`TEST_ORIGINS`) always ranks first: no agreement outweighs the user's own assert, so a
behaviour that fails one scores 0 when another behaviour passes it (MBPP/615: one program of
twelve meets the stated assert). The winner's member that agrees with the most candidates over
all inputs (then the most submitted) is *selected*; candidates outside it get an AS701 finding
with the input that tells them apart, what they return there and what the winners return. A
candidate whose only difference is raising where the winners answer, on edge inputs
(boundaries and random draws) or with a ``raise`` of its own (input validation), is accepted
with a warning.

Which inputs count: an input on which a quarter or more of the candidates raise or time out
is outside the domain the task defines clearly (e.g. an empty list for "the maximum of a
list"), so nobody is blamed for it. Timeouts are "no answer" and never split a cluster
(slow is not wrong; AS603 reports it). Floats agree to 9 significant digits
(`assay.sandbox.canonical.FLOAT_REL_TOL`).

`Report.clusters` (from `assay.compare`) holds one dict per cluster, best first::

    {"id": 0, "size": 12, "members": ["gpt-4#0", ...], "representative": "gpt-4#0",
     "score": 1.0, "winner": true, "examples_passed": 3, "examples_total": 3,
     "extra_passed": 2, "extra_total": 4,
     "distinguishing": [{"input": "f([3, 3])", "output": "[3]", "winner_output": "[3, 3]"}]}
"""

from __future__ import annotations

import ast
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assay.behaviour.inputs import ProbeInput, generate_inputs, proposed_arguments
from assay.behaviour.probes import (
    OTHER_HASH_SEED,
    CandidateRun,
    ExampleCheck,
    Location,
    behaviour_key,
    outcome_text,
    raised_on_purpose,
    run_candidates,
    runtime_findings,
)
from assay.behaviour.spec import Example, Signature, Spec, extract_spec, spec_from_tests
from assay.model import Family, Finding, Report, Severity, Verdict
from assay.sandbox import Limits, Outcome, Sandbox, Status
from assay.sandbox.canonical import FLOAT_REL_TOL, equivalent

__all__ = [
    "CONTESTED_FRACTION",
    "EXAMPLE_PENALTY",
    "CandidateSource",
    "CrossCheck",
    "cluster_runs",
    "compare_candidates",
    "crosscheck",
    "judge",
    "report_of",
    "same_behaviour",
]

#: Share of candidates raising or timing out on an input that puts it outside the domain.
CONTESTED_FRACTION = 0.25
#: Inputs nobody stated — boundaries (empty, zero, single element), ties (two neighbouring
#: numbers of an example made equal), swaps (two arguments of an example exchanged) and
#: random draws — count only when this share of the candidates agree on them: the task
#: text often leaves them open (which of two equal maxima? may the range end first?), and
#: a split there says more about the task than about the candidates.
BOUNDARY_AGREEMENT = 2 / 3
AGREEMENT_ORIGINS = frozenset({"boundary", "tie", "swap"})
#: Random draws need that agreement only among three or more programs: between two, a 2/3
#: share means both, and the draws — most of the inputs — could never tell a pair apart.
DRAWN_ORIGINS = frozenset({"random"})
#: Inputs drawn from what the task and the candidates state (their examples, their own
#: calls, mutations of those); boundaries and random draws probe the edges around them.
TYPICAL_ORIGINS = frozenset({"example", "proposed", "mutation"})
#: A spec example that the largest behaviour cluster fails is overruled when that cluster
#: holds this share of the candidates (and at least `OVERRULE_PROGRAMS` distinct programs).
OVERRULE_SHARE = 0.75
OVERRULE_PROGRAMS = 3
#: Examples that come from tests (``assert`` lines beside the task, pytest files): the
#: user runs these, so they are never overruled.
TEST_ORIGINS = frozenset({"assert", "test"})
#: Factor applied to a cluster's score per trusted spec example it fails.
EXAMPLE_PENALTY = 0.1
#: Default weight of one passed extra (model-written) test, relative to agreement.
EXTRA_WEIGHT = 0.2


@dataclass(frozen=True)
class CandidateSource:
    """One candidate: a name for reports, its module source and how often it was submitted."""

    name: str
    source: str
    count: int = 1


@dataclass(frozen=True)
class _Cluster:
    members: tuple[int, ...]
    size: int
    score: float
    examples_passed: int
    examples_total: int
    extra_passed: int
    extra_total: int
    #: Trusted examples from tests (`TEST_ORIGINS`) that the cluster fails; fewer ranks first.
    tests_failed: int = 0


@dataclass(frozen=True)
class CrossCheck:
    """The result of cross-checking: runs, clusters (best first), verdicts and findings.

    `verdicts[i]` and `runs[i]` belong to the i-th candidate; `selected` is the index of
    the chosen candidate (None when there were no candidates); `domain` lists the indices
    of the inputs that counted.
    """

    spec: Spec
    inputs: tuple[ProbeInput, ...]
    runs: tuple[CandidateRun, ...]
    verdicts: tuple[Verdict, ...]
    clusters: tuple[dict[str, Any], ...]
    findings: tuple[Finding, ...]
    selected: int | None
    domain: tuple[int, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def crosscheck(
    spec: Spec,
    candidates: Sequence[CandidateSource],
    *,
    extra_tests: Sequence[str | Example] = (),
    extra_weight: float = EXTRA_WEIGHT,
    budget: int = 40,
    seed: int = 0,
    timeout_s: float = 2.0,
    sandbox: Sandbox | None = None,
    preamble: str = "from typing import *",
    path: str | None = None,
    reseeded: Sandbox | None = None,
) -> CrossCheck:
    """Run every candidate on the spec's examples and generated inputs, cluster them by
    behaviour, select one and give each a verdict.

    Args:
        spec: what the task states (entry point, signature, examples).
        candidates: the implementations; each module must define ``spec.entry_point``.
        extra_tests: tests not from the task (assert statements, e.g. written by a model,
            or `Example` objects); each one passed adds `extra_weight` to the score; they
            never produce findings.
        extra_weight: the weight of one passed extra test.
        budget: generated inputs (beyond the examples).
        seed: makes input generation reproducible.
        timeout_s: per-call time limit in the sandbox.
        sandbox: a running sandbox to reuse; default: one opened here.
        preamble: code run before each candidate module.
        path: the path findings are reported at; default: each candidate's name.
        reseeded: a sandbox hashing strings under another seed, where a few inputs run
            again to see results that depend on the order of a set (`run_candidates`);
            default: not done.
    """
    extras = _extra_examples(spec, extra_tests)
    run_spec = replace(spec, examples=spec.examples + extras)
    # What the candidates declare fills in what the task leaves out; each is read once.
    written = (
        [(extract_spec(c.source, spec.entry_point), c.count) for c in candidates]
        if not spec.hints or spec.signature is None
        else []
    )
    hints = spec.hints or _consensus_hints(written)
    shaped = (
        spec
        if spec.signature is not None
        else replace(spec, signature=_consensus_signature(written))
    )
    proposed = proposed_arguments([c.source for c in candidates], spec.entry_point)
    inputs = tuple(
        generate_inputs(shaped, budget=budget, seed=seed, hints=hints, proposed=proposed)
    )
    limits = Limits(timeout_s=timeout_s, memory_mb=512)
    inputs = _preflight(
        run_spec, candidates, inputs, sandbox=sandbox, limits=limits, preamble=preamble
    )
    runs = tuple(
        run_candidates(
            [(c.name, c.source) for c in candidates],
            run_spec,
            inputs,
            sandbox=sandbox,
            limits=limits,
            preamble=preamble,
            reseeded=reseeded,
        )
    )
    return judge(spec, inputs, runs, candidates, extra_weight=extra_weight, path=path)


#: Candidates run first, alone, to find inputs too big for anybody (see `_preflight`).
PREFLIGHT = 2


def _preflight(
    spec: Spec,
    candidates: Sequence[CandidateSource],
    inputs: tuple[ProbeInput, ...],
    *,
    sandbox: Sandbox | None,
    limits: Limits,
    preamble: str,
) -> tuple[ProbeInput, ...]:
    """Drop generated inputs on which one of the most submitted candidates times out.

    A timeout is no answer (it never splits a cluster), so such an input only costs one
    time limit per candidate; an input too large for the popular implementations (a
    ``10**6``-sized loop) would cost it for all of them. Examples are always kept.
    """
    if len(candidates) <= PREFLIGHT or not inputs:
        return inputs
    leaders = sorted(range(len(candidates)), key=lambda i: -candidates[i].count)[:PREFLIGHT]
    probe_spec = replace(spec, examples=())
    runs = run_candidates(
        [(candidates[i].name, candidates[i].source) for i in leaders],
        probe_spec,
        inputs,
        sandbox=sandbox,
        limits=limits,
        preamble=preamble,
    )
    slow = {
        index
        for run in runs
        if run.imported
        for index, observation in enumerate(run.observations)
        if observation.outcome.status is Status.TIMEOUT and observation.input.origin != "example"
    }
    return tuple(item for index, item in enumerate(inputs) if index not in slow)


def _extra_examples(spec: Spec, tests: Sequence[str | Example]) -> tuple[Example, ...]:
    """Extra tests as examples of origin ``extra``: assert sources are parsed, `Example`
    objects are taken as they are."""
    given = [t for t in tests if isinstance(t, Example)]
    sources = [t for t in tests if isinstance(t, str)]
    parsed = list(spec_from_tests(sources, spec.entry_point).examples) if sources else []
    return tuple(replace(e, origin="extra") for e in [*given, *parsed])


def _consensus_signature(written: Sequence[tuple[Spec, int]]) -> Signature | None:
    """When the task states no signature (an MBPP prompt), the one most candidates write;
    `written` holds each candidate's own spec and submission count."""
    votes: Counter[Signature] = Counter()
    for candidate_spec, count in written:
        if candidate_spec.signature is not None:
            votes[candidate_spec.signature] += count
    return votes.most_common(1)[0][0] if votes else None


def _consensus_hints(written: Sequence[tuple[Spec, int]]) -> dict[str, str]:
    """When the task has no annotations, the parameter annotations most candidates write."""
    votes: Counter[tuple[tuple[str, str], ...]] = Counter()
    for candidate_spec, count in written:
        if candidate_spec.signature is not None and candidate_spec.hints:
            votes[tuple(sorted(candidate_spec.hints.items()))] += count
    if not votes:
        return {}
    best, _ = votes.most_common(1)[0]
    return dict(best)


def judge(
    spec: Spec,
    inputs: Sequence[ProbeInput],
    runs: Sequence[CandidateRun],
    candidates: Sequence[CandidateSource],
    *,
    extra_weight: float = EXTRA_WEIGHT,
    path: str | None = None,
) -> CrossCheck:
    """Cluster finished runs, score the clusters, select and give verdicts (no execution)."""
    counts = [c.count for c in candidates]
    domain = _domain(inputs, runs, counts)
    clusters = cluster_runs(runs, domain, counts, extra_weight=extra_weight)
    overruled = _overruled_examples(clusters, runs, counts)
    problems: list[str] = []
    if overruled:
        keys = {_example_key(e) for e in overruled}
        spec = replace(
            spec,
            examples=tuple(
                replace(e, trusted=False) if _example_key(e) in keys else e for e in spec.examples
            ),
        )
        runs = [_distrust(run, overruled) for run in runs]
        clusters = cluster_runs(runs, domain, counts, extra_weight=extra_weight)
        problems = [
            f"the example {e.describe()} (line {e.line}) is contradicted by {clusters[0].size} of "
            f"{sum(counts)} candidates that agree on every input; it was not used"
            for e in overruled
        ]
    winner = clusters[0] if clusters else None
    best_score = winner.score if winner and winner.score > 0 else 1.0
    cluster_of = {
        member: index for index, cluster in enumerate(clusters) for member in cluster.members
    }
    domain_set = set(domain)
    valid_values = {i for i in domain if _consensus_is_value(i, runs, counts)}
    verdicts: list[Verdict] = []
    findings: list[Finding] = []
    for index, run in enumerate(runs):
        where = Location(
            path or run.name, _def_line(run.source, spec.entry_point), spec.entry_point, run.name
        )
        own = runtime_findings(
            _spec_examples_only(run), spec, where, valid_inputs=valid_values & domain_set
        )
        cluster_index = cluster_of.get(index)
        cluster = clusters[cluster_index] if cluster_index is not None else None
        # Timeouts make agreement non-transitive: a candidate that clustered elsewhere but
        # differs from the winner on no input is one of the winners.
        differing = (
            _differences(index, winner, runs, domain)
            if winner is not None and cluster_index != 0 and run.imported
            else []
        )
        in_winner = winner is not None and (cluster_index == 0 or (run.imported and not differing))
        refusal_only = (
            winner is not None
            and bool(differing)
            and _refusals_only(run, runs[winner.members[0]], differing)
        )
        disagreement: list[Finding] = []
        if winner is not None and differing and len(runs) > 1:
            disagreement = _disagreement(
                index,
                differing,
                winner,
                runs,
                counts,
                domain,
                spec,
                where,
                refusal_only=refusal_only,
            )
        failing = [f for f in own if f.severity is Severity.ERROR]
        accepted = (in_winner or refusal_only) and not failing and run.imported
        score = (
            _relative_score(cluster, winner, best_score)
            if cluster is not None and winner is not None
            else 0.0
        )
        verdicts.append(
            Verdict(
                candidate=run.name,
                accepted=accepted,
                score=score,
                cluster=cluster_index,
                selected=False,
                findings=own + disagreement,
                executions=run.executions,
                inputs_tried=len(inputs),
                examples_passed=run.examples_passed - _extra_passed(run),
                examples_total=_spec_judged(run),
                summary=_summary(
                    run, cluster, winner, in_winner, accepted, sum(counts), disagreement
                ),
            )
        )
        findings.extend(own + disagreement)
    support = _answer_support(runs, _voters(runs, counts))
    selected = _select(winner, runs, counts, support) if winner is not None else None
    if selected is not None:
        verdicts[selected] = verdicts[selected].model_copy(update={"selected": True})
    described = tuple(
        _describe_cluster(
            number, cluster, clusters[0], runs, counts, support, domain, spec, best_score
        )
        for number, cluster in enumerate(clusters)
    )
    warnings: tuple[str, ...] = tuple(problems)
    if runs and not domain:
        warnings += (
            "no input in the task's domain could be generated or evaluated: the candidates were not compared",
        )
    return CrossCheck(
        spec=spec,
        inputs=tuple(inputs),
        runs=tuple(runs),
        verdicts=tuple(verdicts),
        clusters=described,
        findings=tuple(findings),
        selected=selected,
        domain=tuple(domain),
        warnings=warnings,
    )


def _overruled_examples(
    clusters: Sequence[_Cluster], runs: Sequence[CandidateRun], counts: Sequence[int]
) -> list[Example]:
    """Spec examples failed by a broad consensus: the largest cluster holds `OVERRULE_SHARE`
    of the candidates and `OVERRULE_PROGRAMS` distinct programs that agree on every input,
    and all of them fail the example. Independent implementations agreeing everywhere
    outweigh one example (HumanEval/47's docstring says the median of
    [-10, 4, 6, 1000, 10, 20] is 15.0) — but only when no candidate satisfies every
    spec example: examples some program meets are consistent and achievable, and a
    consensus failing them is a shared misreading (0-based where the example counts from
    1, no rounding where the example rounds), not a mistake in the task.

    Only documentation is overruled (docstring examples, "Input: … Output: …" prose),
    never a test (`TEST_ORIGINS`): prose goes stale and nobody runs it, while a failing
    test fails for the user however many candidates agree (MBPP/443 asks for the "largest
    negative number" and its assert wants -6 from [1, 2, 3, -4, -6]; every candidate
    answers -4 and fails the user's own assert)."""
    if not clusters or any(_passes_spec_examples(run) for run in runs):
        return []
    largest = max(clusters, key=lambda c: c.size)
    total = sum(c for r, c in zip(runs, counts, strict=True) if r.imported)
    if len(largest.members) < OVERRULE_PROGRAMS or largest.size < OVERRULE_SHARE * total:
        return []
    first = runs[largest.members[0]]
    if not first.imported:
        return []
    return [
        check.example
        for check in first.examples
        if check.passed is False
        and check.example.trusted
        and check.example.origin not in TEST_ORIGINS | {"extra"}
    ]


def _spec_checks(run: CandidateRun) -> list[ExampleCheck]:
    """The run's judged checks of trusted spec examples (extra tests excluded)."""
    return [
        c
        for c in run.examples
        if c.example.trusted and c.example.origin != "extra" and c.passed is not None
    ]


def _passes_spec_examples(run: CandidateRun) -> bool:
    """Whether the run imports and passes every trusted spec example it was judged on (at
    least one)."""
    checks = _spec_checks(run)
    return run.imported and bool(checks) and all(c.passed for c in checks)


def _example_key(example: Example) -> tuple[str, str, int]:
    return (example.actual, example.expected, example.line)


def _distrust(run: CandidateRun, overruled: Sequence[Example]) -> CandidateRun:
    keys = {_example_key(e) for e in overruled}
    checks = tuple(
        replace(c, example=replace(c.example, trusted=False))
        if _example_key(c.example) in keys
        else c
        for c in run.examples
    )
    return replace(run, examples=checks)


def _def_line(source: str, name: str) -> int:
    """The line where `name` is defined in `source` (1 when it cannot be found)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return 1
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return node.lineno
    return 1


def _spec_examples_only(run: CandidateRun) -> CandidateRun:
    return replace(run, examples=tuple(c for c in run.examples if c.example.origin != "extra"))


def _extra_passed(run: CandidateRun) -> int:
    return sum(1 for c in run.examples if c.passed and c.example.origin == "extra")


def _spec_judged(run: CandidateRun) -> int:
    return len(_spec_checks(run))


def _is_answer(outcome: Outcome) -> bool:
    return outcome.status is Status.OK


def _domain(
    inputs: Sequence[ProbeInput], runs: Sequence[CandidateRun], counts: Sequence[int]
) -> list[int]:
    """Indices of inputs the task clearly defines: examples, and inputs on which fewer than
    `CONTESTED_FRACTION` of the (importable) candidates raise or give up — among them
    the unstated ones (`AGREEMENT_ORIGINS`, and `DRAWN_ORIGINS` among three or more
    programs) only where `BOUNDARY_AGREEMENT` of the candidates give the same answer."""
    live = [(run, count) for run, count in zip(runs, counts, strict=True) if run.imported]
    total = sum(count for _, count in live)
    if not total:
        return []
    unstated = AGREEMENT_ORIGINS | DRAWN_ORIGINS if len(live) >= 3 else AGREEMENT_ORIGINS
    domain: list[int] = []
    for index, item in enumerate(inputs):
        refused = sum(
            count for run, count in live if not _is_answer(run.observations[index].outcome)
        )
        answered = total - refused
        if item.origin == "example":
            domain.append(index)
        elif answered and refused / total < CONTESTED_FRACTION:
            if item.origin not in unstated or _top_share(index, live) >= BOUNDARY_AGREEMENT:
                domain.append(index)
    return domain


def _top_share(index: int, live: Sequence[tuple[CandidateRun, int]]) -> float:
    """The share of candidates giving the most common answer on input `index`."""
    votes: dict[str, int] = {}
    for run, count in live:
        key = behaviour_key(run.observations[index].outcome)
        votes[key] = votes.get(key, 0) + count
    total = sum(votes.values())
    return max(votes.values()) / total if total else 0.0


def _consensus_is_value(index: int, runs: Sequence[CandidateRun], counts: Sequence[int]) -> bool:
    answered = sum(
        c
        for r, c in zip(runs, counts, strict=True)
        if r.imported and _is_answer(r.observations[index].outcome)
    )
    total = sum(c for r, c in zip(runs, counts, strict=True) if r.imported)
    return total > 0 and answered * 2 > total


def same_behaviour(a: Outcome, b: Outcome) -> bool:
    """Whether two outcomes count as the same behaviour: equal values (floats to 9
    significant digits, `FLOAT_REL_TOL`), the same exception type, or either one a timeout
    (no answer)."""
    if a.status is Status.TIMEOUT or b.status is Status.TIMEOUT:
        return True
    if a.status is Status.OK and b.status is Status.OK:
        return equivalent(a.value, b.value, rel_tol=FLOAT_REL_TOL, abs_tol=1e-9)
    if a.status is Status.ERROR and b.status is Status.ERROR:
        return (a.exception.type if a.exception else "") == (
            b.exception.type if b.exception else ""
        )
    return a.status is b.status


def _agree(a: CandidateRun, b: CandidateRun, domain: Sequence[int]) -> bool:
    return all(same_behaviour(a.observations[i].outcome, b.observations[i].outcome) for i in domain)


def cluster_runs(
    runs: Sequence[CandidateRun],
    domain: Sequence[int],
    counts: Sequence[int] | None = None,
    *,
    extra_weight: float = EXTRA_WEIGHT,
) -> list[_Cluster]:
    """Group runs that behave the same on every `domain` input; best-scored first.

    Candidates are visited most-submitted first and join the first cluster whose first
    member they agree with; candidates that do not import form one cluster of their own.
    """
    weights = list(counts) if counts is not None else [1] * len(runs)
    order = sorted(range(len(runs)), key=lambda i: -weights[i])
    groups: list[list[int]] = []
    broken: list[int] = []
    for index in order:
        if not runs[index].imported:
            broken.append(index)
            continue
        for group in groups:
            if _agree(runs[group[0]], runs[index], domain):
                group.append(index)
                break
        else:
            groups.append([index])
    scored = sorted(
        (_score(sorted(group), runs, weights, extra_weight) for group in groups),
        key=lambda c: (c.tests_failed, -c.score, -c.size, c.members[0]),
    )
    # Programs that do not import answer nothing: they rank last, whatever they "fail".
    if broken:
        scored.append(_score(sorted(broken), runs, weights, extra_weight))
    return scored


def _score(
    members: list[int], runs: Sequence[CandidateRun], weights: Sequence[int], extra_weight: float
) -> _Cluster:
    first = runs[members[0]]
    size = sum(weights[i] for i in members)
    if not first.imported:
        return _Cluster(tuple(members), size, 0.0, 0, 0, 0, 0)
    spec_checks = _spec_checks(first)
    extra_checks = [
        c for c in first.examples if c.example.origin == "extra" and c.passed is not None
    ]
    failed = sum(1 for c in spec_checks if not c.passed)
    tests_failed = sum(1 for c in spec_checks if not c.passed and c.example.origin in TEST_ORIGINS)
    extra_passed = sum(1 for c in extra_checks if c.passed)
    # Identical submissions are correlated votes (ten runs of one model at a low
    # temperature): each program votes with the square root of its submission count.
    votes = sum(math.sqrt(weights[i]) for i in members)
    score = votes * (EXAMPLE_PENALTY**failed) * (1 + extra_weight * extra_passed)
    return _Cluster(
        tuple(members),
        size,
        score,
        len(spec_checks) - failed,
        len(spec_checks),
        extra_passed,
        len(extra_checks),
        tests_failed,
    )


def _relative_score(cluster: _Cluster, winner: _Cluster, best_score: float) -> float:
    """The cluster's score as a share of the winner's; 0 when it fails a test the winner
    passes (it ranks below the winner whatever its agreement)."""
    if cluster.tests_failed > winner.tests_failed:
        return 0.0
    return round(cluster.score / best_score, 6)


def _answer_support(runs: Sequence[CandidateRun], counts: Sequence[int]) -> list[dict[str, int]]:
    """Per input, how many candidates (by submission count) give each behaviour key."""
    support: list[dict[str, int]] = []
    for run, count in zip(runs, counts, strict=True):
        if not run.imported:
            continue
        for index, observation in enumerate(run.observations):
            if index == len(support):
                support.append({})
            votes = support[index]
            votes[observation.key] = votes.get(observation.key, 0) + count
    return support


def _voters(runs: Sequence[CandidateRun], counts: Sequence[int]) -> list[int]:
    """Submission counts of the candidates whose answers pick a cluster's representative:
    those that meet every spec example, when any does. A program failing the task's own
    examples is wrong, and its answers on the inputs left out of the comparison should not
    choose between the winners (MBPP/125: on ``'1'``, four programs that fail the stated
    example side with the wrong members of the winning behaviour and outvote its right ones)."""
    passing = [_passes_spec_examples(run) for run in runs]
    if not any(passing):
        return list(counts)
    return [count if passes else 0 for count, passes in zip(counts, passing, strict=True)]


def _select(
    cluster: _Cluster,
    runs: Sequence[CandidateRun],
    counts: Sequence[int],
    support: Sequence[dict[str, int]],
) -> int:
    """The cluster's member to stand for it: one without timeouts, then the one agreeing
    with the most voting candidates (`_voters`) over *all* inputs, then the most submitted.

    Members agree on every input that counted, but may differ on the contested ones left
    out of the comparison (inputs many candidates refuse); there the behaviour most
    candidates share is the safer guess than the most submitted program's (MBPP/306: the
    most submitted member of the winning behaviour is the one wrong program in it).
    """

    def rank(index: int) -> tuple[int, int, int, int]:
        observations = runs[index].observations
        slow = sum(1 for o in observations if o.outcome.status is Status.TIMEOUT)
        agreement = sum(
            support[i].get(o.key, 0) for i, o in enumerate(observations) if i < len(support)
        )
        return (slow, -agreement, -counts[index], index)

    return min(cluster.members, key=rank)


def _differences(
    index: int, winner: _Cluster, runs: Sequence[CandidateRun], domain: Sequence[int]
) -> list[int]:
    reference = runs[winner.members[0]]
    run = runs[index]
    return [
        i
        for i in domain
        if not same_behaviour(run.observations[i].outcome, reference.observations[i].outcome)
    ]


def _supporters(
    index: int, outcome: Outcome, runs: Sequence[CandidateRun], counts: Sequence[int]
) -> int:
    return sum(
        count
        for run, count in zip(runs, counts, strict=True)
        if run.imported and same_behaviour(run.observations[index].outcome, outcome)
    )


def _refusals_only(run: CandidateRun, reference: CandidateRun, differing: Sequence[int]) -> bool:
    """Whether `run` differs from the winners only by raising where they answer, each time
    on an edge input (a boundary: empty, zero, one element; or a random draw, which
    Hypothesis steers to such values) or with a ``raise`` of its own.

    Tasks seldom say what an empty list should give, and a program that checks its input
    and rejects what it finds invalid (``raise ValueError("lists differ in length")``) has
    declined the input, not answered it wrongly. Either way it agrees on every typical
    input, so it is fragile or strict, not wrong, and gets a warning. A different *value*,
    or an accidental crash (an IndexError from its own indexing) on a typical input, is
    still a disagreement.
    """
    return all(
        reference.observations[i].outcome.status is Status.OK
        and run.observations[i].outcome.status is Status.ERROR
        and (
            run.observations[i].input.origin not in TYPICAL_ORIGINS
            or raised_on_purpose(run.observations[i].outcome, own_code_only=True)
        )
        for i in differing
    )


def _disagreement(
    index: int,
    differing: Sequence[int],
    winner: _Cluster,
    runs: Sequence[CandidateRun],
    counts: Sequence[int],
    domain: Sequence[int],
    spec: Spec,
    where: Location,
    *,
    refusal_only: bool,
) -> list[Finding]:
    run = runs[index]
    reference = runs[winner.members[0]]
    best = min(
        differing,
        key=lambda i: (
            run.observations[i].input.origin != "example",
            len(run.observations[i].input.call_source(spec.entry_point)),
        ),
    )
    observation = run.observations[best]
    call = observation.input.call_source(spec.entry_point)
    got = outcome_text(observation.outcome)
    expected = outcome_text(reference.observations[best].outcome)
    total = sum(c for r, c in zip(runs, counts, strict=True) if r.imported)
    agree_with_winner = _supporters(best, reference.observations[best].outcome, runs, counts)
    agree_with_this = _supporters(best, observation.outcome, runs, counts)
    backed = winner.examples_total > 0 and winner.examples_passed == winner.examples_total
    majority = winner.size * 2 > total
    severity = Severity.ERROR if (backed or majority) and not refusal_only else Severity.WARNING
    support = f"{agree_with_winner} of {total} candidates"
    if backed:
        support += f" (passing all {winner.examples_total} spec examples)"
    edge = (
        "; it only declines inputs the others answer (edge cases, or ones it rejects on purpose)"
        if refusal_only
        else ""
    )
    return [
        Finding(
            rule="AS701",
            family=Family.DISAGREEMENT,
            severity=severity,
            path=where.path,
            line=where.line,
            col=0,
            message=f"on {call} this {_does(got)}; {support} {_does(expected, plural=True)}{edge}",
            evidence={
                "input": call,
                "got": got,
                "expected": expected,
                "agree_with_expected": agree_with_winner,
                "agree_with_got": agree_with_this,
                "candidates": total,
                "differing_inputs": [
                    run.observations[i].input.call_source(spec.entry_point) for i in differing[:5]
                ],
                "differing_count": len(differing),
                "inputs_compared": len(domain),
                "refusal_only": refusal_only,
            },
            fix="check this input by hand against the task; the consensus may be wrong only if the spec says so",
            confidence="high" if backed else "medium",
            candidate=where.candidate,
            function=where.function,
        )
    ]


def _does(outcome: str, *, plural: bool = False) -> str:
    """``returns 3`` / ``raises ValueError: ...`` (`outcome_text` already says "raises")."""
    if outcome.startswith("raises "):
        return outcome.replace("raises", "raise", 1) if plural else outcome
    return f"return {outcome}" if plural else f"returns {outcome}"


def _summary(
    run: CandidateRun,
    cluster: _Cluster | None,
    winner: _Cluster | None,
    in_winner: bool,
    accepted: bool,
    total: int,
    disagreement: list[Finding],
) -> str:
    if not run.imported:
        return f"does not import: {outcome_text(run.import_outcome)}"
    examples = (
        f"passes {cluster.examples_passed}/{cluster.examples_total} examples" if cluster else ""
    )
    if in_winner and winner is not None:
        head = f"in the winning behaviour ({winner.size} of {total} candidates)"
        return f"{head}; {examples}" + ("" if accepted else "; rejected by its own findings")
    if disagreement:
        head = "accepted with a warning: " if accepted else ""
        return head + disagreement[0].message + (f"; {examples}" if examples else "")
    return f"outside the winning behaviour; {examples}"


def _describe_cluster(
    number: int,
    cluster: _Cluster,
    winner: _Cluster,
    runs: Sequence[CandidateRun],
    counts: Sequence[int],
    support: Sequence[dict[str, int]],
    domain: Sequence[int],
    spec: Spec,
    best_score: float,
) -> dict[str, Any]:
    representative = (
        _select(cluster, runs, counts, support)
        if runs[cluster.members[0]].imported
        else cluster.members[0]
    )
    distinguishing: list[dict[str, str]] = []
    if number > 0 and runs[cluster.members[0]].imported:
        reference = runs[winner.members[0]]
        run = runs[cluster.members[0]]
        for index in _differences(cluster.members[0], winner, runs, domain)[:3]:
            distinguishing.append(
                {
                    "input": run.observations[index].input.call_source(spec.entry_point),
                    "output": outcome_text(run.observations[index].outcome),
                    "winner_output": outcome_text(reference.observations[index].outcome),
                }
            )
    return {
        "id": number,
        "size": cluster.size,
        "members": [runs[i].name for i in cluster.members],
        "representative": runs[representative].name,
        "score": _relative_score(cluster, winner, best_score),
        "winner": number == 0,
        "imports": runs[cluster.members[0]].imported,
        "examples_passed": cluster.examples_passed,
        "examples_total": cluster.examples_total,
        "extra_passed": cluster.extra_passed,
        "extra_total": cluster.extra_total,
        "distinguishing": distinguishing,
    }


def compare_candidates(
    task: Spec,
    candidates: Sequence[CandidateSource],
    *,
    extra_tests: Sequence[str] = (),
    extra_weight: float = EXTRA_WEIGHT,
    budget: int = 40,
    seed: int = 0,
    timeout_s: float = 2.0,
    path: str | None = None,
) -> Report:
    """`crosscheck` as a `Report`: findings of every candidate, verdicts, clusters, stats."""
    with Sandbox(workers=1, hash_seed=OTHER_HASH_SEED) as reseeded:
        result = crosscheck(
            task,
            candidates,
            extra_tests=extra_tests,
            extra_weight=extra_weight,
            budget=budget,
            seed=seed,
            timeout_s=timeout_s,
            path=path,
            reseeded=reseeded,
        )
    return report_of(task, candidates, result)


def report_of(task: Spec, candidates: Sequence[CandidateSource], result: CrossCheck) -> Report:
    """The `Report` of one cross-check of `candidates` on `task`: findings of every
    candidate, verdicts, clusters, stats, and the spec's and sandbox's warnings."""
    from assay._version import __version__

    degraded = sorted({item for run in result.runs for item in run.degraded})
    warnings = [*(f"spec: {problem}" for problem in task.problems), *result.warnings]
    warnings += [f"sandbox degraded: {item}" for item in degraded]
    selected = result.verdicts[result.selected].candidate if result.selected is not None else None
    return Report(
        tool_version=__version__,
        findings=sorted(result.findings, key=Finding.sort_key),
        files=[c.name for c in candidates],
        warnings=warnings,
        verdicts=list(result.verdicts),
        clusters=list(result.clusters),
        stats={
            "entry_point": task.entry_point,
            "candidates": len(candidates),
            "examples": len(task.trusted_examples),
            "inputs": len(result.inputs),
            "inputs_compared": len(result.domain),
            "selected": selected,
            "accepted": [v.candidate for v in result.verdicts if v.accepted],
        },
    )
