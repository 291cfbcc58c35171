"""Anthropic backend: the Messages API (``POST {base_url}/v1/messages``) over httpx.

The system message goes in ``system``; a trailing assistant message is a prefill the model
continues (the returned text is prefixed with it). Completion and FIM requests, which the
Messages API does not offer, are asked as a chat: "write the code between these two parts".
The API has no seed, so repeated samples differ only by temperature.
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
    Message,
    Params,
    Request,
    RequestKind,
    Usage,
    sample_each,
    with_prefill,
)

__all__ = ["API_VERSION", "DEFAULT_MODEL", "AnthropicBackend", "messages_payload"]

API_VERSION = "2023-06-01"
DEFAULT_MODEL = "claude-sonnet-4-5"
_DEFAULT_BASE_URL = "https://api.anthropic.com"


def messages_payload(request: Request, params: Params, model: str) -> dict[str, Any]:
    """The JSON body of one Messages API call for `request`."""
    messages = list(request.messages)
    if request.kind is not RequestKind.CHAT:
        messages = [Message("user", _as_instruction(request))]
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": params.max_tokens,
        "temperature": min(params.temperature, 1.0),
        "messages": [m.as_dict() for m in messages if m.role != "system"],
    }
    if system:
        body["system"] = system
    stops = [s for s in params.stop if s.strip()]
    if stops:
        body["stop_sequences"] = stops
    return body


def _as_instruction(request: Request) -> str:
    if request.kind is RequestKind.FIM:
        return (
            "Write only the code that belongs at <FILL>; reply with that code and nothing "
            f"else.\n\n{request.prompt}<FILL>{request.suffix}"
        )
    return f"Continue this text; reply with the continuation only.\n\n{request.prompt}"


class AnthropicBackend:
    """Claude models over the Anthropic Messages API.

    Args:
        api_key: the ``x-api-key`` value (from ``ANTHROPIC_API_KEY``).
        model: a model id, e.g. ``claude-sonnet-4-5``.
        base_url: the API root (default ``https://api.anthropic.com``; tests use a local server).
        policy: timeouts and retries.
        client: an `httpx.Client` to use; default: a new one.
        sleep: how to wait between retries.
    """

    name = "anthropic"

    def __init__(
        self,
        *,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        policy: RetryPolicy | None = None,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key:
            raise BackendError("the anthropic backend needs an API key: set ANTHROPIC_API_KEY")
        self.model = model
        self.base_url = (base_url or _DEFAULT_BASE_URL).rstrip("/")
        self._api_key = api_key
        self._policy = policy or RetryPolicy()
        self._client = client or httpx.Client()
        self._sleep = sleep

    def generate(self, request: Request, params: Params) -> list[Completion]:
        """``params.n`` completions of `request` (one API call per sample)."""
        return sample_each(self._one, request, params)

    def _one(self, request: Request, params: Params) -> Completion:
        url = f"{self.base_url}/v1/messages"
        headers = {"x-api-key": self._api_key, "anthropic-version": API_VERSION}
        started = time.perf_counter()
        data = post_json(
            self._client,
            url,
            messages_payload(request, params, self.model),
            headers=headers,
            policy=self._policy,
            what="Anthropic API",
            sleep=self._sleep,
        )
        blocks = data.get("content")
        if data.get("type") == "error" or not isinstance(blocks, list):
            raise BackendError(
                f"Anthropic API at {url} answered without content: {str(data)[:300]}"
            )
        text = "".join(
            str(block.get("text", ""))
            for block in blocks
            if isinstance(block, dict) and block.get("type") == "text"
        )
        usage = data.get("usage") or {}
        return Completion(
            text=with_prefill(request, text),
            backend=self.name,
            model=str(data.get("model") or self.model),
            finish_reason=str(data.get("stop_reason") or "end_turn"),
            usage=Usage(int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0)),
            seconds=time.perf_counter() - started,
            seed=params.seed,
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()
