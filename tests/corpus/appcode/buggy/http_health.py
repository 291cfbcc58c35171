"""Health checks of the services we depend on, with http.client and sockets."""

from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
HEALTH_PATH = "/healthz"


def parse_host_port(value: str, *, default_port: int) -> tuple[str, int]:
    """`"db.internal:5432"` -> `("db.internal", 5432)`; `"[::1]:8080"` works too.

    >>> parse_host_port("db.internal:5432", default_port=80)
    ('db.internal', 5432)
    >>> parse_host_port("cache", default_port=6379)
    ('cache', 6379)
    """
    host, port_text = value.strip().split(":") if ":" in value else (value.strip(), "")
    host = host.strip("[]")
    if not host:
        raise ValueError(f"no host in {value!r}")
    if not port_text:
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port in {value!r}")
    return host, int(port_text)


def health_url(base_url: str) -> str:
    return base_url.rstrip("/") + HEALTH_PATH


def _status_of(url: str, timeout: float) -> int:
    parts = urlsplit(url)
    connection_type = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 80)
    connection = connection_type(parts.hostname or "localhost", port, timeout=timeout)
    try:
        connection.request("GET", parts.path or "/")
        return connection.getresponse().status
    finally:
        connection.close()


def check_health(base_url: str, *, timeout: float = 2.0) -> bool:
    """True when the service answers its health endpoint with 200.

    An unreachable service is unhealthy: that is the answer, not an error.
    """
    try:
        return _status_of(health_url(base_url), timeout) == 200
    except (OSError, http.client.HTTPException):
        return False


def port_open(host: str, port: int, *, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
