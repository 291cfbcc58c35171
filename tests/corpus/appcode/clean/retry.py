"""Retrying calls to flaky services with capped exponential back-off."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    base: float = 0.5
    cap: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.base <= 0 or self.cap < self.base:
            raise ValueError("need 0 < base <= cap")


class TransientError(Exception):
    """An error worth retrying (timeouts, 5xx, throttling)."""


def is_retryable(status: int) -> bool:
    return status in RETRYABLE_STATUS


def backoff_delay(attempt: int, *, base: float, cap: float) -> float:
    """Seconds to wait before retry number `attempt` (0 for the first retry).

    >>> backoff_delay(0, base=0.5, cap=30.0)
    0.5
    >>> backoff_delay(3, base=0.5, cap=30.0)
    4.0
    >>> backoff_delay(10, base=0.5, cap=30.0)
    30.0
    """
    if attempt < 0:
        raise ValueError("attempt must be non-negative")
    # Past 2**64 the exponent only matters as "above the cap"; avoid huge floats.
    return min(cap, base * 2 ** min(attempt, 64))


def delays(policy: RetryPolicy) -> list[float]:
    return [backoff_delay(i, base=policy.base, cap=policy.cap) for i in range(policy.attempts - 1)]


def retry_call(fn: Callable[[], T], policy: RetryPolicy) -> T:
    """Call `fn` until it succeeds or the policy's attempts are spent."""
    last: TransientError | None = None
    for attempt in range(policy.attempts):
        try:
            return fn()
        except TransientError as exc:
            last = exc
            if attempt + 1 < policy.attempts:
                time.sleep(backoff_delay(attempt, base=policy.base, cap=policy.cap))
    assert last is not None  # the loop ran at least once and only exits early by returning
    raise last
