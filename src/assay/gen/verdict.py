"""The verdict on a generated result: ``verified``, ``plausible`` or ``rejected``.

A generated result is *verified* only on strong, independent evidence: the task's stated
examples pass, the winning behaviour is shared by enough distinct candidates (and a large
enough share of them) on generated inputs, and nothing contradicts it (no runtime or static
finding against the selected candidate). It is *rejected* when the evidence is against it
(an example fails, a runtime or static error, no candidate at all). Everything in between is
*plausible*: it passes what could be checked, and the verdict lists what evidence is missing
and what the user could add (an example, a test, more candidates).

The verdict is a pure function of `VerdictEvidence` (what verification saw, saved with every
benchmark outcome) and a `VerdictPolicy` (the thresholds), so thresholds can be re-chosen
offline from saved runs (``bench/gen_verdict_thresholds.py``) without any model time.

How the default thresholds were chosen (MBPP as the development set, HumanEval as the test
set; the procedure and its figures are in docs/STATUS.md, "Fourteenth session: verdicts",
and ``bench/results/gen-verdict-thresholds.json``): every policy of a small fixed grid was
judged on three development sets of MBPP tasks: the 90 validation tasks (511-600) drafted by
the embedded model itself with ``assay bench``'s plan, four doubt samples and one repair round,
and two sets of 397 tasks built from the programs other models wrote
(``bench/gen_dev_pools.py``: eight programs drawn from about ten models, and the seven programs
of the GPT-4 family). The policies with verified precision of at least `TARGET_PRECISION` on
every set qualified, the one with the highest mean verified coverage won, ties going to the
simpler policy. The policy also decides which results are in doubt and get more samples, so
the choice was repeated on the run its own choice produced until that run confirmed it: the
first choice (half of the distinct programs, two prompt formats) verified only 0.90 of its
results correctly once its own doubt samples were drawn (a small model's extra samples repeat
its misreadings), the second held. It asks that every stated example passes, that at least
70% of the distinct programs behave like the selected one, that at least five samples ran,
and that nothing is against the result: on its own run of the 90 development tasks 22
verified, all correct (coverage 0.24 of tasks; assay solves 0.53 of them); on the pools
precision 0.972 and 0.974, coverage 0.63 and 0.67.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from assay.errors import InvalidArgument

__all__ = [
    "DEFAULT_POLICY",
    "TARGET_PRECISION",
    "GenVerdict",
    "VerdictEvidence",
    "VerdictLevel",
    "VerdictPolicy",
    "judge_result",
]

#: The verified precision the default policy was chosen to reach on the development set.
TARGET_PRECISION = 0.95


class VerdictLevel(str, enum.Enum):
    """How far a generated result can be trusted."""

    VERIFIED = "verified"
    PLAUSIBLE = "plausible"
    REJECTED = "rejected"


class VerdictEvidence(BaseModel):
    """What verification saw about the selected candidate (plain numbers and texts, saved
    with benchmark outcomes so verdicts can be recomputed offline)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: A candidate was selected at all.
    selected: bool = True
    #: The cross-check accepted it (in the winning behaviour, no runtime failure).
    accepted: bool = False
    examples_total: int = 0
    examples_passed: int = 0
    #: Distinct programs that imported and ran (identical samples count once).
    programs: int = 0
    #: Distinct programs behaving exactly like the selected one (itself included).
    agreeing: int = 0
    #: Prompt formats among those programs (bare, plain, with criteria, paraphrased, repair).
    formats: int = 0
    #: Inputs beyond the stated examples on which the candidates were compared.
    generated_inputs: int = 0
    #: Distinct programs in the largest behaviour that disagrees with the selected one.
    runner_up: int = 0
    #: Messages of findings against the selected candidate (runtime warnings and errors,
    #: static errors): anything here contradicts it.
    contradictions: list[str] = Field(default_factory=list)
    #: Whether a contradiction is an error (rejects) rather than a warning.
    contradicted_by_error: bool = False
    #: An input on which the largest disagreeing behaviour answers differently, if any.
    disagreement_input: str | None = None
    #: Distinct answers (values or exception types) the selected candidate gave on the
    #: inputs compared: programs that all answer the same constant agree whatever they
    #: compute, so agreement needs answers that vary.
    distinct_answers: int = 0
    #: Samples that imported and ran, identical ones each counted (a model's votes).
    samples: int = 0
    #: Samples whose program behaves exactly like the selected one, identical ones each
    #: counted: how often the model wrote this behaviour, however it spelled it.
    agreeing_samples: int = 0

    @property
    def share(self) -> float:
        """The agreeing programs' share of all programs that ran."""
        return self.agreeing / self.programs if self.programs else 0.0

    @property
    def sample_share(self) -> float:
        """The agreeing samples' share of all samples that ran."""
        return self.agreeing_samples / self.samples if self.samples else 0.0


@dataclass(frozen=True)
class VerdictPolicy:
    """Thresholds of a ``verified`` verdict (see the module docstring for how the defaults
    were chosen)."""

    #: Distinct programs that must behave like the selected one (itself included).
    min_agreeing: int = 1
    #: Share of all programs that must behave like it.
    min_share: float = 0.7
    #: Generated inputs the behaviours must have been compared on.
    min_generated_inputs: int = 0
    #: Stated examples the task must have (all of them must pass).
    min_examples: int = 1
    #: Prompt formats the agreeing programs must come from (independent formulations).
    min_formats: int = 1
    #: Distinct answers the selected candidate must give on the inputs compared.
    min_distinct_answers: int = 1
    #: Share of all samples (identical ones each counted) that must behave like it: how
    #: sure the model itself is of this reading of the task.
    min_sample_share: float = 0.0
    #: Samples that must have run. Not chosen on the grid: every development run had 7 to
    #: 13 samples per task, so a share measured on fewer samples than that is not the
    #: measured evidence (two identical greedy answers are "100%" of two).
    min_samples: int = 5

    def __post_init__(self) -> None:
        if self.min_agreeing < 1:
            raise InvalidArgument(f"min_agreeing={self.min_agreeing!r} must be at least 1")
        for name, share in (
            ("min_share", self.min_share),
            ("min_sample_share", self.min_sample_share),
        ):
            if not 0.0 <= share <= 1.0:
                raise InvalidArgument(f"{name}={share!r} must be between 0 and 1")
        lower = (self.min_generated_inputs, self.min_examples, self.min_formats, self.min_samples)
        if min(*lower, self.min_distinct_answers) < 0:
            raise InvalidArgument(
                "min_generated_inputs, min_examples, min_formats, min_samples and "
                "min_distinct_answers must be 0 or more"
            )

    def as_dict(self) -> dict[str, float]:
        """JSON form (shown with every verdict)."""
        return {
            "min_agreeing": self.min_agreeing,
            "min_share": self.min_share,
            "min_generated_inputs": self.min_generated_inputs,
            "min_examples": self.min_examples,
            "min_formats": self.min_formats,
            "min_distinct_answers": self.min_distinct_answers,
            "min_sample_share": self.min_sample_share,
            "min_samples": self.min_samples,
        }


DEFAULT_POLICY = VerdictPolicy()


class GenVerdict(BaseModel):
    """The verdict, why, and (for ``plausible``) what evidence is missing and what to add."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: VerdictLevel
    reasons: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)
    evidence: VerdictEvidence = Field(default_factory=VerdictEvidence)
    policy: dict[str, float] = Field(default_factory=dict)

    @property
    def verified(self) -> bool:
        """True only for ``verified``."""
        return self.level is VerdictLevel.VERIFIED


def judge_result(evidence: VerdictEvidence, policy: VerdictPolicy = DEFAULT_POLICY) -> GenVerdict:
    """The verdict `policy` gives `evidence` (pure: no model, no sandbox)."""
    shown = policy.as_dict()
    if not evidence.selected:
        return GenVerdict(
            level=VerdictLevel.REJECTED,
            reasons=["no candidate could be drafted"],
            evidence=evidence,
            policy=shown,
        )
    against = _against(evidence)
    if against:
        return GenVerdict(
            level=VerdictLevel.REJECTED, reasons=against, evidence=evidence, policy=shown
        )
    missing, advice = _missing(evidence, policy)
    if missing:
        return GenVerdict(
            level=VerdictLevel.PLAUSIBLE,
            reasons=_supporting(evidence),
            missing=missing,
            advice=list(dict.fromkeys(advice)),
            evidence=evidence,
            policy=shown,
        )
    return GenVerdict(
        level=VerdictLevel.VERIFIED, reasons=_supporting(evidence), evidence=evidence, policy=shown
    )


def _against(evidence: VerdictEvidence) -> list[str]:
    """Evidence that the selected candidate is wrong."""
    reasons = []
    if evidence.examples_passed < evidence.examples_total:
        reasons.append(
            f"it fails {evidence.examples_total - evidence.examples_passed} of the "
            f"{evidence.examples_total} stated examples"
        )
    if evidence.contradicted_by_error:
        reasons += evidence.contradictions
    elif not evidence.accepted:
        reasons.append("the cross-check did not accept it: " + "; ".join(evidence.contradictions))
    return reasons


def _missing(evidence: VerdictEvidence, policy: VerdictPolicy) -> tuple[list[str], list[str]]:
    """What a ``verified`` verdict still lacks, and what the user can add for each."""
    missing: list[str] = []
    advice: list[str] = []
    if evidence.examples_total < policy.min_examples:
        missing.append(
            f"the request states {evidence.examples_total} example(s) to check against "
            f"(verified needs {policy.min_examples})"
        )
        advice.append(
            "add an example to the request: an input and the output you expect, e.g. "
            "`assert f(...) == ...` or a `>>>` line in the docstring"
        )
    if evidence.contradictions:
        missing.append("findings against it: " + "; ".join(evidence.contradictions))
        advice.append("read the findings; add a test that states the behaviour you want there")
    # Evidence saved before samples were counted (samples == 0 with programs) came from
    # runs of 7 or more samples each; it is judged without this floor.
    if evidence.samples and evidence.samples < policy.min_samples:
        missing.append(
            f"only {evidence.samples} sample(s) ran (verified needs {policy.min_samples}): "
            "agreement among a handful of samples proves little"
        )
        advice.append("draw more candidates (-n)")
    if evidence.agreeing < policy.min_agreeing:
        missing.append(
            f"only {evidence.agreeing} distinct candidate(s) behave like it "
            f"(verified needs {policy.min_agreeing})"
        )
        advice.append("draw more candidates (-n) or add a test that pins the behaviour down")
    if evidence.share < policy.min_share:
        where = f" (e.g. on {evidence.disagreement_input})" if evidence.disagreement_input else ""
        missing.append(
            f"{evidence.share:.0%} of the {evidence.programs} distinct candidates behave like it; "
            f"the others disagree{where} (verified needs {policy.min_share:.0%})"
        )
        advice.append(
            "state what the function must return where the candidates disagree"
            + (f": add `assert` for {evidence.disagreement_input}" if where else "")
        )
    if evidence.sample_share < policy.min_sample_share:
        missing.append(
            f"{evidence.agreeing_samples} of the {evidence.samples} samples "
            f"({evidence.sample_share:.0%}) behave like it (verified needs "
            f"{policy.min_sample_share:.0%}): the model is unsure which reading of the task is right"
        )
        advice.append(
            "add an example or a test where the readings differ"
            + (
                f" (e.g. `assert` for {evidence.disagreement_input})"
                if evidence.disagreement_input
                else ""
            )
            + ", or draw more candidates (-n)"
        )
    if evidence.formats < policy.min_formats:
        missing.append(
            f"the candidates behaving like it come from {evidence.formats} prompt format(s) "
            f"(verified needs {policy.min_formats}): one way of asking can mislead every sample"
        )
        advice.append("add a test, or ask with other words (a paraphrase) for more candidates")
    if evidence.distinct_answers < policy.min_distinct_answers:
        missing.append(
            f"it gave {evidence.distinct_answers} distinct answer(s) on the inputs compared "
            f"(verified needs {policy.min_distinct_answers}): candidates that always answer "
            "the same agree whatever they compute"
        )
        advice.append(
            "add an example whose answer differs from the usual one (e.g. a case that "
            "returns True), so the candidates are compared where it matters"
        )
    if evidence.generated_inputs < policy.min_generated_inputs:
        missing.append(
            f"the candidates were compared on {evidence.generated_inputs} generated input(s) "
            f"(verified needs {policy.min_generated_inputs})"
        )
        advice.append(
            "annotate the parameters' types (or add examples) so assay can generate inputs"
        )
    return missing, advice


def _supporting(evidence: VerdictEvidence) -> list[str]:
    """What speaks for the selected candidate, in words."""
    reasons = []
    if evidence.examples_total:
        reasons.append(f"passes all {evidence.examples_total} stated example(s)")
    reasons.append(
        f"{evidence.agreeing} of {evidence.programs} distinct candidates "
        f"({evidence.formats} prompt format(s)) behave the same on "
        f"{evidence.generated_inputs} generated input(s)"
    )
    return reasons
