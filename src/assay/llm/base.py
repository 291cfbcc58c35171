"""The one small interface every LLM backend implements, and the values it exchanges.

A backend answers a `Request` (a chat, a plain completion, or a fill-in-the-middle) under
`Params` (temperature, max_tokens, stop, seed, n) with a list of `Completion`s, each carrying
its own token accounting. Everything here is plain data so recorded runs can be replayed.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from assay.errors import InvalidArgument

__all__ = [
    "Backend",
    "Completion",
    "Message",
    "Params",
    "Request",
    "RequestKind",
    "Usage",
    "chat_request",
    "fim_request",
    "sample_each",
    "strip_stops",
    "with_prefill",
]


class RequestKind(str, enum.Enum):
    """What kind of generation a request asks for."""

    CHAT = "chat"
    COMPLETION = "completion"
    FIM = "fim"


@dataclass(frozen=True)
class Message:
    """One chat message. ``role`` is ``system``, ``user`` or ``assistant``; a trailing
    assistant message is a prefill the model continues."""

    role: str
    content: str

    def as_dict(self) -> dict[str, str]:
        """The OpenAI-shaped form of this message."""
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class Request:
    """What to generate: chat messages, a completion prompt, or a prefix/suffix pair."""

    kind: RequestKind
    messages: tuple[Message, ...] = ()
    prompt: str = ""
    suffix: str = ""
    #: The template that built this request (e.g. ``"gen-v1"``): provenance, not content.
    template: str = ""

    def key(self) -> str:
        """sha256 of the content (not the template label): the replay key of the request."""
        payload = {
            "kind": self.kind.value,
            "messages": [m.as_dict() for m in self.messages],
            "prompt": self.prompt,
            "suffix": self.suffix,
        }
        return _digest(payload)

    @property
    def prefill(self) -> str:
        """The assistant text the model continues (empty when there is none)."""
        if (
            self.kind is RequestKind.CHAT
            and self.messages
            and self.messages[-1].role == "assistant"
        ):
            return self.messages[-1].content
        return ""


def chat_request(
    user: str, *, system: str | None = None, prefill: str = "", template: str = ""
) -> Request:
    """A chat request of an optional system message, one user message and an optional prefill."""
    messages = []
    if system:
        messages.append(Message("system", system))
    messages.append(Message("user", user))
    if prefill:
        messages.append(Message("assistant", prefill))
    return Request(RequestKind.CHAT, messages=tuple(messages), template=template)


def fim_request(prefix: str, suffix: str, *, template: str = "fim-v1") -> Request:
    """A fill-in-the-middle request: generate what goes between `prefix` and `suffix`."""
    return Request(RequestKind.FIM, prompt=prefix, suffix=suffix, template=template)


@dataclass(frozen=True)
class Params:
    """Sampling parameters. ``n`` completions are drawn with seeds ``seed, seed+1, ...``."""

    temperature: float = 0.0
    max_tokens: int = 384
    stop: tuple[str, ...] = ()
    seed: int = 0
    n: int = 1
    top_p: float = 0.95

    def __post_init__(self) -> None:
        if not 0.0 <= self.temperature <= 2.0:
            raise InvalidArgument(f"temperature={self.temperature!r} must be between 0 and 2")
        if self.max_tokens < 1:
            raise InvalidArgument(f"max_tokens={self.max_tokens!r} must be at least 1")
        if self.n < 1:
            raise InvalidArgument(f"n={self.n!r} must be at least 1")

    def for_sample(self, index: int) -> Params:
        """The parameters of the `index`-th single sample (n=1, its own seed)."""
        return Params(
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            stop=self.stop,
            seed=self.seed + index,
            n=1,
            top_p=self.top_p,
        )

    def key(self) -> str:
        """sha256 of everything that changes the output of one sample."""
        return _digest(
            {
                "temperature": self.temperature,
                "max_tokens": self.max_tokens,
                "stop": list(self.stop),
                "seed": self.seed if self.temperature > 0 else 0,
                "top_p": self.top_p,
            }
        )


@dataclass(frozen=True)
class Usage:
    """Tokens spent: what the model read and what it wrote."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        """prompt + completion tokens."""
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
        )

    def as_dict(self) -> dict[str, int]:
        """JSON form, with the total."""
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
        }


@dataclass(frozen=True)
class Completion:
    """One generated text and what it cost. For a chat with a prefill, `text` starts with the
    prefill (see `Request.prefill`), whatever the server echoed."""

    text: str
    backend: str
    model: str
    finish_reason: str = "stop"
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON form (used by the replay recorder and by reports)."""
        return {
            "text": self.text,
            "backend": self.backend,
            "model": self.model,
            "finish_reason": self.finish_reason,
            "usage": self.usage.as_dict(),
            "seconds": round(self.seconds, 3),
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Completion:
        """Inverse of `as_dict`."""
        usage = data.get("usage") or {}
        return cls(
            text=str(data["text"]),
            backend=str(data.get("backend", "")),
            model=str(data.get("model", "")),
            finish_reason=str(data.get("finish_reason", "stop")),
            usage=Usage(int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))),
            seconds=float(data.get("seconds", 0.0)),
            seed=int(data.get("seed", 0)),
        )


@runtime_checkable
class Backend(Protocol):
    """An LLM that answers requests. ``name`` identifies the backend kind (``embedded``,
    ``openai``, ``anthropic``, ``replay``), ``model`` the model it runs."""

    name: str
    model: str

    def generate(self, request: Request, params: Params) -> list[Completion]:
        """``params.n`` completions of `request`.

        Raises:
            BackendError: the backend cannot answer (unreachable, bad key, malformed answer).
        """
        ...

    def close(self) -> None:
        """Release the model or connections; the backend is unusable afterwards."""
        ...


def sample_each(
    one: Callable[[Request, Params], Completion], request: Request, params: Params
) -> list[Completion]:
    """Draw ``params.n`` completions by calling ``one(request, params_i)`` per sample, for
    servers that return one choice per call; sample i uses seed ``params.seed + i``."""
    return [one(request, params.for_sample(i)) for i in range(params.n)]


def with_prefill(request: Request, text: str) -> str:
    """`text` as the full assistant message: servers differ on whether they echo a prefill."""
    prefill = request.prefill
    if prefill and not text.startswith(prefill):
        return prefill + text
    return text


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def strip_stops(text: str, stops: Sequence[str]) -> str:
    """`text` cut at the first stop sequence (servers that do not cut it themselves)."""
    cut = len(text)
    for stop in stops:
        index = text.find(stop)
        if index != -1:
            cut = min(cut, index)
    return text[:cut]
