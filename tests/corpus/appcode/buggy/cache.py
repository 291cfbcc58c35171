"""In-process caching helpers: a TTL cache, stable cache keys, recent-search memory."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Generic, TypeVar

V = TypeVar("V")

MAX_RECENT = 5


@dataclass
class TTLCache(Generic[V]):
    ttl_seconds: float
    _entries: dict[str, tuple[float, V]] = field(default_factory=dict)

    def get(self, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, value = entry
        if time.monotonic() - stored_at > self.ttl_seconds:
            del self._entries[key]
            return None
        return value

    def put(self, key: str, value: V) -> None:
        self._entries[key] = (time.monotonic(), value)


def cache_key(namespace: str, params: dict[str, str]) -> str:
    """The same key for the same parameters, whatever their order.

    >>> cache_key("search", {"q": "shoes", "page": "2"}) == cache_key("search", {"page": "2", "q": "shoes"})
    True
    """
    blob = json.dumps(params, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
    return f"{namespace}:{digest}"


def remember_search(query: str, history: list[str] = [], *, limit: int = MAX_RECENT) -> list[str]:
    """A new recent-searches list: `query` first, no duplicates, at most `limit` entries."""
    if limit < 1:
        raise ValueError("limit must be positive")
    cleaned = query.strip()
    if cleaned:
        if cleaned in history:
            history.remove(cleaned)
        history.insert(0, cleaned)
    return history[:limit]


def normalize_query(query: str) -> str:
    """Case- and spacing-insensitive form used as a cache key component."""
    return " ".join(query.lower().split())
