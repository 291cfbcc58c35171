"""OpenAI-compatible backend: Ollama, vLLM, llama.cpp server, LM Studio, hosted APIs.

Chat requests go to ``{base_url}/chat/completions``; completion and FIM requests go to
``{base_url}/completions`` (FIM as a raw ``<|fim_prefix|>…<|fim_suffix|>…<|fim_middle|>``
prompt, which Qwen-Coder-style models understand).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from assay.errors import BackendError
from assay.llm._http import RetryPolicy, post_json
from assay.llm.base import (
    Completion,
    Params,
    Request,
    RequestKind,
    Usage,
    sample_each,
    strip_stops,
    with_prefill,
)

__all__ = ["OpenAIBackend", "fim_prompt", "openai_payload", "parse_openai"]

FIM_PREFIX = "<|fim_prefix|>"
FIM_SUFFIX = "<|fim_suffix|>"
FIM_MIDDLE = "<|fim_middle|>"


def fim_prompt(prefix: str, suffix: str) -> str:
    """The raw FIM prompt (Qwen2.5-Coder / StarCoder token layout)."""
    return f"{FIM_PREFIX}{prefix}{FIM_SUFFIX}{suffix}{FIM_MIDDLE}"


def openai_payload(request: Request, params: Params, model: str) -> tuple[str, dict[str, Any]]:
    """The endpoint (``chat/completions`` or ``completions``) and JSON body of one sample."""
    body: dict[str, Any] = {
        "temperature": params.temperature,
        "max_tokens": params.max_tokens,
        "top_p": params.top_p,
        "seed": params.seed,
        "n": 1,
    }
    if model:
        body["model"] = model
    if params.stop:
        body["stop"] = list(params.stop)
    if request.kind is RequestKind.CHAT:
        body["messages"] = [m.as_dict() for m in request.messages]
        return "chat/completions", body
    if request.kind is RequestKind.FIM:
        body["prompt"] = fim_prompt(request.prompt, request.suffix)
    else:
        body["prompt"] = request.prompt
    return "completions", body


def parse_openai(
    data: dict[str, Any],
    request: Request,
    params: Params,
    *,
    backend: str,
    model: str,
    seconds: float,
    where: str,
) -> Completion:
    """A `Completion` from an OpenAI-shaped answer (chat or text completion).

    Raises:
        BackendError: the answer is an error object or lacks ``choices``.
    """
    if "error" in data:
        raise BackendError(f"{where} answered with an error: {data['error']}")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise BackendError(f"{where} answered without choices: {str(data)[:300]}")
    choice = choices[0]
    if request.kind is RequestKind.CHAT:
        message = choice.get("message") or {}
        text = with_prefill(request, str(message.get("content") or ""))
    else:
        text = str(choice.get("text") or "")
    usage = data.get("usage") or {}
    return Completion(
        text=strip_stops(text, params.stop) if request.kind is not RequestKind.CHAT else text,
        backend=backend,
        model=str(data.get("model") or model),
        finish_reason=str(choice.get("finish_reason") or "stop"),
        usage=Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)),
        seconds=seconds,
        seed=params.seed,
    )


class OpenAIBackend:
    """Any server that speaks the OpenAI HTTP API.

    Args:
        base_url: the API root, e.g. ``http://127.0.0.1:11434/v1`` (Ollama).
        api_key: sent as a bearer token when given (local servers usually need none).
        model: the model name the server expects (some servers ignore it).
        policy: timeouts and retries.
        client: an `httpx.Client` to use (tests, proxies); default: a new one.
        sleep: how to wait between retries (tests pass a recorder).
    """

    name = "openai"

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        model: str = "",
        policy: RetryPolicy | None = None,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._api_key = api_key
        self._policy = policy or RetryPolicy()
        self._client = client or httpx.Client()
        self._sleep = sleep

    def generate(self, request: Request, params: Params) -> list[Completion]:
        """``params.n`` completions of `request` (one HTTP call per sample)."""
        return sample_each(self._one, request, params)

    def _one(self, request: Request, params: Params) -> Completion:
        endpoint, body = openai_payload(request, params, self.model)
        url = f"{self.base_url}/{endpoint}"
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        started = time.perf_counter()
        data = post_json(
            self._client,
            url,
            body,
            headers=headers,
            policy=self._policy,
            what="OpenAI-compatible server",
            sleep=self._sleep,
        )
        return parse_openai(
            data,
            request,
            params,
            backend=self.name,
            model=self.model,
            seconds=time.perf_counter() - started,
            where=f"OpenAI-compatible server at {url}",
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()
