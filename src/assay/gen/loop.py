"""Verified generation: draft candidates with a model, verify them, repair with evidence.

The loop (`generate_verified`)::

    task + acceptance criteria
      -> draft: n candidates per backend (bare request greedy, with criteria greedy,
         paraphrased, sampled) + model-written tests            (assay.gen.draft)
      -> verify: static rules on each candidate (assay.check), then every candidate runs
         in the sandbox on the task's examples and generated inputs, clustered by
         behaviour; model tests are extra, down-weighted evidence  (assay.compare)
      -> with a first wave (``plan.first_wave``): stop drafting when the first candidates
         already earn a ``verified`` verdict; otherwise draft the rest of the plan
      -> if the selected candidate is not verified and rounds remain: repair prompts that
         carry the evidence (failing input, expected vs got, the finding and its rule),
         the repairs join the pool, verify again
      -> with ``plan.doubt_samples``: a result still short of ``verified`` gets that many
         more samples from a second way of asking (the plain instruction), verify again
      -> the selected candidate, its verdict (`assay.gen.verdict`: verified, plausible or
         rejected, with what evidence is missing), every candidate's verdict, the evidence

A candidate *passes its checks* (``CandidateResult.verified``) when the cross-check accepts
it (it is in the winning behaviour cluster and fails no runtime check), it passes every
trusted example of the task and no static rule reports an error in it; selection prefers
such candidates. The result's verdict asks more: independent agreement (see
`assay.gen.verdict`). Candidate code never runs outside `assay.sandbox`.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from assay.errors import InvalidArgument
from assay.gen.draft import DraftPlan, Drafts, draft, draft_doubt, draft_more
from assay.gen.prompts import CODE_STOPS, Evidence, default_criteria, extract_code, repair_request
from assay.gen.verdict import (
    DEFAULT_POLICY,
    GenVerdict,
    VerdictEvidence,
    VerdictLevel,
    VerdictPolicy,
    judge_result,
)
from assay.llm.base import Backend, Params, Usage
from assay.model import Candidate, Finding, Report, Severity, Task, TrustTier, Verdict
from assay.source.discover import read_text_file

if TYPE_CHECKING:
    from assay.behaviour.crosscheck import CandidateSource
    from assay.behaviour.spec import Spec

__all__ = [
    "CandidateResult",
    "GenerationResult",
    "generate_verified",
    "generation_criteria",
    "guess_tier",
    "load_task",
    "settles",
    "verify_candidates",
]

#: Called with a stage name and a one-line message (for progress displays).
ProgressFn = Callable[[str, str], None]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CandidateResult(_Frozen):
    """One candidate, its verdict and its static findings; ``verified`` means it passes the
    checks run on it (accepted by the cross-check, every stated example, no static error),
    not the result's calibrated verdict (`GenerationResult.verdict`)."""

    candidate: Candidate
    verdict: Verdict | None = None
    static_findings: list[Finding] = Field(default_factory=list)
    round: int = 0
    verified: bool = False


class GenerationResult(_Frozen):
    """What `generate_verified` found: the selected code (None when nothing was drafted),
    its verdict (``verified`` is ``verdict.level == verified``), every candidate with its
    verdict, and the evidence."""

    task: Task
    code: str | None
    selected: str | None
    verified: bool
    verdict: GenVerdict = Field(
        default_factory=lambda: GenVerdict(
            level=VerdictLevel.REJECTED, evidence=VerdictEvidence(selected=False)
        )
    )
    candidates: list[CandidateResult]
    evidence: list[Finding] = Field(default_factory=list)
    clusters: list[dict[str, Any]] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)
    model_tests: list[str] = Field(default_factory=list)
    rounds: int = 0
    usage: dict[str, int] = Field(default_factory=dict)
    model_seconds: float = 0.0
    seconds: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    #: Candidates drafted in the first wave, when drafting stopped early (else None).
    stopped_early: bool = False

    @property
    def selected_result(self) -> CandidateResult | None:
        """The selected candidate's result."""
        for item in self.candidates:
            if item.candidate.name == self.selected:
                return item
        return None


def load_task(
    prompt_or_path: str | Path,
    *,
    entry_point: str | None = None,
    criteria: Sequence[str] = (),
) -> Task:
    """A `Task` from request text, or from a file given as a `Path`: a ``.py`` stub
    (signature + docstring), a ``.json`` task (the `Task` fields), or any other text file
    (the request). A string is always the request itself, never opened as a file.

    Raises:
        InvalidArgument: the request is empty or a ``.json`` task is malformed.
        SourceError: the task file cannot be read.
    """
    if isinstance(prompt_or_path, Path):
        path = prompt_or_path
        text = read_text_file(path)
        if path.suffix == ".json":
            try:
                task = Task.model_validate_json(text)
            except ValueError as error:
                raise InvalidArgument(f"task file {path} is not a valid task: {error}") from error
            return task.model_copy(
                update={
                    "entry_point": entry_point or task.entry_point or _last_function(task.prompt),
                    "criteria": [*task.criteria, *criteria],
                }
            )
    else:
        text = prompt_or_path
    if not text.strip():
        raise InvalidArgument("the generation request is empty; pass a prompt or a task file")
    return Task(
        prompt=text,
        entry_point=entry_point or _last_function(text) or _named_function(text),
        criteria=list(criteria),
    )


def _last_function(text: str) -> str | None:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return names[-1] if names else None


def _named_function(text: str) -> str | None:
    match = re.search(r"(?:function|def)\s+`?([A-Za-z_][A-Za-z0-9_]*)`?\s*\(", text)
    if match:
        return match.group(1)
    match = re.search(r"`([A-Za-z_][A-Za-z0-9_]*)\(", text)
    return match.group(1) if match else None


_SECURITY_WORDS = re.compile(
    r"password|token|secret|auth|login|sql|shell|command|upload|path|url|encrypt|hash|session|cookie",
    re.I,
)
_PERFORMANCE_WORDS = re.compile(r"fast|efficient|large|million|billion|O\(|performance|scal", re.I)


def guess_tier(task: Task) -> TrustTier:
    """The trust tier a request implies, from its words: security-sensitive requests get
    security criteria, performance-critical ones a complexity bound, the rest logic ones."""
    if _SECURITY_WORDS.search(task.prompt):
        return TrustTier.SECURITY_SENSITIVE
    if _PERFORMANCE_WORDS.search(task.prompt):
        return TrustTier.PERFORMANCE_CRITICAL
    return TrustTier.LOGIC


@dataclass
class _Spent:
    """What the model calls of one generation cost so far."""

    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0

    def add(self, usage: Usage, seconds: float) -> None:
        """Count one more call (or batch of calls)."""
        self.usage = self.usage + usage
        self.seconds += seconds


def generate_verified(
    task: Task,
    backends: Sequence[Backend],
    *,
    plan: DraftPlan | None = None,
    repair_rounds: int = 1,
    repair_width: int = 2,
    criteria: Sequence[str] | None = None,
    tier: TrustTier | None = None,
    budget: int = 30,
    timeout: float = 2.0,
    static: bool = True,
    progress: ProgressFn | None = None,
    policy: VerdictPolicy = DEFAULT_POLICY,
) -> GenerationResult:
    """Draft, verify, repair; return the selected candidate with its verdict and evidence.

    Args:
        task: what to write (prompt or stub, entry point, criteria, examples, tests).
        backends: one or more models; candidates from several are cross-validated together.
        plan: how many samples of which kind each backend draws.
        repair_rounds: how many times to repair when nothing is verified.
        repair_width: how many distinct failing behaviours are repaired per round.
        criteria: acceptance criteria; default: the task's own plus defaults for `tier`.
        tier: the trust tier for default criteria; default: `guess_tier(task)`.
        budget: generated inputs per cross-check, beyond the examples.
        timeout: seconds per sandboxed call.
        static: run the static rules on every candidate.
        progress: called with (stage, message) as the loop advances.
        policy: the thresholds of a ``verified`` verdict (and of stopping early).

    Raises:
        InvalidArgument: no backend, or the task has no entry point.
        BackendError: a backend failed.
    """
    if not backends:
        raise InvalidArgument("generate() needs at least one backend")
    if not task.entry_point:
        raise InvalidArgument(
            "cannot tell which function to write; pass entry_point (--entry-point NAME) "
            "or name the function in the request"
        )
    started = time.perf_counter()
    plan = plan or DraftPlan()
    chosen_criteria = list(criteria) if criteria is not None else generation_criteria(task, tier)
    say = progress or (lambda stage, message: None)
    pool: list[CandidateResult] = []
    tests: list[str] = []
    spent = _Spent()
    for backend in backends:
        say("draft", f"drafting {plan.n} candidates with {backend.name} ({backend.model})")
        drafts = draft(
            task,
            backend,
            plan,
            chosen_criteria,
            progress=lambda what, done, total: say("draft", f"{what} ({done}/{total})"),
        )
        spent.add(drafts.usage, drafts.seconds)
        pool.extend(_named(drafts, backend, len(backends) > 1))
        tests = list(dict.fromkeys([*tests, *drafts.model_tests]))

    def reverify(items: list[CandidateResult]) -> _Verification:
        """Verify the pool again from scratch (the cross-check clusters the whole pool)."""
        return _verify(
            task,
            [r.model_copy(update={"verdict": None}) for r in items],
            tests,
            budget=budget,
            timeout=timeout,
            static=static,
            say=say,
        )

    def grown(drafted: Callable[[Backend], Drafts]) -> _Verification:
        """The pool with what `drafted` draws from each backend, verified."""
        items = list(verification.results)
        for backend in backends:
            more = drafted(backend)
            spent.add(more.usage, more.seconds)
            items.extend(_named(more, backend, len(backends) > 1))
        return reverify(items)

    verification = _verify(
        task, pool, tests, budget=budget, timeout=timeout, static=static, say=say
    )
    stopped_early = False
    if plan.first_wave is not None and plan.first_wave_samples < plan.sampled_slots:
        if settles(judge_result(verification.assess(), policy)):
            stopped_early = True
            say("draft", "the first candidates all agree and pass every example: drafting stopped")
        else:
            verification = grown(lambda b: draft_more(task, b, plan, chosen_criteria))
    rounds = 0
    while not verification.passes and rounds < repair_rounds:
        rounds += 1
        targets = _repair_targets(verification, repair_width)
        if not targets:
            break
        repaired: list[CandidateResult] = []
        for target in targets:
            say("repair", f"round {rounds}: repairing {target.candidate.name}")
            request = repair_request(
                task, target.candidate.code, _evidence_of(target), chosen_criteria
            )
            backend = _backend_of(target.candidate, backends)
            completions = backend.generate(
                request,
                Params(
                    temperature=0.0, max_tokens=plan.max_tokens, stop=CODE_STOPS, seed=plan.seed
                ),
            )
            for completion in completions:
                spent.add(completion.usage, completion.seconds)
                fixed = Candidate(
                    code=extract_code(completion.text, entry_point=task.entry_point),
                    name=f"{target.candidate.name}-r{rounds}",
                    backend=completion.backend or backend.name,
                    model=completion.model or backend.model,
                    sample_index=target.candidate.sample_index,
                    prompt_variant="repair-v1",
                )
                repaired.append(CandidateResult(candidate=fixed, round=rounds))
        verification = reverify([*verification.results, *repaired])
    if plan.doubt_samples and not judge_result(verification.assess(), policy).verified:
        say("draft", f"still in doubt: drafting {plan.doubt_samples} more from the plain request")
        verification = grown(lambda b: draft_doubt(task, b, plan))
    return _result(
        task,
        verification,
        policy,
        criteria=chosen_criteria,
        tests=tests,
        rounds=rounds,
        spent=spent,
        started=started,
        stopped_early=stopped_early,
    )


def settles(verdict: GenVerdict) -> bool:
    """Whether a first wave's verdict ends drafting early: ``verified``, and every program
    that ran behaves the same. A first wave with a dissenter is in doubt even when the
    policy's agreement is met: on MBPP pools of other models' programs, stopping at five
    whenever the policy was met verified three wrong results, each with a dissenter in the
    wave, one of which (Mbpp/223) the whole pool of eight got right."""
    evidence = verdict.evidence
    return verdict.verified and evidence.agreeing == evidence.programs


def verify_candidates(
    task: Task,
    candidates: Sequence[Candidate],
    *,
    budget: int = 30,
    timeout: float = 2.0,
    static: bool = True,
    policy: VerdictPolicy = DEFAULT_POLICY,
) -> GenerationResult:
    """Select among already-written `candidates` and judge the selection, without a model.

    The verification and verdict of `generate_verified` (same cross-check, same selection,
    same evidence) applied to a given pool, e.g. programs several models wrote for a task:
    the threshold study on such pools (``bench/gen_dev_pools.py``) measures exactly what
    ``assay gen`` decides. Each candidate's ``prompt_variant`` counts as its prompt format.

    Raises:
        InvalidArgument: no candidate, or the task has no entry point.
    """
    if not candidates:
        raise InvalidArgument("verify_candidates() needs at least one candidate")
    if not task.entry_point:
        raise InvalidArgument(
            "cannot tell which function the candidates implement; set the task's entry_point"
        )
    started = time.perf_counter()
    pool = [CandidateResult(candidate=candidate) for candidate in candidates]
    verification = _verify(
        task, pool, [], budget=budget, timeout=timeout, static=static, say=lambda s, m: None
    )
    return _result(
        task,
        verification,
        policy,
        criteria=list(task.criteria),
        tests=[],
        rounds=0,
        spent=_Spent(),
        started=started,
        stopped_early=False,
    )


def _result(
    task: Task,
    verification: _Verification,
    policy: VerdictPolicy,
    *,
    criteria: list[str],
    tests: list[str],
    rounds: int,
    spent: _Spent,
    started: float,
    stopped_early: bool,
) -> GenerationResult:
    """The `GenerationResult` of a finished verification."""
    selected = verification.selected
    verdict = judge_result(verification.assess(), policy)
    return GenerationResult(
        task=task,
        code=selected.candidate.code if selected is not None else None,
        selected=selected.candidate.name if selected is not None else None,
        verified=verdict.verified,
        verdict=verdict,
        stopped_early=stopped_early,
        candidates=verification.results,
        evidence=verification.evidence,
        clusters=verification.report.clusters if verification.report is not None else [],
        criteria=criteria,
        model_tests=tests,
        rounds=rounds,
        usage=spent.usage.as_dict(),
        model_seconds=round(spent.seconds, 3),
        seconds=round(time.perf_counter() - started, 3),
        warnings=list(verification.report.warnings) if verification.report is not None else [],
    )


def generation_criteria(task: Task, tier: TrustTier | None = None) -> list[str]:
    """The task's own acceptance criteria plus the defaults of its trust tier (`tier`, else
    `guess_tier(task)`)."""
    own = list(task.criteria)
    return list(dict.fromkeys([*own, *default_criteria(tier or guess_tier(task))]))


def _named(drafts: Drafts, backend: Backend, prefix: bool) -> list[CandidateResult]:
    results = []
    for candidate in drafts.candidates:
        name = f"{backend.name}:{candidate.name}" if prefix else candidate.name
        results.append(CandidateResult(candidate=candidate.model_copy(update={"name": name})))
    return results


def _backend_of(candidate: Candidate, backends: Sequence[Backend]) -> Backend:
    for backend in backends:
        if backend.name == candidate.backend and backend.model == candidate.model:
            return backend
    return backends[0]


class _Verification:
    """The state of the pool after one verification pass."""

    def __init__(
        self,
        results: list[CandidateResult],
        report: Report | None,
        selected: CandidateResult | None,
        answers: dict[str, int],
    ) -> None:
        self.results = results
        self.report = report
        self.selected = selected
        #: Distinct answers each candidate gave on the inputs compared, by name.
        self.answers = answers

    @property
    def passes(self) -> bool:
        """The selected candidate passes every check run on it."""
        return self.selected is not None and self.selected.verified

    def assess(self) -> VerdictEvidence:
        """The evidence the verdict on the selected candidate rests on."""
        chosen = self.selected
        if chosen is None or chosen.verdict is None or self.report is None:
            return VerdictEvidence(selected=False)
        verdict = chosen.verdict
        clusters = self.report.clusters
        # A cluster's "size" counts submissions; its members are the distinct programs.
        importing = [c for c in clusters if c.get("imports", True)]
        programs = sum(len(_names(c.get("members"))) for c in importing)
        samples = sum(_int(c.get("size")) for c in importing)
        own = clusters[verdict.cluster] if verdict.cluster is not None else None
        members = set(_names(own.get("members"))) if own is not None else {verdict.candidate}
        # Identical programs are one member of a cluster: every prompt format that produced
        # any copy of a member program counts.
        codes = {r.candidate.code for r in self.results if r.candidate.name in members}
        formats = {r.candidate.prompt_variant for r in self.results if r.candidate.code in codes}
        others = [c for c in importing if c is not own]
        runner_up = max(others, key=lambda c: len(_names(c.get("members"))), default=None)
        contradictions = [
            f.message
            for f in [*verdict.findings, *chosen.static_findings]
            if f.severity is Severity.ERROR
            or (f.severity is Severity.WARNING and f.rule.startswith("AS6"))
        ]
        examples = _int(self.report.stats.get("examples"))
        return VerdictEvidence(
            accepted=verdict.accepted,
            examples_total=verdict.examples_total,
            examples_passed=verdict.examples_passed,
            programs=programs,
            agreeing=len(members),
            formats=len(formats),
            generated_inputs=max(0, _int(self.report.stats.get("inputs_compared")) - examples),
            runner_up=len(_names(runner_up.get("members"))) if runner_up is not None else 0,
            contradictions=contradictions,
            contradicted_by_error=any(
                f.severity is Severity.ERROR for f in [*verdict.findings, *chosen.static_findings]
            ),
            disagreement_input=_first_distinguishing(runner_up),
            distinct_answers=self.answers.get(chosen.candidate.name, 0),
            samples=samples,
            agreeing_samples=_int(own.get("size")) if own is not None else 1,
        )

    @property
    def evidence(self) -> list[Finding]:
        if self.selected is None:
            return []
        own = self.selected.verdict.findings if self.selected.verdict is not None else []
        return [*self.selected.static_findings, *own]


def _verify(
    task: Task,
    pool: list[CandidateResult],
    tests: Sequence[str],
    *,
    budget: int,
    timeout: float,
    static: bool,
    say: ProgressFn,
) -> _Verification:
    from assay.behaviour.crosscheck import CandidateSource
    from assay.behaviour.spec import extract_spec

    say("verify", f"cross-checking {len(pool)} candidates in the sandbox")
    with_static = [
        item
        if item.static_findings or not static
        else item.model_copy(update={"static_findings": _static_findings(item.candidate)})
        for item in pool
    ]
    # Identical programs are one program submitted several times: one run, several votes
    # (a model repeating itself is not independent agreement).
    programs: dict[str, list[int]] = {}
    for index, item in enumerate(with_static):
        programs.setdefault(item.candidate.code, []).append(index)
    sources = [
        CandidateSource(with_static[members[0]].candidate.name, code, count=len(members))
        for code, members in programs.items()
    ]
    examples = [
        f"assert {e['input']} == {e['output']}"
        for e in task.examples
        if "input" in e and "output" in e
    ]
    spec = extract_spec(task.prompt, task.entry_point, tests=[*task.tests, *examples])
    report, answers = _compare(spec, sources, list(tests), budget=budget, timeout=timeout)
    agreement = _agreement(report, programs, with_static)
    verdict_of = {code: report.verdicts[number] for number, code in enumerate(programs)}
    results = []
    for item in with_static:
        shared = verdict_of[item.candidate.code]
        verdict = shared.model_copy(
            update={
                "candidate": item.candidate.name,
                "selected": shared.selected and shared.candidate == item.candidate.name,
            }
        )
        results.append(
            item.model_copy(
                update={"verdict": verdict, "verified": _is_verified(item, verdict, agreement)}
            )
        )
    chosen = _choose(results)
    # Progress only: the verdict (verified / plausible / rejected) comes after, from the
    # evidence as a whole; saying "verified" here contradicted a PLAUSIBLE verdict.
    say(
        "verify",
        "a candidate passes every check"
        if chosen is not None and chosen.verified
        else "no candidate passes every check yet",
    )
    answers_of = dict(zip(programs, answers, strict=True))
    return _Verification(
        results, report, chosen, {r.candidate.name: answers_of[r.candidate.code] for r in results}
    )


def _compare(
    spec: Spec,
    sources: Sequence[CandidateSource],
    tests: list[str],
    *,
    budget: int,
    timeout: float,
) -> tuple[Report, list[int]]:
    """The cross-check of `sources` as a report (what `compare_candidates` returns), and
    for each source the number of distinct answers it gave on the inputs that counted.

    Agreement on a constant answer is weak evidence: programs that all answer ``False`` on
    every generated input agree whatever they compute (a predicate whose true cases the
    random inputs never hit). The verdict needs the answers, which the report leaves out.
    """
    from assay.behaviour.crosscheck import crosscheck, report_of
    from assay.behaviour.probes import OTHER_HASH_SEED
    from assay.sandbox import Sandbox, Status

    with Sandbox(workers=1, hash_seed=OTHER_HASH_SEED) as reseeded:
        result = crosscheck(
            spec,
            sources,
            extra_tests=tests,
            budget=budget,
            seed=0,
            timeout_s=timeout,
            reseeded=reseeded,
        )
    report = report_of(spec, sources, result)
    answers = [
        len(
            {
                run.observations[i].key
                for i in result.domain
                if run.observations[i].outcome.status is not Status.TIMEOUT
            }
        )
        if run.imported
        else 0
        for run in result.runs
    ]
    return report, answers


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _names(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _first_distinguishing(cluster: dict[str, Any] | None) -> str | None:
    found = cluster.get("distinguishing") if cluster is not None else None
    if isinstance(found, list) and found and isinstance(found[0], dict):
        return str(found[0].get("input")) if found[0].get("input") is not None else None
    return None


def _static_findings(candidate: Candidate) -> list[Finding]:
    from assay.pipeline import check_text

    report = check_text(candidate.code, name=f"{candidate.name}.py")
    return [f.model_copy(update={"candidate": candidate.name}) for f in report.findings]


def _agreement(
    report: Report, programs: dict[str, list[int]], pool: Sequence[CandidateResult]
) -> dict[str, int]:
    """Distinct programs behaving like each candidate (its cluster's program count)."""
    cluster_programs: dict[int, int] = {}
    for verdict in report.verdicts:
        if verdict.cluster is not None:
            cluster_programs[verdict.cluster] = cluster_programs.get(verdict.cluster, 0) + 1
    by_code = {code: report.verdicts[number] for number, code in enumerate(programs)}
    return {
        item.candidate.name: cluster_programs.get(cluster, 1)
        if (cluster := by_code[item.candidate.code].cluster) is not None
        else 1
        for item in pool
    }


def _is_verified(item: CandidateResult, verdict: Verdict, agreement: dict[str, int]) -> bool:
    if not verdict.accepted:
        return False
    if any(f.severity is Severity.ERROR for f in item.static_findings):
        return False
    if verdict.examples_total:
        return verdict.examples_passed == verdict.examples_total
    return agreement.get(verdict.candidate, 1) >= 2


def _choose(results: Sequence[CandidateResult]) -> CandidateResult | None:
    """The selected candidate: the cross-check's choice if verified, else the verified
    candidate with the best score, else the cross-check's choice."""
    chosen = next((r for r in results if r.verdict is not None and r.verdict.selected), None)
    if chosen is not None and chosen.verified:
        return chosen
    verified = [r for r in results if r.verified and r.verdict is not None]
    if verified:
        return max(verified, key=lambda r: r.verdict.score if r.verdict is not None else 0.0)
    return chosen or (results[0] if results else None)


def _repair_targets(verification: _Verification, width: int) -> list[CandidateResult]:
    """Representatives of the best distinct failing behaviours, best score first."""
    seen_clusters: set[int | None] = set()
    seen_code: set[str] = set()
    ranked = sorted(
        (r for r in verification.results if r.verdict is not None),
        key=lambda r: (-(r.verdict.score if r.verdict is not None else 0.0), r.candidate.name),
    )
    targets = []
    for result in ranked:
        cluster = result.verdict.cluster if result.verdict is not None else None
        if cluster in seen_clusters or result.candidate.code in seen_code:
            continue
        if not _evidence_of(result):
            continue
        seen_clusters.add(cluster)
        seen_code.add(result.candidate.code)
        targets.append(result)
        if len(targets) >= width:
            break
    return targets


def _evidence_of(result: CandidateResult) -> list[Evidence]:
    """What is wrong with a candidate, as the repair prompt shows it."""
    findings = [
        *(result.verdict.findings if result.verdict is not None else []),
        *result.static_findings,
    ]
    relevant = [f for f in findings if f.severity is not Severity.INFO]
    relevant.sort(key=lambda f: (-f.severity.rank, f.rule))
    evidence = []
    for finding in relevant:
        data = finding.evidence
        # A disagreement's "expected" is the other candidates' answer, not the truth: the
        # message says whose answer it is, so it is not shown as an expectation.
        consensus_only = finding.rule.startswith("AS7")
        evidence.append(
            Evidence(
                summary=finding.message,
                input=_text(data.get("input")),
                expected=None if consensus_only else _text(data.get("expected")),
                got=_text(data.get("got")),
                rule=finding.rule,
                docs=_rule_summary(finding.rule),
            )
        )
    return evidence


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 300 else text[:297] + "..."


def _rule_summary(rule_id: str) -> str | None:
    from assay.errors import InvalidArgument as _Unknown
    from assay.rules._registry import get_rule

    try:
        return get_rule(rule_id).docs.summary
    except _Unknown:
        return None
