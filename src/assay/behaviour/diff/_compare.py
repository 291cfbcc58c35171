"""Run both versions on the same inputs, tell where they differ, shrink what differs.

Both modules run through `run_candidates` (one sandbox job per side per batch of inputs:
the first `CHUNK` inputs, then the rest unless a call hung). An input tells the versions
apart when they return different values (floats to 9 significant digits, as
`same_behaviour` compares), raise different exception types, one raises and the other
returns, the caller's arguments end up different, or they print different text. Timeouts,
memory exhaustion and inputs the module refused to build are no answer and compare with
nothing. A version whose repeated calls disagree with its first ones is nondeterministic:
its differences would be noise, so the pair is not judged.

`shrink` takes a difference and tries smaller inputs (shorter lists and strings, smaller
numbers: one edit per argument per step), keeping the smallest that still shows the same
difference (the same kinds of outcome on each side), for at most `SHRINK_ROUNDS` batches.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assay.behaviour.crosscheck import same_behaviour
from assay.behaviour.diff._inputs import ALIAS
from assay.behaviour.inputs import ProbeInput
from assay.behaviour.probes import (
    NOT_BUILT,
    CandidateRun,
    args_text,
    behaviour_key,
    outcome_text,
    run_candidates,
)
from assay.behaviour.spec import Spec
from assay.sandbox import Limits, Outcome, Sandbox, Status
from assay.sandbox.canonical import FLOAT_REL_TOL, canonical_key, canonicalize, equivalent

__all__ = [
    "CHUNK",
    "SHRINK_BATCH",
    "SHRINK_ROUNDS",
    "SHRINK_SECONDS",
    "Difference",
    "PairRun",
    "answered",
    "difference",
    "differences",
    "run_pair",
    "shown",
    "shrink",
]

#: Inputs in the first batch: when one of them hangs, the rest is not run.
CHUNK = 4
#: Batches of smaller inputs tried per counterexample, and inputs per batch.
SHRINK_ROUNDS = 8
SHRINK_BATCH = 40
#: Wall-clock seconds all the shrinking of one pair may take (a slow function shrinks less).
SHRINK_SECONDS = 20.0
_NO_ANSWER = frozenset({Status.TIMEOUT, Status.MEMORY, Status.KILLED, Status.CRASHED})


@dataclass(frozen=True)
class PairRun:
    """What both versions did on the same inputs, in order; `import_failure` is set when a
    module did not import (which side, and what happened)."""

    inputs: tuple[ProbeInput, ...]
    old: tuple[Outcome, ...]
    new: tuple[Outcome, ...]
    nondeterministic: str | None = None
    import_failure: tuple[str, Outcome] | None = None


@dataclass(frozen=True)
class Difference:
    """One input where the versions differ: its index, what differs, both outcomes."""

    index: int
    kind: str
    old: Outcome
    new: Outcome

    @property
    def pattern(self) -> tuple[str, str, str]:
        """What a smaller input must reproduce: the kind and each side's kind of outcome."""
        return self.kind, _outcome_kind(self.old), _outcome_kind(self.new)


def _outcome_kind(outcome: Outcome) -> str:
    if outcome.status is Status.ERROR:
        return "e:" + (outcome.exception.type if outcome.exception else "")
    return str(outcome.status)


def _spec() -> Spec:
    return Spec(entry_point=ALIAS)


def _one_batch(
    sources: tuple[str, str],
    inputs: Sequence[ProbeInput],
    sandbox: Sandbox,
    limits: Limits,
) -> tuple[CandidateRun, CandidateRun]:
    old_run, new_run = run_candidates(
        [("old", sources[0]), ("new", sources[1])],
        _spec(),
        inputs,
        sandbox=sandbox,
        limits=limits,
        preamble="",
    )
    return old_run, new_run


def run_pair(
    sources: tuple[str, str],
    inputs: Sequence[ProbeInput],
    *,
    sandbox: Sandbox,
    limits: Limits,
) -> PairRun:
    """Run the old and the new module (each binding `ALIAS`) on `inputs`."""
    observed: list[tuple[ProbeInput, Outcome, Outcome]] = []
    nondeterministic: str | None = None
    for start, end in ((0, CHUNK), (CHUNK, len(inputs))):
        chunk = list(inputs[start:end])
        if not chunk:
            break
        old_run, new_run = _one_batch(sources, chunk, sandbox, limits)
        for side, run in (("old", old_run), ("new", new_run)):
            if not run.imported:
                return PairRun(tuple(inputs), (), (), None, (side, run.import_outcome))
        observed.extend(
            (o.input, o.outcome, n.outcome)
            for o, n in zip(old_run.observations, new_run.observations, strict=True)
        )
        nondeterministic = (
            nondeterministic or _unstable(old_run, "old") or _unstable(new_run, "new")
        )
        if any(
            outcome.status is Status.TIMEOUT
            for run in (old_run, new_run)
            for outcome in (o.outcome for o in run.observations)
        ):
            break
    return PairRun(
        tuple(item for item, _, _ in observed),
        tuple(o for _, o, _ in observed),
        tuple(n for _, _, n in observed),
        nondeterministic,
    )


def _unstable(run: CandidateRun, side: str) -> str | None:
    """Why `run` is nondeterministic (a repeated call gave another result), or None."""
    for index, again in run.repeats:
        first = run.observations[index]
        if first.outcome.status in _NO_ANSWER or again.status in _NO_ANSWER:
            continue
        if first.key != behaviour_key(again):
            call = first.input.call_source("f")[1:]
            return (
                f"the {side} version returned {outcome_text(first.outcome)} and then "
                f"{outcome_text(again)} for the same input {call}"
            )
    return None


def difference(old: Outcome, new: Outcome, item: ProbeInput | None = None) -> str | None:
    """What differs between two outcomes of one input `item` (see the module docstring),
    or None. A mutation counts when the new version changes an argument the old one
    leaves alone, or changes it otherwise; an old version that changed its argument *and*
    returned a value, where the new one returns the same value and leaves the argument
    alone, dropped a side effect of computing its result (``lst.sort()`` before building
    the answer), not a behaviour: the reference measurement found such differences only
    on programs that pass their tests (`bench/diff_reference.py`)."""
    if old.status in _NO_ANSWER or new.status in _NO_ANSWER:
        return None
    if _not_built(old) or _not_built(new):
        return None
    if not same_behaviour(old, new):
        return "value" if old.status is Status.OK and new.status is Status.OK else "exception"
    if (
        old.status is Status.OK
        and old.args_after is not None
        and new.args_after is not None
        and not equivalent(old.args_after, new.args_after, rel_tol=FLOAT_REL_TOL, abs_tol=1e-9)
    ):
        if item is not None and not item.expression and old.value is not None:
            before = canonical_key(canonicalize((item.args, item.kwargs)))
            if canonical_key(new.args_after) == before != canonical_key(old.args_after):
                return None if old.stdout == new.stdout else "output"
        return "mutation"
    if old.stdout != new.stdout:
        return "output"
    return None


def _not_built(outcome: Outcome) -> bool:
    return outcome.exception is not None and outcome.exception.type == NOT_BUILT


def differences(run: PairRun) -> list[Difference]:
    """Every input where the versions differ, smallest input first."""
    found = [
        Difference(index, kind, old, new)
        for index, (old, new) in enumerate(zip(run.old, run.new, strict=True))
        if (kind := difference(old, new, run.inputs[index])) is not None
    ]
    return sorted(found, key=lambda d: (_size(run.inputs[d.index].args), d.index))


def answered(outcomes: Sequence[Outcome]) -> int:
    """How many of `outcomes` count for comparison (not a timeout, not refused to build)."""
    return sum(1 for o in outcomes if o.status not in _NO_ANSWER and not _not_built(o))


def shown(outcome: Outcome, kind: str) -> str:
    """An outcome as a counterexample shows it: the value or exception, plus the argument
    afterwards for a mutation and the printed text for an output difference."""
    text = outcome_text(outcome)
    if kind == "mutation" and outcome.args_after is not None:
        text += f"; arguments afterwards: {args_text(outcome.args_after)}"
    if kind == "output":
        printed = outcome.stdout if len(outcome.stdout) <= 200 else outcome.stdout[:197] + "..."
        text += f"; prints {printed!r}"
    return text


# --------------------------------------------------------------------------- shrinking


def _size(value: Any) -> int:
    """How big a value is, for ordering: its repr's length (a tuple of arguments too)."""
    try:
        return len(repr(value))
    except (RecursionError, ValueError):
        return 10**9


def _smaller(value: Any) -> Iterator[Any]:
    """Values one step smaller than `value`, simplest first."""
    if isinstance(value, bool):
        if value:
            yield False
    elif isinstance(value, int):
        for smaller in (0, 1, value // 2, value - 1 if value > 0 else value + 1, abs(value)):
            if abs(smaller) < abs(value) or (smaller == abs(value) and value < 0):
                yield smaller
    elif isinstance(value, float):
        if math.isfinite(value):
            for half in (0.0, float(round(value)), value / 2):
                if abs(half) < abs(value) or (half != value and half == float(round(value))):
                    yield half
    elif isinstance(value, str):
        if value:
            yield ""
            yield value[: len(value) // 2]
            yield value[len(value) // 2 :]
            for index in range(min(len(value), 8)):
                yield value[:index] + value[index + 1 :]
    elif isinstance(value, (list, tuple)):
        items = list(value)
        if items:
            made = [[], items[: len(items) // 2], items[len(items) // 2 :]]
            made += [items[:i] + items[i + 1 :] for i in range(min(len(items), 8))]
            for index, item in enumerate(items[:8]):
                for smaller in list(_smaller(item))[:2]:
                    made.append([*items[:index], smaller, *items[index + 1 :]])
            for candidate in made:
                yield tuple(candidate) if isinstance(value, tuple) else candidate
    elif isinstance(value, dict):
        for key in list(value)[:8]:
            yield {k: v for k, v in value.items() if k != key}
    elif isinstance(value, (set, frozenset)):
        for item in sorted(value, key=repr)[:8]:
            yield type(value)(v for v in value if v != item)


def _relations(args: tuple[Any, ...]) -> dict[int, int]:
    """Integer arguments equal to the length of another argument in the counterexample
    (``f(xs, len(xs))``): they shrink with it, so the smaller input stays in the domain."""
    relations: dict[int, int] = {}
    for target, value in enumerate(args):
        if type(value) is not int:
            continue
        for source, other in enumerate(args):
            if source != target and isinstance(other, (list, str, tuple)) and len(other) == value:
                relations[target] = source
                break
    return relations


def _steps(args: tuple[Any, ...], relations: dict[int, int]) -> list[tuple[Any, ...]]:
    steps: dict[str, tuple[Any, ...]] = {}
    for position, value in enumerate(args):
        if position in relations:
            continue
        for smaller in _smaller(value):
            candidate = list(args)
            candidate[position] = smaller
            for target, source in relations.items():
                sized = candidate[source]
                if isinstance(sized, (list, str, tuple)):
                    candidate[target] = len(sized)
            made = tuple(candidate)
            steps.setdefault(repr(made), made)
    ordered = sorted(steps.values(), key=_size)
    return [s for s in ordered if _size(s) < _size(args)][:SHRINK_BATCH]


def shrink(
    sources: tuple[str, str],
    item: ProbeInput,
    found: Difference,
    *,
    sandbox: Sandbox,
    limits: Limits,
    deadline: float,
    keep: Callable[[ProbeInput], bool] | None = None,
) -> tuple[ProbeInput, Difference, int]:
    """The smallest input reached from `item` that still shows `found`'s difference, that
    difference, and how many extra inputs ran. Inputs written as expressions (the module's
    own types) are not shrunk; with `keep`, only smaller inputs it accepts are tried (an
    input inside the old version's domain shrinks to one inside it: ``[3, 1]`` to ``[1]``
    for a non-empty list, not to ``[]``)."""
    if item.expression or item.kwargs:
        return item, found, 0
    relations = _relations(item.args)
    current, current_difference = item, found
    tried = 0
    for _ in range(SHRINK_ROUNDS):
        if time.monotonic() > deadline:
            break
        batch = [ProbeInput(args, origin="shrunk") for args in _steps(current.args, relations)]
        if keep is not None:
            batch = [smaller for smaller in batch if keep(smaller)]
        if not batch:
            break
        old_run, new_run = _one_batch(sources, batch, sandbox, limits)
        if not (old_run.imported and new_run.imported):
            break
        tried += len(batch)
        better = None
        for index, (o, n) in enumerate(
            zip(old_run.observations, new_run.observations, strict=True)
        ):
            kind = difference(o.outcome, n.outcome, batch[index])
            if kind is None:
                continue
            candidate = Difference(index, kind, o.outcome, n.outcome)
            if candidate.pattern == found.pattern:
                better = (batch[index], candidate)
                break
        if better is None:
            break
        current, current_difference = better
    return current, replace(current_difference, index=found.index), tried
