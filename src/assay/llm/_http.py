"""JSON over HTTP for the remote backends: timeouts, retries with exponential backoff, and
errors that name the URL and the remedy."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from assay.errors import BackendError

__all__ = ["RetryPolicy", "post_json"]

#: Statuses worth retrying: rate limits, overload, and transient server failures.
_RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: delay ``backoff * 2**attempt``, capped."""

    attempts: int = 3
    backoff: float = 0.5
    max_delay: float = 8.0
    timeout: float = 120.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        return float(min(self.max_delay, self.backoff * (2**attempt)))


def post_json(
    client: httpx.Client,
    url: str,
    payload: Mapping[str, Any],
    *,
    headers: Mapping[str, str],
    policy: RetryPolicy,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """POST `payload` as JSON and return the decoded JSON object.

    Connection failures, timeouts and retryable statuses are retried under `policy`;
    `what` names the backend in error messages (e.g. ``"OpenAI-compatible server"``).

    Raises:
        BackendError: unreachable after every retry, an authentication failure, a
            non-retryable status, or an answer that is not a JSON object.
    """
    last_problem = ""
    for attempt in range(policy.attempts):
        if attempt:
            sleep(policy.delay(attempt - 1))
        try:
            response = client.post(
                url, json=dict(payload), headers=dict(headers), timeout=policy.timeout
            )
        except httpx.TimeoutException as error:
            last_problem = f"timed out after {policy.timeout:g}s ({type(error).__name__})"
            continue
        except httpx.TransportError as error:
            last_problem = f"unreachable ({type(error).__name__}: {error})"
            continue
        if response.status_code in (401, 403):
            raise BackendError(
                f"{what} at {url} refused the credentials (HTTP {response.status_code}): "
                f"{_snippet(response)}; check the API key"
            )
        if response.status_code in _RETRY_STATUSES:
            last_problem = f"HTTP {response.status_code}: {_snippet(response)}"
            continue
        if response.status_code >= 400:
            raise BackendError(
                f"{what} at {url} rejected the request (HTTP {response.status_code}): "
                f"{_snippet(response)}; check the model name and parameters"
            )
        try:
            data = response.json()
        except ValueError as error:
            raise BackendError(
                f"{what} at {url} answered with non-JSON: {_snippet(response)}; "
                "is the base URL the API root (e.g. http://127.0.0.1:8080/v1)?"
            ) from error
        if not isinstance(data, dict):
            raise BackendError(
                f"{what} at {url} answered with {type(data).__name__}, not an object"
            )
        return data
    raise BackendError(
        f"{what} at {url} failed after {policy.attempts} attempts: {last_problem}; "
        "check that the server is running and the base URL is right"
    )


def _snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:300] if text else "(empty body)"
