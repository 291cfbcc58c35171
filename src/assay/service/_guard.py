"""The edge of both services (HTTP API and MCP over HTTP): what a request must be before any
route sees it.

* **Trusted hosts.** A browser page can reach a loopback server through DNS rebinding: its
  requests then carry the attacker's host name. Only the names the operator allows (the
  loopback names by default) are served; anything else is 400.
* **Bounded bodies.** The body is read here, whatever the web framework's version does: a
  declared or actual size over the limit is 413, and a body that does not arrive within the
  read timeout (a client trickling bytes to hold a worker) is 408. Routes then receive the
  whole body at once.

Every refusal is JSON: ``{"detail": ..., "error": ...}``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["LOOPBACK_HOSTS", "RequestGuard", "allowed_hosts_for", "host_allowed"]

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
"""Host names a loopback server answers to by default."""

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def allowed_hosts_for(bind_host: str, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The Host header names a server bound to `bind_host` accepts: the loopback names, the
    bound address itself unless it is a wildcard, and `extra` (``"*"`` allows any)."""
    names = list(LOOPBACK_HOSTS)
    if bind_host not in ("0.0.0.0", "::", "") and bind_host not in names:  # nosec B104  # compared, not bound
        names.append(bind_host.strip("[]"))
    names.extend(name.strip().lower() for name in extra if name.strip())
    return tuple(dict.fromkeys(names))


def _host_name(header: str) -> str:
    """The name in a Host header, without its port (``[::1]:8765`` → ``::1``)."""
    value = header.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else value
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


def host_allowed(header: str | None, allowed: Sequence[str]) -> bool:
    """True when the Host header names one of `allowed` (``"*"`` allows any, and
    ``*.example.com`` any subdomain)."""
    if "*" in allowed:
        return True
    if not header:
        return False
    name = _host_name(header)
    for pattern in allowed:
        if name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


class _Refused(Exception):
    def __init__(self, status: int, detail: str, error: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.error = error


class RequestGuard:
    """ASGI middleware: trusted hosts, body size limit and body read timeout (see above)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Sequence[str],
        max_body_bytes: int,
        body_timeout_s: float,
    ) -> None:
        self.app = app
        self.allowed_hosts = tuple(allowed_hosts)
        self.max_body_bytes = max_body_bytes
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.lower(): value for key, value in scope.get("headers", [])}
        host = headers.get(b"host", b"").decode("latin-1")
        try:
            if not host_allowed(host, self.allowed_hosts):
                raise _Refused(
                    400,
                    f"host {host!r} is not served here; the operator allows: "
                    f"{', '.join(self.allowed_hosts)} (assay serve --allowed-host NAME)",
                    "HostNotAllowed",
                )
            if scope.get("method", "GET") not in _BODY_METHODS:
                await self.app(scope, receive, send)
                return
            body = await self._read_body(headers, receive)
        except _Refused as refusal:
            await _send_json(send, refusal.status, refusal.detail, refusal.error)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, headers: dict[bytes, bytes], receive: Receive) -> bytes:
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                raise _Refused(400, "Content-Length is not a number", "BadRequest") from None
            if length > self.max_body_bytes:
                raise _Refused(413, self._too_large(length), "BodyTooLarge")
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.body_timeout_s
        while True:
            remaining = deadline - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(remaining, 0.0))
            except asyncio.TimeoutError:
                raise _Refused(
                    408,
                    f"the request body did not arrive within {self.body_timeout_s:g} s",
                    "BodyTimeout",
                ) from None
            if message["type"] == "http.disconnect":
                raise _Refused(400, "the client disconnected while sending", "Disconnected")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _Refused(413, self._too_large(size), "BodyTooLarge")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self, size: int) -> str:
        return (
            f"the request body ({size:,} bytes or more) is over this server's limit of "
            f"{self.max_body_bytes:,} bytes (assay serve --max-body)"
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the route the whole body once, then the client's own events
    (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _send_json(send: Send, status: int, detail: str, error: str) -> None:
    payload = json.dumps({"detail": detail, "error": error}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
