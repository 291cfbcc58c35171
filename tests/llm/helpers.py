"""A scripted stand-in for a model, used only to record replay files in tests."""

from __future__ import annotations

from collections.abc import Callable

from assay.llm.base import Completion, Params, Request, Usage, sample_each, with_prefill

Answer = Callable[[Request, Params], str]


class ScriptedBackend:
    """A deterministic stand-in for a model: `answer(request, params)` gives each text.

    Used only to *record* replay files in tests; the code under test then reads them with
    the real `ReplayBackend`.
    """

    name = "scripted"
    model = "scripted-1"

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[tuple[Request, Params]] = []
        self.closed = False

    def generate(self, request: Request, params: Params) -> list[Completion]:
        return sample_each(self._one, request, params)

    def _one(self, request: Request, params: Params) -> Completion:
        self.requests.append((request, params))
        text = with_prefill(request, self.answer(request, params))
        return Completion(
            text=text,
            backend=self.name,
            model=self.model,
            usage=Usage(len(str(request.messages)) // 4 + 1, len(text) // 4 + 1),
            seed=params.seed,
        )

    def close(self) -> None:
        self.closed = True
