"""Backends by name (``--backend``), with their environment read in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from assay.config import read_environment
from assay.errors import BackendError, InvalidArgument
from assay.llm.base import Backend

__all__ = ["BACKEND_KINDS", "BackendEnv", "make_backend"]

BACKEND_KINDS = ("local", "embedded", "openai", "anthropic", "replay")


@dataclass(frozen=True)
class BackendEnv:
    """The environment variables the backends read; `from_environ` is the only place that
    reads them."""

    openai_base_url: str | None = None
    openai_api_key: str | None = None
    openai_model: str | None = None
    anthropic_api_key: str | None = None
    anthropic_base_url: str | None = None
    cache_dir: Path | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> BackendEnv:
        """Read ``OPENAI_BASE_URL``, ``OPENAI_API_KEY``, ``OPENAI_MODEL``,
        ``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL`` and ``ASSAY_CACHE_DIR`` (empty = unset)."""
        env = read_environment(environ)
        return cls(
            openai_base_url=env.openai_base_url,
            openai_api_key=env.openai_api_key,
            openai_model=env.openai_model,
            anthropic_api_key=env.anthropic_api_key,
            anthropic_base_url=env.anthropic_base_url,
            cache_dir=env.cache_dir / "models" if env.cache_dir else None,
        )


def make_backend(
    spec: str,
    *,
    model: str | None = None,
    env: BackendEnv | None = None,
    threads: int | None = None,
) -> Backend:
    """The backend a ``--backend`` spec names (see `assay.llm`); `model` overrides the
    model named in the spec; `threads` is the embedded model's (default: see
    `assay.llm.embedded.default_threads`).

    Raises:
        InvalidArgument: the spec names no backend kind.
        BackendError: a required key or URL is missing, or the backend cannot start.
    """
    env = env or BackendEnv.from_environ()
    kind, _, argument = spec.partition(":")
    kind = kind.strip().lower()
    argument = argument.strip()
    if kind in ("local", "embedded"):
        from assay.llm.embedded import EmbeddedBackend

        return EmbeddedBackend(model or argument or None, threads=threads, cache=env.cache_dir)
    if kind == "openai":
        from assay.llm.openai import OpenAIBackend

        base_url = argument or env.openai_base_url
        if not base_url:
            raise BackendError(
                "the openai backend needs a server URL: pass --backend openai:http://HOST:PORT/v1 "
                "or set OPENAI_BASE_URL (and OPENAI_API_KEY for hosted APIs)"
            )
        return OpenAIBackend(
            base_url, api_key=env.openai_api_key, model=model or env.openai_model or ""
        )
    if kind == "anthropic":
        from assay.llm.anthropic import DEFAULT_MODEL, AnthropicBackend

        if not env.anthropic_api_key:
            raise BackendError(
                "the anthropic backend needs an API key: set ANTHROPIC_API_KEY "
                "(create one at https://console.anthropic.com/)"
            )
        return AnthropicBackend(
            api_key=env.anthropic_api_key,
            model=model or argument or DEFAULT_MODEL,
            base_url=env.anthropic_base_url,
        )
    if kind == "replay":
        from assay.llm.replay import ReplayBackend

        if not argument:
            raise InvalidArgument("--backend replay needs a file: --backend replay:samples.jsonl")
        return ReplayBackend(Path(argument))
    raise InvalidArgument(
        f"--backend {spec!r} is not one of {', '.join(BACKEND_KINDS)} "
        "(e.g. local, openai:http://127.0.0.1:8080/v1, anthropic, replay:samples.jsonl)"
    )
