"""What a behaviour diff reports: one `PairResult` per matched pair of functions, in a
`BehaviourDiff` whose `to_json` is the public contract of ``assay diff --format json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DIFF_SCHEMA_VERSION",
    "BehaviourDiff",
    "Counterexample",
    "GrowthChange",
    "PairResult",
    "Unverified",
]

#: The version of the JSON form (`BehaviourDiff.to_json`): keys are only ever added.
DIFF_SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Counterexample:
    """One input on which the two versions do different things.

    `kind` says what differs: ``value`` (both returned, different values), ``exception``
    (one raised, or both raised different types), ``mutation`` (same result, but the
    caller's argument ends up different), ``output`` (same result, different printed
    text), ``import`` (the new module no longer imports). `engine` is the input's source:
    ``random`` (the generated inputs) or ``symbolic`` (a symbolic search, confirmed by a
    concrete run), or ``static`` (told apart without a run: the new module does not parse,
    or lacks the function; `kind` ``import`` or ``removed``). `shrunk_from` is the input
    first found, when shrinking made it smaller. `outside_domain` says which bound the
    old version states (its docstring: "a positive integer n", "a string of '(' and
    ')'") the input breaks: a difference there is information, not a behaviour change.
    """

    input: str
    old: str
    new: str
    engine: str = "random"
    kind: str = "value"
    shrunk_from: str | None = None
    outside_domain: str = ""

    def to_json(self) -> dict[str, Any]:
        """The contract form: ``input``, ``old``, ``new`` plus what differs and who found it."""
        return {
            "input": self.input,
            "old": self.old,
            "new": self.new,
            "engine": self.engine,
            "kind": self.kind,
            "shrunk_from": self.shrunk_from,
            "outside_domain": self.outside_domain,
        }


@dataclass(frozen=True)
class GrowthChange:
    """The two versions timed at growing input sizes in one sandbox job, interleaved."""

    sizes: tuple[int, ...]
    old_seconds: tuple[float, ...]
    new_seconds: tuple[float, ...]
    old_exponent: float | None
    new_exponent: float | None
    #: Whether the new version clearly grows faster (see `assay.behaviour.diff._growth`).
    regressed: bool

    @property
    def old_class(self) -> str:
        """``constant``, ``linear``, ``quadratic`` or ``cubic or worse``."""
        return growth_class(self.old_exponent)

    @property
    def new_class(self) -> str:
        """``constant``, ``linear``, ``quadratic`` or ``cubic or worse``."""
        return growth_class(self.new_exponent)

    def to_json(self) -> dict[str, Any]:
        """Both timing series and exponents."""
        return {
            "regressed": self.regressed,
            "old_exponent": _rounded(self.old_exponent),
            "new_exponent": _rounded(self.new_exponent),
            "old_class": self.old_class,
            "new_class": self.new_class,
            "timings": [
                {"size": n, "old_seconds": o, "new_seconds": s}
                for n, o, s in zip(self.sizes, self.old_seconds, self.new_seconds, strict=True)
            ],
        }


def growth_class(exponent: float | None) -> str:
    """A name for a fitted growth exponent (None: below the timer's resolution at every size).

    The bands are centred on the integers the exponents of ordinary loops land near:
    n log n fits about 1.1 over 64..4096 elements, so it counts as linear here.
    """
    if exponent is None or exponent < 0.5:
        return "constant"
    if exponent < 1.5:
        return "linear"
    if exponent < 2.5:
        return "quadratic"
    return "cubic or worse"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass(frozen=True)
class PairResult:
    """One old function and its new counterpart, run on the same inputs.

    `equivalent` is True when no input told them apart; `coverage` says what the inputs
    covered (how many returned, how many raised and which exceptions). `declared` is True
    when the change was declared intended (``--allow-change`` or a "Behaviour change:"
    line in the new docstring): it is then reported as information, not as a failure.
    """

    old: str
    new: str
    equivalent: bool
    inputs_tried: int
    engines: tuple[str, ...]
    counterexamples: tuple[Counterexample, ...] = ()
    renamed: bool = False
    similarity: float = 1.0
    declared: bool = False
    declared_by: str = ""
    coverage: str = ""
    performance: GrowthChange | None = None
    old_line: int = 1
    new_line: int = 1

    @property
    def outside_domain(self) -> bool:
        """Whether every difference found is on inputs outside the domain the old version
        states (reported as information, like a declared change)."""
        return bool(self.counterexamples) and all(c.outside_domain for c in self.counterexamples)

    @property
    def changed(self) -> bool:
        """Whether the pair shows a behaviour change that was not declared, on an input
        inside the old version's stated domain."""
        return not self.equivalent and not self.declared and not self.outside_domain

    def to_json(self) -> dict[str, Any]:
        """The contract form of item 5 of issue 24, plus the rename, declaration and growth."""
        return {
            "old": self.old,
            "new": self.new,
            "equivalent": self.equivalent,
            "inputs_tried": self.inputs_tried,
            "engine": list(self.engines),
            "counterexamples": [c.to_json() for c in self.counterexamples],
            "renamed": self.renamed,
            "similarity": round(self.similarity, 3),
            "declared": self.declared,
            "declared_by": self.declared_by,
            "coverage": self.coverage,
            "old_line": self.old_line,
            "new_line": self.new_line,
            "performance": None if self.performance is None else self.performance.to_json(),
        }


@dataclass(frozen=True)
class Unverified:
    """A matched pair that was not compared, and why (a method whose instance cannot be
    built, a generator, a result that changes from one call to the next, ...)."""

    old: str
    new: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        """``{"old", "new", "reason"}``."""
        return {"old": self.old, "new": self.new, "reason": self.reason}


@dataclass(frozen=True)
class BehaviourDiff:
    """The behaviour diff of two versions of a module.

    `pairs` holds the compared pairs whose code (or what they call) changed; `unchanged`
    the functions whose code and dependencies are identical (not run); `added` and
    `removed` the functions present on one side only (listed, not diffed); `unverified`
    the pairs that could not be compared; `errors` what made assay fail (an unparsable
    version, an old module that does not import).
    """

    pairs: tuple[PairResult, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    unverified: tuple[Unverified, ...] = ()
    errors: tuple[str, ...] = ()
    seed: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def changed(self) -> bool:
        """Whether some pair changed behaviour without a declaration."""
        return any(p.changed for p in self.pairs)

    @property
    def regressed(self) -> bool:
        """Whether some pair's time grows clearly faster than before."""
        return any(p.performance is not None and p.performance.regressed for p in self.pairs)

    @property
    def exit_code(self) -> int:
        """2 when assay failed, 1 when a behaviour changed undeclared, else 0."""
        if self.errors:
            return 2
        return 1 if self.changed else 0

    def to_json(self) -> dict[str, Any]:
        """``{"schema_version", "pairs": [...], "errors": [...]}`` and the lists of added,
        removed, unchanged and unverified functions."""
        return {
            "schema_version": DIFF_SCHEMA_VERSION,
            "pairs": [p.to_json() for p in self.pairs],
            "added": list(self.added),
            "removed": list(self.removed),
            "unchanged": list(self.unchanged),
            "unverified": [u.to_json() for u in self.unverified],
            "errors": list(self.errors),
            "notes": list(self.notes),
            "seed": self.seed,
        }
