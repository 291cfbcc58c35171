"""Drafting: the samples one generation run asks a backend for, in a fixed order.

`draft` is shared by `assay gen` and `assay bench`, so a benchmark run's recorded samples
replay exactly under `assay.generate` (same templates, same parameters, same seeds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assay.errors import InvalidArgument
from assay.gen.prompts import (
    CODE_STOPS,
    PLAIN_STOPS,
    bare_request,
    extract_code,
    extract_tests,
    gen_request,
    paraphrase_request,
    paraphrased_gen_request,
    plain_request,
    tests_request,
)
from assay.llm.base import Backend, Completion, Params, Request, Usage
from assay.model import Candidate, Task

__all__ = ["DraftPlan", "Drafts", "draft", "draft_doubt", "draft_more"]

#: Called after each sample with (what was drafted, samples done, samples planned).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DraftPlan:
    """How many samples of which kind to draw for one task.

    ``n`` code candidates, in this order: the bare request greedy (the model alone); with
    ``plain_greedy``, the plain instruction greedy (the other way to ask the bare model, no
    prefill); with ``criteria_greedy``, the request with acceptance criteria greedy;
    ``paraphrases`` candidates from restatements of the task; the rest sampled at
    ``temperature`` from the criteria prompt (``sample_from="criteria"``) or the bare one
    (``"bare"``: its prompt is already cached by the server, so each sample costs only its
    own tokens). Greedy answers get ``greedy_max_tokens`` (default ``max_tokens``): room for
    the whole function, since a plain answer repeats the docstring first.

    With ``first_wave`` set, `draft` stops after the greedy candidates and the first
    ``first_wave`` sampled ones; `draft_more` draws the rest when the first wave leaves the
    task in doubt (the samples and seeds are the same either way, so runs replay).

    ``doubt_samples`` spends what stopping early saves on the tasks still in doubt: when the
    whole plan (and its repairs) leaves the result short of ``verified``, `draft_doubt` draws
    up to that many more samples from the plain instruction at `temperature`, a second way of
    asking (agreement across formats is the evidence a single format cannot give), seeded
    after the plan's own samples.
    """

    n: int = 5
    criteria_greedy: bool = True
    plain_greedy: bool = False
    paraphrases: int = 1
    model_tests: bool = True
    sample_from: str = "criteria"
    temperature: float = 0.8
    max_tokens: int = 384
    greedy_max_tokens: int | None = None
    first_wave: int | None = None
    doubt_samples: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n < 1:
            raise InvalidArgument(f"n={self.n!r}: at least one candidate is needed")
        if self.sample_from not in ("bare", "criteria"):
            raise InvalidArgument(f"sample_from={self.sample_from!r} must be 'bare' or 'criteria'")
        if self.first_wave is not None and self.first_wave < 0:
            raise InvalidArgument(f"first_wave={self.first_wave!r} must be 0 or more")
        if self.doubt_samples < 0:
            raise InvalidArgument(f"doubt_samples={self.doubt_samples!r} must be 0 or more")

    @property
    def plain_slots(self) -> int:
        """1 when a greedy candidate from the plain instruction is drawn, else 0."""
        return 1 if self.plain_greedy and self.n >= 2 else 0

    @property
    def criteria_slots(self) -> int:
        """1 when a greedy candidate from the criteria prompt is drawn, else 0."""
        return 1 if self.criteria_greedy and self.n >= 2 + self.plain_slots else 0

    @property
    def paraphrase_slots(self) -> int:
        """Candidates drawn from paraphrases of the task."""
        return min(self.paraphrases, max(0, self.n - 1 - self.plain_slots - self.criteria_slots))

    @property
    def sampled_slots(self) -> int:
        """Candidates sampled at `temperature`."""
        return self.n - 1 - self.plain_slots - self.criteria_slots - self.paraphrase_slots

    @property
    def first_wave_samples(self) -> int:
        """Sampled candidates `draft` draws (the rest come from `draft_more`)."""
        if self.first_wave is None:
            return self.sampled_slots
        return min(self.first_wave, self.sampled_slots)

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
    """Draw the candidates (and model-written tests) `plan` asks for, from `backend`: with
    ``plan.first_wave`` set, only the first wave (see `DraftPlan`).

    Raises:
        BackendError: the backend failed.
    """
    drafter = _Drafter(task, backend, plan, progress)
    drafts = drafter.drafts
    greedy = drafter.greedy
    bare = bare_request(task)
    drafter.emit("bare request", bare, greedy)
    if plan.plain_slots:
        drafter.emit("plain request", plain_request(task), greedy, stop=PLAIN_STOPS)
    with_criteria = gen_request(task, criteria)
    if plan.sample_from == "bare":
        for i in range(plan.first_wave_samples):
            drafter.emit("sampled", bare, drafter.hot(i))
    if plan.criteria_slots:
        drafter.emit("with criteria", with_criteria, greedy)
    for number in range(plan.paraphrase_slots):
        restated = backend.generate(
            paraphrase_request(task),
            Params(
                temperature=0.0 if number == 0 else 0.7, max_tokens=160, seed=plan.seed + number
            ),
        )
        drafts.account(restated)
        drafts.paraphrases.append(restated[0].text.strip())
        drafter.emit(
            "from a paraphrase", paraphrased_gen_request(task, restated[0].text, criteria), greedy
        )
    if plan.sample_from != "bare":
        for i in range(plan.first_wave_samples):
            drafter.emit("sampled", with_criteria, drafter.hot(i))
    if plan.model_tests and task.entry_point:
        answer = backend.generate(
            tests_request(task),
            Params(temperature=0.2, max_tokens=220, stop=("\n```",), seed=plan.seed),
        )
        drafts.account(answer)
        drafts.model_tests = extract_tests(answer[0].text, task.entry_point)
        if progress is not None:
            progress("model-written tests", drafts.completions, plan.calls)
    return drafts


def draft_more(
    task: Task,
    backend: Backend,
    plan: DraftPlan,
    criteria: Sequence[str],
    *,
    progress: Progress | None = None,
) -> Drafts:
    """The sampled candidates `draft` left out of the first wave (none without
    ``plan.first_wave``), numbered after them.

    Raises:
        BackendError: the backend failed.
    """
    drafter = _Drafter(task, backend, plan, progress)
    request = bare_request(task) if plan.sample_from == "bare" else gen_request(task, criteria)
    drafter.first_index = plan.n - plan.sampled_slots + plan.first_wave_samples
    for i in range(plan.first_wave_samples, plan.sampled_slots):
        drafter.emit("sampled", request, drafter.hot(i))
    return drafter.drafts


def draft_doubt(
    task: Task,
    backend: Backend,
    plan: DraftPlan,
    *,
    progress: Progress | None = None,
) -> Drafts:
    """The ``plan.doubt_samples`` extra candidates for a task still in doubt: the plain
    instruction sampled at ``plan.temperature``, numbered and seeded after every candidate of
    the plan (so a recorded run replays them).

    Raises:
        BackendError: the backend failed.
    """
    drafter = _Drafter(task, backend, plan, progress)
    drafter.first_index = plan.n
    request = plain_request(task)
    for i in range(plan.doubt_samples):
        drafter.emit(
            "sampled (in doubt)", request, drafter.hot(plan.sampled_slots + i), stop=PLAIN_STOPS
        )
    return drafter.drafts


class _Drafter:
    """Draws samples of one task and turns each into a numbered candidate."""

    def __init__(
        self, task: Task, backend: Backend, plan: DraftPlan, progress: Progress | None
    ) -> None:
        self.task = task
        self.backend = backend
        self.plan = plan
        self.progress = progress
        self.drafts = Drafts()
        self.first_index = 0
        self.greedy = Params(
            temperature=0.0,
            max_tokens=plan.greedy_max_tokens or plan.max_tokens,
            stop=CODE_STOPS,
            seed=plan.seed,
        )

    def hot(self, i: int) -> Params:
        """The parameters of the `i`-th sampled candidate (its own seed)."""
        return Params(
            temperature=self.plan.temperature,
            max_tokens=self.plan.max_tokens,
            stop=CODE_STOPS,
            seed=self.plan.seed + 1 + i,
        )

    def emit(
        self, label: str, request: Request, params: Params, *, stop: tuple[str, ...] | None = None
    ) -> None:
        """Draw one sample of `request` and add it as the next candidate."""
        if stop is not None:
            params = dataclasses.replace(params, stop=stop)
        completions = self.backend.generate(request, params)
        self.drafts.account(completions)
        for completion in completions:
            index = self.first_index + len(self.drafts.candidates)
            self.drafts.candidates.append(
                Candidate(
                    code=extract_code(completion.text, entry_point=self.task.entry_point),
                    name=f"c{index}",
                    backend=completion.backend or self.backend.name,
                    model=completion.model or self.backend.model,
                    sample_index=index,
                    prompt_variant=request.template,
                )
            )
        if self.progress is not None:
            self.progress(label, self.drafts.completions, self.plan.calls)
