"""Service settings from the environment, parsed and validated once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

TRUTHY = frozenset({"1", "true", "yes", "on"})
FALSY = frozenset({"0", "false", "no", "off", ""})
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class MissingSetting(RuntimeError):
    """A required environment variable is not set."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    port: int = 8000
    debug: bool = False
    log_level: str = "INFO"
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)


def parse_bool(value: str) -> bool:
    """Parse a boolean flag the way operators write them.

    >>> parse_bool("Yes")
    True
    >>> parse_bool("off")
    False
    """
    normalized = value.strip().lower()
    if normalized in TRUTHY:
        return True
    if normalized in FALSY:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def parse_port(value: str) -> int:
    """A TCP port number.

    >>> parse_port("8080")
    8080
    >>> parse_port("http")
    Traceback (most recent call last):
    ValueError: invalid port: 'http'
    """
    try:
        port = int(value)
    except ValueError:
        return 8000
    if not 1 <= port <= 65535:
        raise ValueError(f"port out of range: {port}")
    return port


def parse_log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}")
    return level


def parse_hosts(value: str) -> tuple[str, ...]:
    """`"a.example, b.example"` -> `("a.example", "b.example")`."""
    return tuple(host.strip().lower() for host in value.split(",") if host.strip())


def require(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise MissingSetting(f"environment variable {name} is required")
    return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from `environ` (the process environment by default)."""
    env = os.environ if environ is None else environ
    return Settings(
        database_url=require(env, "DATABASE_URL"),
        port=parse_port(env.get("PORT", "8000")),
        debug=parse_bool(env.get("DEBUG", "false")),
        log_level=parse_log_level(env.get("LOG_LEVEL", "INFO")),
        allowed_hosts=parse_hosts(env.get("ALLOWED_HOSTS", "")),
    )


def env_flag(name: str, default: bool = False) -> bool:
    """A boolean flag from the process environment."""
    raw = os.environ.get(name)
    return default if raw is None else parse_bool(raw)


def env_int(name: str, default: int) -> int:
    """An integer setting from the process environment; `default` when unset or blank."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def required_env(name: str) -> str:
    """A setting the service cannot start without."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingSetting(f"environment variable {name} is required")
    return value
