"""Drafting: the samples one generation run asks a backend for, in a fixed order.

`draft` is shared by `assay gen` and `assay bench`, so a benchmark run's recorded samples
replay exactly under `assay.generate` (same templates, same parameters, same seeds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assay.errors import InvalidArgument
from assay.gen.prompts import (
    CODE_STOPS,
    bare_request,
    extract_code,
    extract_tests,
    gen_request,
    paraphrase_request,
    paraphrased_gen_request,
    tests_request,
)
from assay.llm.base import Backend, Completion, Params, Request, Usage
from assay.model import Candidate, Task

__all__ = ["DraftPlan", "Drafts", "draft"]

#: Called after each sample with (what was drafted, samples done, samples planned).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DraftPlan:
    """How many samples of which kind to draw for one task.

    ``n`` code candidates, in this order: the bare request greedy (the model alone); with
    ``criteria_greedy``, the request with acceptance criteria greedy; ``paraphrases``
    candidates from restatements of the task; the rest sampled at ``temperature`` from the
    criteria prompt (``sample_from="criteria"``) or the bare one (``"bare"``: its prompt is
    already cached by the server, so each sample costs only its own tokens).
    """

    n: int = 5
    criteria_greedy: bool = True
    paraphrases: int = 1
    model_tests: bool = True
    sample_from: str = "criteria"
    temperature: float = 0.8
    max_tokens: int = 384
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n < 1:
            raise InvalidArgument(f"n={self.n!r}: at least one candidate is needed")
        if self.sample_from not in ("bare", "criteria"):
            raise InvalidArgument(f"sample_from={self.sample_from!r} must be 'bare' or 'criteria'")

    @property
    def criteria_slots(self) -> int:
        """1 when a greedy candidate from the criteria prompt is drawn, else 0."""
        return 1 if self.criteria_greedy and self.n >= 2 else 0

    @property
    def paraphrase_slots(self) -> int:
        """Candidates drawn from paraphrases of the task."""
        return min(self.paraphrases, max(0, self.n - 1 - self.criteria_slots))

    @property
    def calls(self) -> int:
        """Model calls the plan makes (for progress displays)."""
        return self.n + self.paraphrase_slots + (1 if self.model_tests else 0)


@dataclass
class Drafts:
    """What drafting produced for one task."""

    candidates: list[Candidate] = field(default_factory=list)
    model_tests: list[str] = field(default_factory=list)
    paraphrases: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0
    completions: int = 0

    def account(self, completions: Sequence[Completion]) -> None:
        """Add the cost of `completions`."""
        for completion in completions:
            self.usage = self.usage + completion.usage
            self.seconds += completion.seconds
            self.completions += 1


def draft(
    task: Task,
    backend: Backend,
    plan: DraftPlan,
    criteria: Sequence[str],
    *,
    progress: Progress | None = None,
) -> Drafts:
    """Draw the candidates (and model-written tests) `plan` asks for, from `backend`.

    Raises:
        BackendError: the backend failed.
    """
    drafts = Drafts()
    total = plan.calls
    entry = task.entry_point
    greedy = Params(temperature=0.0, max_tokens=plan.max_tokens, stop=CODE_STOPS, seed=plan.seed)

    def hot(i: int) -> Params:
        return Params(
            temperature=plan.temperature,
            max_tokens=plan.max_tokens,
            stop=CODE_STOPS,
            seed=plan.seed + 1 + i,
        )

    def emit(label: str, request: Request, params: Params) -> None:
        completions = backend.generate(request, params)
        drafts.account(completions)
        for completion in completions:
            index = len(drafts.candidates)
            drafts.candidates.append(
                Candidate(
                    code=extract_code(completion.text, entry_point=entry),
                    name=f"c{index}",
                    backend=completion.backend or backend.name,
                    model=completion.model or backend.model,
                    sample_index=index,
                    prompt_variant=request.template,
                )
            )
        if progress is not None:
            progress(label, drafts.completions, total)

    bare = bare_request(task)
    emit("bare request", bare, greedy)
    criteria_slots = plan.criteria_slots
    paraphrase_slots = plan.paraphrase_slots
    sampled = plan.n - 1 - criteria_slots - paraphrase_slots
    if plan.sample_from == "bare":
        for i in range(sampled):
            emit("sampled", bare, hot(i))
    with_criteria = gen_request(task, criteria)
    if criteria_slots:
        emit("with criteria", with_criteria, greedy)
    for number in range(paraphrase_slots):
        restated = backend.generate(
            paraphrase_request(task),
            Params(
                temperature=0.0 if number == 0 else 0.7, max_tokens=160, seed=plan.seed + number
            ),
        )
        drafts.account(restated)
        drafts.paraphrases.append(restated[0].text.strip())
        emit("from a paraphrase", paraphrased_gen_request(task, restated[0].text, criteria), greedy)
    if plan.sample_from != "bare":
        for i in range(sampled):
            emit("sampled", with_criteria, hot(i))
    if plan.model_tests and entry:
        answer = backend.generate(
            tests_request(task),
            Params(temperature=0.2, max_tokens=220, stop=("\n```",), seed=plan.seed),
        )
        drafts.account(answer)
        drafts.model_tests = extract_tests(answer[0].text, entry)
        if progress is not None:
            progress("model-written tests", drafts.completions, total)
    return drafts
