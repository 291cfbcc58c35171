"""Run candidates on inputs in the sandbox and judge each one on its own (family ``runtime``).

`run_candidates` builds one sandbox job per candidate: import the module, call the entry
point on every input, evaluate every example, and call a few inputs again (to see
nondeterminism). The result is a `CandidateRun`: one `Observation` per input plus one
`ExampleCheck` per example. Given a second sandbox whose workers hash strings under another
seed, the repeated inputs also run there once more, in a fresh process: a result that
changes there depends on the order of a set of strings. `runtime_findings` turns a run into
findings, each with the input, the output and the expectation as evidence:

=======  ============================  ==================================================
AS601    contradicts-own-example       an example of the spec gives a different result
AS602    crash-on-valid-input          an exception no ``raise`` in the code asked for
AS603    hangs-on-input                the call did not finish within the time limit
AS604    nondeterministic-output       the same input gave two different results
AS605    mutates-argument              the caller's argument changed, and a value is returned
AS606    constant-output               every input gives the same value
AS607    output-type-mismatch          the result's type contradicts the hint or the examples
=======  ============================  ==================================================

`assay.behaviour.stages.functions` uses this for `assay check`. Untrusted code runs only through `assay.sandbox`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assay.behaviour.inputs import ProbeInput, shape_from_hint
from assay.behaviour.spec import NOT_LITERAL, Example, Spec
from assay.model import Finding, Severity
from assay.rules._registry import finding_for
from assay.sandbox import Call, Job, JobResult, Limits, Outcome, Sandbox, Status
from assay.sandbox.canonical import canonical_key, canonicalize, equivalent

__all__ = [
    "NOT_BUILT",
    "OTHER_HASH_SEED",
    "CandidateRun",
    "ExampleCheck",
    "Observation",
    "args_text",
    "behaviour_key",
    "canonical_text",
    "example_passes",
    "raised_on_purpose",
    "repeat_indices",
    "run_candidates",
    "runtime_findings",
    "traceback_tail",
    "unpacked",
]

#: Inputs called a second time at the end of the job, to see nondeterminism: the first
#: example's and the largest (the more elements, the likelier an order shows).
REPEATS = 3
#: ``PYTHONHASHSEED`` of the second sandbox (`run_candidates`' `reseeded`): the first one's
#: is 0, and a set of strings iterates in another order under another seed.
OTHER_HASH_SEED = 1
#: Exception types that mean "the code is wrong" rather than "the input was refused".
_BUG_EXCEPTIONS = frozenset(
    {
        "IndexError",
        "KeyError",
        "ZeroDivisionError",
        "TypeError",
        "AttributeError",
        "UnboundLocalError",
        "NameError",
        "RecursionError",
        "ValueError",
        "StopIteration",
        "AssertionError",
        "OverflowError",
    }
)


def behaviour_key(outcome: Outcome) -> str:
    """What a call did, as a comparable string: ``v:<canonical value>``, ``e:<exception
    type>``, ``timeout``, ``memory``, ... Floats are compared to 9 significant digits."""
    if outcome.status is Status.OK:
        return "v:" + str(canonical_key(outcome.value))
    if outcome.status is Status.ERROR:
        return "e:" + (outcome.exception.type if outcome.exception else "Exception")
    return str(outcome.status)


def outcome_text(outcome: Outcome) -> str:
    """``[3, 3]``, ``raises IndexError: list index out of range`` or ``timeout``."""
    if outcome.status is Status.OK:
        text = str(outcome.value_repr) if outcome.value_repr is not None else repr(outcome.value)
        return text if len(text) <= 300 else text[:297] + "..."
    if outcome.status is Status.ERROR and outcome.exception is not None:
        message = outcome.exception.message.splitlines()[0] if outcome.exception.message else ""
        return f"raises {outcome.exception.type}" + (f": {message[:200]}" if message else "")
    return str(outcome.status)


@dataclass(frozen=True)
class Observation:
    """What one candidate did on one input."""

    input: ProbeInput
    outcome: Outcome

    @property
    def key(self) -> str:
        """`behaviour_key` of the outcome."""
        return behaviour_key(self.outcome)


@dataclass(frozen=True)
class ExampleCheck:
    """One spec example evaluated on one candidate. `passed` is None when the example
    could not be judged (its expected value did not evaluate)."""

    example: Example
    outcome: Outcome
    passed: bool | None
    expected_text: str


@dataclass(frozen=True)
class CandidateRun:
    """Everything one candidate did: import, one observation per input, example checks,
    repeated calls."""

    name: str
    source: str
    import_outcome: Outcome
    observations: tuple[Observation, ...]
    examples: tuple[ExampleCheck, ...]
    repeats: tuple[tuple[int, Outcome], ...] = ()
    executions: int = 0
    degraded: tuple[str, ...] = ()
    #: The repeated inputs run once more in a fresh process hashing strings under another
    #: seed (empty when no such sandbox was given), and the two seeds (first run, rerun).
    reseeded: tuple[tuple[int, Outcome], ...] = ()
    hash_seeds: tuple[int, int] | None = None

    @property
    def imported(self) -> bool:
        """Whether the module imported (its top-level code ran without error)."""
        return self.import_outcome.status is Status.OK

    @property
    def keys(self) -> tuple[str, ...]:
        """The behaviour key on every input, in input order."""
        return tuple(o.key for o in self.observations)

    @property
    def examples_passed(self) -> int:
        """Trusted examples this candidate passes."""
        return sum(1 for c in self.examples if c.passed and c.example.trusted)

    @property
    def examples_judged(self) -> int:
        """Trusted examples that could be judged."""
        return sum(1 for c in self.examples if c.passed is not None and c.example.trusted)


# ------------------------------------------------------------------------------ running


@dataclass(frozen=True)
class _Layout:
    inputs: int
    example_slots: tuple[tuple[int | None, int | None, Any], ...]
    repeats: tuple[int, ...]


def _build_job(
    source: str,
    spec: Spec,
    inputs: Sequence[ProbeInput],
    *,
    limits: Limits,
    preamble: str,
    name: str,
    cover: bool = False,
) -> tuple[Job, _Layout]:
    calls: list[Call] = [
        Call.expr(i.expression)
        if i.expression
        else Call.function(spec.entry_point, *i.args, **i.kwargs)
        for i in inputs
    ]
    by_key = {item.key: index for index, item in enumerate(inputs)}
    slots: list[tuple[int | None, int | None, Any]] = []
    for example in spec.examples:
        actual: int | None = None
        if example.direct:
            actual = by_key.get(ProbeInput(tuple(example.args or ()), dict(example.kwargs)).key)
        if actual is None:
            calls.append(Call.expr(example.actual))
            actual = len(calls) - 1
        expected_slot: int | None = None
        expected_value: Any = NOT_LITERAL
        if example.raises is None:
            if example.expected_value is not NOT_LITERAL:
                expected_value = canonicalize(example.expected_value)
            else:
                calls.append(Call.expr(example.expected))
                expected_slot = len(calls) - 1
        slots.append((actual, expected_slot, expected_value))
    repeats = repeat_indices(inputs)
    calls.extend(calls[index] for index in repeats)
    job = Job(
        source=source,
        calls=tuple(calls),
        limits=limits,
        name=name,
        preamble=preamble,
        entry_point=spec.entry_point,
        cover=cover,
    )
    return job, _Layout(len(inputs), tuple(slots), repeats)


def repeat_indices(inputs: Sequence[ProbeInput]) -> tuple[int, ...]:
    """Which inputs are called again: the first example's, then the largest ones.

    The first inputs are the smallest (empty, one element), where no order and little
    state can show; a random pick or a set's order shows on the inputs with most elements.
    """
    first_example = [i for i, item in enumerate(inputs) if item.origin == "example"][:1]
    by_size = sorted(
        (i for i in range(len(inputs)) if i not in first_example),
        key=lambda i: (-len(inputs[i].call_source("f")), i),
    )
    return tuple([*first_example, *by_size][:REPEATS])


def _parse_result(
    result: JobResult,
    spec: Spec,
    inputs: Sequence[ProbeInput],
    layout: _Layout,
    name: str,
    source: str,
) -> CandidateRun:
    outcomes = result.outcomes
    observations = tuple(
        Observation(item, unpacked(item, outcomes[i], spec.entry_point))
        for i, item in enumerate(inputs)
    )
    checks: list[ExampleCheck] = []
    for example, (actual, expected_slot, expected_value) in zip(
        spec.examples, layout.example_slots, strict=False
    ):
        outcome = outcomes[actual] if actual is not None else result.import_outcome
        if expected_slot is not None:
            expected_outcome = outcomes[expected_slot]
            if expected_outcome.status is Status.OK:
                expected_value = expected_outcome.value
        passed = example_passes(example, outcome, expected_value)
        checks.append(ExampleCheck(example, outcome, passed, example.raises or example.expected))
    base = len(outcomes) - len(layout.repeats)
    repeats = tuple(
        (index, unpacked(inputs[index], outcomes[base + offset], spec.entry_point))
        for offset, index in enumerate(layout.repeats)
    )
    return CandidateRun(
        name=name,
        source=source,
        import_outcome=result.import_outcome,
        observations=observations,
        examples=tuple(checks),
        repeats=repeats,
        executions=len(outcomes),
        degraded=result.degraded,
    )


#: The exception type given to an input whose arguments the module itself refused to build
#: (a dataclass's ``__post_init__`` check, a pydantic validator): the function never ran.
NOT_BUILT = "assay.InputNotBuilt"


def unpacked(item: ProbeInput, outcome: Outcome, entry: str) -> Outcome:
    """The outcome of an input written as an expression (`ProbeInput.expression`) in the form
    of a function call's: the result, its repr and the arguments after the call (the trusted
    side's form of the input when the call left them equal to a second copy built alongside,
    or when it returned the object it changed, not a plain container: ``advance(order,
    ...) -> order`` updates the entity it hands back on purpose, ``rows.sort(); return
    rows`` does not).
    An error raised before `entry` was entered is the module refusing to build the arguments:
    its type becomes `NOT_BUILT`, which no probe counts."""
    if not item.expression:
        return outcome
    if outcome.status is Status.ERROR and outcome.exception is not None:
        if f", in {entry}\n" not in outcome.exception.traceback + "\n":
            refused = replace(outcome.exception, type=NOT_BUILT)
            return replace(outcome, exception=refused)
        return outcome
    value = outcome.value
    if outcome.status is not Status.OK or not (
        isinstance(value, dict) and len(value.get("__tuple__", ())) == 5
    ):
        return outcome
    shown, result, after, before, returned_an_argument = value["__tuple__"]
    same = returned_an_argument is True or canonical_key(after) == canonical_key(before)
    return replace(
        outcome,
        value=result,
        value_repr=shown if isinstance(shown, str) else None,
        args_after=canonicalize((item.args, item.kwargs)) if same else after,
    )


def example_passes(example: Example, outcome: Outcome, expected: Any) -> bool | None:
    """Whether `outcome` satisfies `example` (expected given in canonical form); None when
    the expected value is unknown."""
    if example.raises is not None:
        if outcome.status is not Status.ERROR or outcome.exception is None:
            return False
        wanted = example.raises.rsplit(".", 1)[-1]
        return outcome.exception.type.rsplit(".", 1)[-1] == wanted or wanted == "Exception"
    if expected is NOT_LITERAL:
        return None
    if outcome.status is not Status.OK:
        return False
    tolerance = example.tolerance if example.tolerance is not None else 1e-9
    return _python_equal(outcome.value, expected, tolerance)


def _python_equal(got: Any, expected: Any, tolerance: float) -> bool:
    """`equivalent`, plus Python's ``True == 1`` (the examples are compared with ``==``)."""
    if isinstance(got, bool) != isinstance(expected, bool) and _numeric(got) and _numeric(expected):
        return float(got) == float(expected)
    return equivalent(got, expected, abs_tol=tolerance)


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float))


def run_candidates(
    candidates: Sequence[tuple[str, str]],
    spec: Spec,
    inputs: Sequence[ProbeInput],
    *,
    sandbox: Sandbox | None = None,
    limits: Limits | None = None,
    preamble: str = "from typing import *",
    workers: int = 2,
    reseeded: Sandbox | None = None,
    cover: bool = False,
) -> list[CandidateRun]:
    """Run every ``(name, source)`` candidate on the same `inputs` and spec examples.

    Args:
        candidates: names and module sources defining ``spec.entry_point``.
        spec: the task's spec (entry point and examples).
        inputs: the inputs every candidate is called with (same order for all).
        sandbox: a running sandbox to use; default: one opened (and closed) here.
        limits: per-call limits; default 2 s and 512 MB.
        preamble: code run before each module (``from typing import *`` by default, as the
            benchmarks' harnesses do).
        workers: sandbox workers when this function opens its own sandbox.
        reseeded: a sandbox whose workers hash strings under another seed (see
            `Sandbox`'s `hash_seed`): the repeated inputs run there too, in a fresh process,
            and `CandidateRun.reseeded` holds what they gave; default: not done.
        cover: record the line arcs of the entry point on every call (`Outcome.arcs`:
            which branches each input reached); default: not recorded.
    """
    chosen = limits or Limits(timeout_s=2.0, memory_mb=512)
    built = [
        _build_job(source, spec, inputs, limits=chosen, preamble=preamble, name=name, cover=cover)
        for name, source in candidates
    ]
    if sandbox is None:
        with Sandbox(workers=workers) as own:
            results = list(own.map(job for job, _ in built))
    else:
        results = list(sandbox.map(job for job, _ in built))
    runs = [
        _parse_result(result, spec, inputs, layout, name, source)
        for result, (_, layout), (name, source) in zip(results, built, candidates, strict=True)
    ]
    if reseeded is None:
        return runs
    # The job's first calls are one per input, in order: the repeats are those calls again.
    again = [
        replace(job, calls=tuple(job.calls[i] for i in layout.repeats)) for job, layout in built
    ]
    seeds = (sandbox.hash_seed if sandbox is not None else 0, reseeded.hash_seed)
    return [
        _with_reseeded(run, layout.repeats, result, seeds, inputs, spec.entry_point)
        for run, (_, layout), result in zip(runs, built, reseeded.map(again), strict=True)
    ]


def _with_reseeded(
    run: CandidateRun,
    repeats: tuple[int, ...],
    result: JobResult,
    seeds: tuple[int, int],
    inputs: Sequence[ProbeInput],
    entry: str,
) -> CandidateRun:
    # Results can only be compared when the module imported both times; a module whose
    # import fails under one seed only is not compared (nothing here reports it).
    if not run.imported or result.import_outcome.status is not Status.OK:
        return run
    return replace(
        run,
        reseeded=tuple(
            (index, unpacked(inputs[index], outcome, entry))
            for index, outcome in zip(repeats, result.outcomes, strict=True)
        ),
        hash_seeds=seeds,
        executions=run.executions + len(result.outcomes),
    )


# ----------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Location:
    """Where findings about a candidate are reported."""

    path: str
    line: int = 1
    function: str | None = None
    candidate: str | None = None


def _finding(
    rule: str,
    severity: Severity,
    where: Location,
    message: str,
    evidence: dict[str, Any],
    *,
    fix: str | None = None,
    confidence: str = "high",
) -> Finding:
    # The severity is the probe's judgement of this one run (AS602 on a stated example is
    # an error, on a generated input a warning), so it is passed explicitly.
    return finding_for(
        rule,
        severity=severity,
        path=where.path,
        line=where.line,
        message=message,
        evidence=evidence,
        fix=fix,
        confidence=confidence,
        candidate=where.candidate,
        function=where.function,
    )


@dataclass
class _Context:
    run: CandidateRun
    spec: Spec
    where: Location
    entry: str
    valid: set[int] = field(default_factory=set)
    refused: Callable[[Observation], bool] | None = None


def runtime_findings(
    run: CandidateRun,
    spec: Spec,
    where: Location,
    *,
    valid_inputs: set[int] | None = None,
    refused: Callable[[Observation], bool] | None = None,
) -> list[Finding]:
    """The single-candidate findings (AS601-AS607) for one run, each with its evidence.

    Args:
        run: what the candidate did.
        spec: the spec it was run against.
        where: path/line/function/candidate the findings are reported at.
        valid_inputs: indices of inputs known to be in the task's domain (e.g. where most
            candidates return a value); default: example inputs, boundaries, ties and mutations.
        refused: tells which failing observations are the code refusing an input outside
            the domain it states (not crashes, so not AS602); default: only a ``raise`` line.
    """
    valid = valid_inputs
    if valid is None:
        valid = {
            i
            for i, o in enumerate(run.observations)
            if o.input.origin in {"example", "mutation", "boundary", "tie", "typed"}
        }
    context = _Context(run, spec, where, spec.entry_point, valid, refused)
    if not run.imported:
        return [_import_failure(context)]
    findings: list[Finding] = []
    findings.extend(_example_failures(context))
    findings.extend(_crashes_and_hangs(context))
    findings.extend(_nondeterminism(context))
    findings.extend(_mutation(context))
    findings.extend(_constant_output(context))
    findings.extend(_type_mismatch(context))
    return findings


def _import_failure(context: _Context) -> Finding:
    outcome = context.run.import_outcome
    return _finding(
        "AS602",
        Severity.ERROR,
        context.where,
        f"the module fails before {context.entry} can be called: {outcome_text(outcome)}",
        {"input": "<import>", "got": outcome_text(outcome), "expected": "the module imports"},
        fix=f"make the module import cleanly and define {context.entry} (a missing import? a "
        "misnamed function? top-level code that needs input?)",
    )


def _example_failures(context: _Context) -> Iterator[Finding]:
    for check in context.run.examples:
        if check.passed is not False or not check.example.trusted:
            continue
        example = check.example
        got = outcome_text(check.outcome)
        expected = f"raises {example.raises}" if example.raises else check.expected_text
        yield _finding(
            "AS601",
            Severity.ERROR,
            context.where,
            f"{example.actual} returns {got}, but the spec (line {example.line}) says {expected}",
            {
                "input": example.actual,
                "expected": expected,
                "got": got,
                "example_line": example.line,
                "example_origin": example.origin,
            },
            fix="make the function satisfy its own example, or fix the example if it is wrong",
        )


def raised_on_purpose(outcome: Outcome, *, own_code_only: bool = False) -> bool:
    """Whether the exception comes from a ``raise`` statement (the input was refused, not
    mishandled): the innermost frame of the traceback shows a ``raise`` line.

    Args:
        outcome: a call's outcome; False unless it raised.
        own_code_only: also require that frame to be the candidate's own module (which the
            sandbox compiles under a pseudo file name like ``<name>``), not a library's.
    """
    if outcome.exception is None:
        return False
    lines = [line.strip() for line in outcome.exception.traceback.strip().splitlines()]
    code_lines = [
        line for line in lines if line and not line.startswith(("File ", "Traceback", "^", "~"))
    ]
    if len(code_lines) < 2 or not code_lines[-2].startswith("raise "):
        return False
    if not own_code_only:
        return True
    frames = [line for line in lines if line.startswith('File "')]
    return bool(frames) and frames[-1].startswith('File "<')


def _crashes_and_hangs(context: _Context) -> Iterator[Finding]:
    example_keys = {c.example.actual for c in context.run.examples}
    crashes: list[Observation] = []
    hangs: list[Observation] = []
    for index, observation in enumerate(context.run.observations):
        if index not in context.valid:
            continue
        outcome = observation.outcome
        on_example = observation.input.origin == "example"
        if outcome.status is Status.TIMEOUT:
            hangs.append(observation)
        elif (
            outcome.status is Status.ERROR
            and outcome.exception is not None
            and outcome.exception.type in _BUG_EXCEPTIONS
            and not raised_on_purpose(outcome)
            and not (context.refused is not None and context.refused(observation))
            and not (on_example and observation.input.call_source(context.entry) in example_keys)
        ):
            crashes.append(observation)
    if crashes:
        first = min(crashes, key=lambda o: len(o.input.call_source(context.entry)))
        yield _finding(
            "AS602",
            Severity.WARNING,
            context.where,
            f"{first.input.call_source(context.entry)} {outcome_text(first.outcome)}"
            + (f" (and {len(crashes) - 1} more inputs crash)" if len(crashes) > 1 else ""),
            {
                "input": first.input.call_source(context.entry),
                "got": outcome_text(first.outcome),
                "expected": "a value, or a deliberate exception for a refused input",
                "crashing_inputs": [o.input.call_source(context.entry) for o in crashes[:5]],
                "traceback_tail": traceback_tail(first.outcome),
            },
            fix="handle this input, or reject it explicitly with a clear exception",
            confidence="medium",
        )
    if hangs:
        first = min(hangs, key=lambda o: len(o.input.call_source(context.entry)))
        yield _finding(
            "AS603",
            Severity.ERROR if first.input.origin == "example" else Severity.WARNING,
            context.where,
            f"{first.input.call_source(context.entry)} did not finish in {first.outcome.wall_s:.1f} s",
            {
                "input": first.input.call_source(context.entry),
                "got": "timeout",
                "expected": "a result",
                "hanging_inputs": [o.input.call_source(context.entry) for o in hangs[:5]],
            },
            fix="check the loop's exit condition and the recursion's base case for this input",
            confidence="medium",
        )


def traceback_tail(outcome: Outcome) -> str:
    """The last three lines of the outcome's traceback ('' when it raised nothing)."""
    if outcome.exception is None:
        return ""
    return "\n".join(outcome.exception.traceback.strip().splitlines()[-3:])


def _nondeterminism(context: _Context) -> Iterator[Finding]:
    for index, second in context.run.repeats:
        first = context.run.observations[index]
        if _differs(first, second):
            yield _finding(
                "AS604",
                Severity.WARNING,
                context.where,
                f"{first.input.call_source(context.entry)} returned {outcome_text(first.outcome)} "
                f"and then {outcome_text(second)}",
                {
                    "input": first.input.call_source(context.entry),
                    "got": [outcome_text(first.outcome), outcome_text(second)],
                    "expected": "the same result for the same input",
                },
                fix="remove hidden state (module-level caches, mutable defaults) and unseeded randomness",
            )
            return
    for index, again in context.run.reseeded:
        first = context.run.observations[index]
        if _differs(first, again):
            seeds = list(context.run.hash_seeds or ())
            yield _finding(
                "AS604",
                Severity.WARNING,
                context.where,
                f"{first.input.call_source(context.entry)} returned {outcome_text(first.outcome)}, "
                f"and {outcome_text(again)} when run again in a new process (string hash seed "
                f"{seeds[1]} instead of {seeds[0]}): the result depends on the order of a set "
                "or dict of strings, or on something else that changes between runs",
                {
                    "input": first.input.call_source(context.entry),
                    "got": [outcome_text(first.outcome), outcome_text(again)],
                    "expected": "the same result in every run",
                    "hash_seeds": seeds,
                },
                fix="sort what comes out of a set (sorted(set(xs))) or keep the input's order "
                "(list(dict.fromkeys(xs))) instead of relying on the order of a set",
            )
            return


def _differs(first: Observation, second: Outcome) -> bool:
    return (
        first.outcome.status is Status.OK
        and second.status is Status.OK
        and first.key != behaviour_key(second)
    )


def _mutation(context: _Context) -> Iterator[Finding]:
    for observation in context.run.observations:
        outcome = observation.outcome
        if outcome.status is not Status.OK or outcome.args_after is None or outcome.value is None:
            continue
        before = canonicalize((observation.input.args, observation.input.kwargs))
        if canonical_key(before) != canonical_key(outcome.args_after):
            yield _finding(
                "AS605",
                Severity.WARNING,
                context.where,
                f"{observation.input.call_source(context.entry)} changes its argument "
                f"(the caller's value afterwards: {args_text(outcome.args_after)})",
                {
                    "input": observation.input.call_source(context.entry),
                    "got": args_text(outcome.args_after),
                    "expected": "arguments left as they were (the function returns a value)",
                },
                fix="work on a copy (sorted(xs), list(xs)) instead of the caller's object",
            )
            return


def args_text(canonical_args: Any) -> str:
    """The positional arguments of a canonical ``(args, kwargs)`` pair, as Python-like text."""
    args = canonical_args
    if isinstance(args, dict) and "__tuple__" in args and len(args["__tuple__"]) == 2:
        args = args["__tuple__"][0]
    text = canonical_text(args)
    if text.startswith("(") and text.endswith(",)"):
        text = text[1:-2]
    elif text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text if len(text) <= 200 else text[:197] + "..."


def canonical_text(value: Any) -> str:
    """A canonical form (see `assay.sandbox.canonical`) written back as Python-like text."""
    if isinstance(value, list):
        return "[" + ", ".join(canonical_text(v) for v in value) + "]"
    if isinstance(value, dict) and len(value) == 1:
        tag, inner = next(iter(value.items()))
        if tag == "__tuple__" and isinstance(inner, list):
            body = ", ".join(canonical_text(v) for v in inner)
            return f"({body},)" if len(inner) == 1 else f"({body})"
        if tag == "__set__" and isinstance(inner, list):
            return "{" + ", ".join(canonical_text(v) for v in inner) + "}" if inner else "set()"
        if tag == "__dict__" and isinstance(inner, list):
            return (
                "{" + ", ".join(f"{canonical_text(k)}: {canonical_text(v)}" for k, v in inner) + "}"
            )
        if tag == "__float__":
            return f"float({str(inner)!r})"
    return repr(value)


def _constant_output(context: _Context) -> Iterator[Finding]:
    values = [o for o in context.run.observations if o.outcome.status is Status.OK]
    distinct_inputs = {o.input.key for o in values}
    if len(distinct_inputs) < 8 or len({o.key for o in values}) != 1:
        return
    expected = {
        canonical_key(canonicalize(e.expected_value))
        for e in context.spec.trusted_examples
        if e.expected_value is not NOT_LITERAL and e.direct
    }
    returns = context.spec.signature.returns if context.spec.signature else None
    # A check that accepts every input checks nothing (the dropped validation). False for
    # every input is left alone: `name == "root"` is False for almost every input drawn.
    accepts_everything = values[0].outcome.value is True and returns in {None, "bool"}
    if (
        len(expected) < 2
        and not accepts_everything
        and (returns is None or returns in {"bool", "None"})
    ):
        return
    value = outcome_text(values[0].outcome)
    if len(expected) >= 2:
        why = f", though the examples expect {len(expected)} different values"
    elif accepts_everything:
        why = ": a check that accepts every input checks nothing"
    else:
        why = ""
    yield _finding(
        "AS606",
        Severity.ERROR if len(expected) >= 2 else Severity.WARNING,
        context.where,
        f"{context.entry} returns {value} for all {len(distinct_inputs)} inputs tried{why}",
        {
            "input": [o.input.call_source(context.entry) for o in values[:5]],
            "got": value,
            "expected": "results that depend on the input",
        },
        fix="the result does not depend on the input: look for a placeholder return or an early exit",
    )


_HINT_KINDS = {
    "int": {"int"},
    "float": {"int", "float"},
    "str": {"str"},
    "bool": {"bool"},
    "none": {"none"},
    "list": {"list"},
    "tuple": {"tuple"},
    "dict": {"dict"},
    "set": {"set"},
}


def _canonical_kind(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict) and len(value) == 1:
        tag = next(iter(value))
        return {
            "__tuple__": "tuple",
            "__set__": "set",
            "__dict__": "dict",
            "__float__": "float",
        }.get(tag, "other")
    return "other"


def _kind_text(kind: str) -> str:
    return "None" if kind == "none" else f"a {kind}"


def _allowed_kinds(spec: Spec) -> tuple[set[str], str] | None:
    returns = spec.signature.returns if spec.signature else None
    if returns:
        shape = shape_from_hint(returns)
        options = shape.items if shape.kind == "union" else (shape,)
        kinds: set[str] = set()
        for option in options:
            if option.kind not in _HINT_KINDS:
                return None
            kinds |= _HINT_KINDS[option.kind]
        return kinds, f"the return hint {returns}"
    return None


def _type_mismatch(context: _Context) -> Iterator[Finding]:
    allowed = _allowed_kinds(context.spec)
    if allowed is None:
        return
    kinds, reason = allowed
    for observation in context.run.observations:
        outcome = observation.outcome
        if outcome.status is not Status.OK:
            continue
        kind = _canonical_kind(outcome.value)
        if kind != "other" and kind not in kinds:
            yield _finding(
                "AS607",
                Severity.WARNING,
                context.where,
                f"{observation.input.call_source(context.entry)} returns {_kind_text(kind)} "
                f"({outcome_text(outcome)}), but {reason} says {' or '.join(sorted(kinds))}",
                {
                    "input": observation.input.call_source(context.entry),
                    "got": outcome_text(outcome),
                    "expected": reason,
                },
                fix="return the documented type on every path (a forgotten return gives None)",
            )
            return
