"""The embedded backend: a GGUF model run in-process by xllamacpp (llama.cpp) on the CPU.

Works with no network and no GPU: the default model comes from pinned PyPI chunk packages
(see `assay.llm.models`). The xllamacpp server takes and returns OpenAI-shaped dicts, so
requests and answers share their shape with `assay.llm.openai`; it also listens on a
loopback port (`listening_address`), which makes it a real OpenAI-compatible server too.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from assay._extras import require
from assay.errors import BackendError
from assay.llm.base import Completion, Params, Request, sample_each
from assay.llm.models import ModelSpec, ensure_model, resolve_model
from assay.llm.openai import openai_payload, parse_openai

__all__ = ["EmbeddedBackend", "default_threads"]


def default_threads() -> int:
    """Generation threads for this machine: one per usable core (at most 4), but only one
    when the machine is already busier than its cores: llama.cpp's threads wait for each
    other at every step, so on an oversubscribed CPU two threads run many times slower
    than one (measured here: 24 generated tokens in 100 s with 2 threads at load 12,
    80 in 17 s with 1)."""
    cores = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return 1 if busy >= cores else max(1, min(cores, 4))


class EmbeddedBackend:
    """A local GGUF model served by xllamacpp.

    Args:
        model: an embedded model name (``qwen2.5-coder-0.5b``, alias ``0.5b``) or the path
            of a local ``.gguf`` file; default: the 0.5B coder model.
        threads: CPU threads for generation and prompt processing; default:
            `default_threads()`.
        n_ctx: context length in tokens.
        cache: directory for assembled models (default: see `assay.llm.models.cache_dir`).

    Raises:
        BackendError: the model packages are missing or xllamacpp cannot load the model.
        ModelIntegrityError: the model does not match its pinned sha256.
    """

    name = "embedded"

    def __init__(
        self,
        model: str | None = None,
        *,
        threads: int | None = None,
        n_ctx: int = 4096,
        cache: Path | None = None,
    ) -> None:
        resolved = resolve_model(model)
        if isinstance(resolved, ModelSpec):
            self.path = ensure_model(resolved, cache)
            self.model = resolved.name
        else:
            self.path = resolved
            self.model = resolved.name
        self._lock = threading.Lock()
        self.threads = threads or default_threads()
        self._server: Any = _load(self.path, threads=self.threads, n_ctx=n_ctx)

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible URL xllamacpp serves on loopback (``http://host:port/v1``)."""
        address = str(self._server.listening_address)
        if not address.startswith("http"):
            address = f"http://{address}"
        return address.rstrip("/") + "/v1"

    def generate(self, request: Request, params: Params) -> list[Completion]:
        """``params.n`` completions of `request`, one at a time (parallel slots add no
        throughput on a few CPU cores)."""
        return sample_each(self._one, request, params)

    def _one(self, request: Request, params: Params) -> Completion:
        if self._server is None:
            raise BackendError("the embedded backend was closed; create a new one")
        endpoint, body = openai_payload(request, params, "")
        started = time.perf_counter()
        with self._lock:
            if endpoint == "chat/completions":
                data = self._server.handle_chat_completions(body)
            else:
                data = self._server.handle_completions(body)
        if not isinstance(data, dict):
            raise BackendError(f"xllamacpp answered with {type(data).__name__}, not a dict")
        return parse_openai(
            data,
            request,
            params,
            backend=self.name,
            model=self.model,
            seconds=time.perf_counter() - started,
            where=f"embedded model {self.path}",
        )

    def close(self) -> None:
        """Stop the server and free the model."""
        with self._lock:
            self._server = None


def _load(path: Path, *, threads: int, n_ctx: int) -> Any:
    xllamacpp = require("xllamacpp", extra="local-model")
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.n_ctx = n_ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.verbosity = -1
    params.warmup = False
    try:
        return xllamacpp.Server(params)
    except (RuntimeError, ValueError, OSError) as error:
        raise BackendError(f"xllamacpp cannot load {path}: {error}") from error
