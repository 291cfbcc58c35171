"""The real embedded model (Qwen2.5-Coder-0.5B from the pinned PyPI chunk packages): a few
short generations, FIM, the OpenAI-compatible backend against xllamacpp's own loopback
server, and one verified generation end to end. Outputs are kept short (the model writes
about 24 tokens/s on 2 cores)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import assay
from assay.llm.base import Params, chat_request, fim_request
from assay.llm.embedded import EmbeddedBackend
from assay.llm.models import MODELS
from assay.llm.openai import OpenAIBackend

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackend]:
    backend = EmbeddedBackend(n_ctx=2048, cache=tmp_path_factory.mktemp("models"))
    yield backend
    backend.close()


def test_model_is_assembled_and_verified(embedded: EmbeddedBackend) -> None:
    spec = MODELS["qwen2.5-coder-0.5b"]
    assert embedded.path.name == spec.filename
    assert embedded.path.stat().st_size == spec.size
    assert embedded.model == spec.name


def test_short_chat_generation(embedded: EmbeddedBackend) -> None:
    request = chat_request(
        "Write a Python function add(a, b) that returns the sum of a and b.",
        prefill="```python\ndef add(a, b):\n    return",
    )
    [completion] = embedded.generate(request, Params(max_tokens=8, stop=("\n",)))
    body = completion.text.removeprefix("```python\ndef add(a, b):\n    return")
    assert "a" in body and "b" in body
    assert completion.usage.completion_tokens <= 8 and completion.usage.prompt_tokens > 10
    assert completion.backend == "embedded"


def test_fim_fills_the_gap(embedded: EmbeddedBackend) -> None:
    request = fim_request("def square(x):\n    return ", "\n\nprint(square(3))\n")
    [completion] = embedded.generate(request, Params(max_tokens=8, stop=("\n",)))
    assert "x" in completion.text


def test_openai_backend_against_the_loopback_server(embedded: EmbeddedBackend) -> None:
    backend = OpenAIBackend(embedded.base_url)
    try:
        [completion] = backend.generate(
            chat_request("Reply with the word yes."), Params(max_tokens=6, seed=1)
        )
    finally:
        backend.close()
    assert completion.text.strip()
    assert completion.usage.completion_tokens >= 1 and completion.backend == "openai"


def test_verified_generation_end_to_end(embedded: EmbeddedBackend) -> None:
    stub = 'def add(a: int, b: int) -> int:\n    """Return the sum.\n\n    >>> add(2, 3)\n    5\n    """\n'
    result = assay.generate(stub, backends=[embedded], n=1, repair=0)
    assert result.code is not None and "def add" in result.code
    # one candidate passes its checks, but one sample cannot be agreement
    assert result.selected_result is not None and result.selected_result.verified
    assert result.verdict.level.value == "plausible", result.verdict
    assert any("only 1 sample(s) ran" in m for m in result.verdict.missing)
    assert result.usage["completion_tokens"] > 0
