"""LLM backends behind one small interface (`Backend`), and the prompts assay sends them.

Backends are named by a short spec (what ``--backend`` takes)::

    local | embedded[:MODEL]      the embedded CPU model (default Qwen2.5-Coder-0.5B), or a .gguf path
    openai[:BASE_URL]             any OpenAI-compatible server (env OPENAI_BASE_URL, OPENAI_API_KEY)
    anthropic[:MODEL]             the Anthropic Messages API (env ANTHROPIC_API_KEY)
    replay:PATH                   completions recorded in a JSONL file (tests, benchmarks)

Environment variables of the backends are read in exactly one place: `BackendEnv`.
"""

from __future__ import annotations

from assay.llm.base import Backend, Completion, Message, Params, Request, RequestKind, Usage
from assay.llm.factory import BackendEnv, make_backend

__all__ = [
    "Backend",
    "BackendEnv",
    "Completion",
    "Message",
    "Params",
    "Request",
    "RequestKind",
    "Usage",
    "make_backend",
]
