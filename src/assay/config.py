"""One typed schema for every option, read from ``[tool.assay]`` in pyproject.toml.

Options are declared once here (type, default, doc). Unknown keys are rejected with a
message naming the key and the valid ones. Environment variables are read here and only here:
`read_environment` returns every one assay uses as a typed `Environment` (the table
`ENVIRONMENT_VARIABLES` documents them; `tests/test_config.py` keeps other modules from reading
``os.environ``). The sandbox's child side is the one exception: it reads the private variables
its parent set for it inside the sandbox, which are a start-up protocol, not user settings.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assay.errors import ConfigError
from assay.model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

__all__ = [
    "ENVIRONMENT_VARIABLES",
    "Environment",
    "Settings",
    "cache_dir",
    "data_dir",
    "env_flag",
    "find_pyproject",
    "load_settings",
    "read_environment",
]

MIN_PROBE_TIMEOUT = 0.1
"""The probe timeout also bounds importing the checked module in the sandbox; below a tenth of
a second an import of a small module no longer finishes reliably, so every dynamic check
would silently time out."""
MAX_PROBE_TIMEOUT = 600.0
"""Ten minutes per call: beyond this the timeout overflows the sandbox's timers or never
fires in practice."""
MIN_NETWORK_TIMEOUT = 0.01
MAX_NETWORK_TIMEOUT = 600.0
MAX_CACHE_TTL_HOURS = 24.0 * 365 * 10
MAX_FILE_BYTES = 5_000_000
"""The default of ``max-file-bytes`` (the walk in `assay.source.discover` enforces it)."""
MIN_FILE_BYTES_CAP = 1_000
MAX_FILE_BYTES_CAP = 200_000_000
"""A file cap beyond 200 MB would let one file need tens of gigabytes in the static stage."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Settings(BaseModel):
    """Everything that changes what `assay check` does. Keys are kebab-case in TOML."""

    # NaN and infinity are refused everywhere: `probe-timeout = inf` would never time out and
    # `nan` compares false with every bound.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=_kebab,
        populate_by_name=True,
        allow_inf_nan=False,
    )

    select: list[str] = Field(
        default_factory=list,
        description="Rules to run (ids, prefixes, names, families); empty = all.",
    )
    ignore: list[str] = Field(default_factory=list, description="Rules never to run.")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Per-rule severity overrides, e.g. {AS101 = 'warning'}."
    )
    exclude: list[str] = Field(
        default_factory=list, description="Gitignore-style patterns of paths not to check."
    )
    fail_on: Severity = Field(
        default=Severity.WARNING, description="Exit 1 when a finding is at or above this severity."
    )
    offline: bool = Field(
        default=False, description="Never ask a package index; use the shipped offline knowledge."
    )
    python: str | None = Field(
        default=None,
        description="Target Python version (e.g. '3.12'); default: requires-python, else the running interpreter.",
    )
    dynamic: bool = Field(
        default=True, description="Run sandboxed probes on functions with examples or type hints."
    )
    allow_unsandboxed: bool = Field(
        default=False,
        description="Where no isolation works, still run the dynamic probes with resource limits "
        "only (every gap is listed in the report's warnings); default: they do not run.",
    )
    probe_timeout: float = Field(
        default=2.0,
        ge=MIN_PROBE_TIMEOUT,
        le=MAX_PROBE_TIMEOUT,
        description=(
            f"Seconds per sandboxed call in probes (and for importing the module), "
            f"{MIN_PROBE_TIMEOUT:g}-{MAX_PROBE_TIMEOUT:g}."
        ),
    )
    index_url: str | None = Field(
        default=None,
        description="Package index (PEP 503/691) to ask about unknown packages; default: pip's configured index.",
    )
    cache_ttl_hours: float = Field(
        default=24.0 * 7,
        ge=0,
        le=MAX_CACHE_TTL_HOURS,
        description=(
            f"How long package-index answers are cached on disk, 0-{MAX_CACHE_TTL_HOURS:g} hours."
        ),
    )
    network_timeout: float = Field(
        default=3.0,
        ge=MIN_NETWORK_TIMEOUT,
        le=MAX_NETWORK_TIMEOUT,
        description=(
            "Total seconds allowed for package-index look-ups in one run, "
            f"{MIN_NETWORK_TIMEOUT:g}-{MAX_NETWORK_TIMEOUT:g}."
        ),
    )
    max_file_bytes: int = Field(
        default=MAX_FILE_BYTES,
        ge=MIN_FILE_BYTES_CAP,
        le=MAX_FILE_BYTES_CAP,
        description=(
            "Files larger than this many bytes are reported, not read, "
            f"{MIN_FILE_BYTES_CAP:,}-{MAX_FILE_BYTES_CAP:,}."
        ),
    )
    follow_symlinks: bool = Field(
        default=False,
        description="Check what symlinks inside checked directories point to outside them.",
    )
    base: str | None = Field(
        default=None, description="Git revision to compare with for removed-validation checks."
    )
    per_file_ignores: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Rules not reported in matching files, e.g. {'tests/**' = ['AS3']} "
        "(gitignore-style pattern -> ids, prefixes, names, families).",
    )
    ledger: bool = Field(
        default=False,
        description="Record `assay check` runs in the ledger (gen and compare always record "
        "unless --no-ledger).",
    )

    @field_validator("python")
    @classmethod
    def _check_python(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"3\.\d{1,2}", value):
            raise ValueError(f"python = {value!r} must look like '3.12'")
        return value

    @property
    def target_python(self) -> tuple[int, int]:
        """The Python version code is checked for, as (major, minor)."""
        if self.python:
            major, minor = self.python.split(".")
            return int(major), int(minor)
        return sys.version_info[:2]

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given options replaced (None values are ignored)."""
        data = self.model_dump()
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return Settings.model_validate(data)
        except ValidationError as error:
            raise ConfigError(_describe(error, "command-line options")) from error


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start`."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for directory in (current, *current.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path | None = None, *, pyproject: Path | None = None) -> Settings:
    """Settings from the nearest pyproject.toml's ``[tool.assay]`` plus the environment.

    Raises:
        ConfigError: the file cannot be parsed or has an unknown or invalid key.
    """
    path = pyproject or find_pyproject(start or Path.cwd())
    table: dict[str, Any] = {}
    requires_python: str | None = None
    if path is not None:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"cannot read {path}: {error}; fix the TOML syntax") from error
        table, requires_python = _tables(document, path)
    if "python" not in table and requires_python:
        lowest = _lowest_python(requires_python)
        if lowest:
            table["python"] = lowest
    table.update(_environment_overrides(os.environ))
    try:
        return Settings.model_validate(table)
    except ValidationError as error:
        raise ConfigError(_describe(error, f"[tool.assay] in {path}")) from error


def _tables(document: dict[str, Any], path: Path) -> tuple[dict[str, Any], str | None]:
    """``[tool.assay]`` and ``project.requires-python`` of a parsed pyproject.toml.

    Raises:
        ConfigError: ``tool``, ``tool.assay`` or ``project`` is not a table, or
            ``requires-python`` is not a string.
    """
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(
            f"[tool] in {path} must be a table, not {type(tool).__name__} {tool!r}; "
            "write the options under a [tool.assay] header"
        )
    table = tool.get("assay", {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"tool.assay in {path} must be a table, not {type(table).__name__} {table!r}; "
            "write the options under a [tool.assay] header"
        )
    project = document.get("project", {})
    if not isinstance(project, dict):
        raise ConfigError(f"[project] in {path} must be a table, not {type(project).__name__}")
    requires_python = project.get("requires-python")
    if requires_python is not None and not isinstance(requires_python, str):
        raise ConfigError(
            f"project.requires-python in {path} must be a string like '>=3.10', "
            f"not {requires_python!r}"
        )
    return dict(table), requires_python


def _lowest_python(spec: str) -> str | None:
    match = re.search(r">=?\s*(3\.\d+)", spec)
    return match.group(1) if match else None


def env_flag(name: str, environ: Mapping[str, str] | None = None) -> bool | None:
    """An on/off environment variable: None when unset; True for 1/true/yes, False for
    0/false/no or empty (any case).

    Raises:
        ConfigError: the variable holds something else.
    """
    raw = (os.environ if environ is None else environ).get(name)
    if raw is None:
        return None
    lowered = raw.strip().lower()
    if lowered not in {"0", "1", "true", "false", "yes", "no", ""}:
        raise ConfigError(f"{name}={raw!r} must be 1/0/true/false (or unset)")
    return lowered in {"1", "true", "yes"}


#: Every environment variable assay reads, with what it does (the README's table says the same).
ENVIRONMENT_VARIABLES: dict[str, str] = {
    "ASSAY_OFFLINE": "1: never ask the package index (same as offline = true)",
    "ASSAY_CACHE_DIR": "where caches and assembled models live (default: the user cache dir)",
    "ASSAY_NO_CACHE": "1: check every file again instead of reusing cached results",
    "ASSAY_LEDGER_URL": "the ledger database (sqlite:///path or postgresql://...)",
    "ASSAY_NO_LEDGER": "1: record nothing in the ledger",
    "ASSAY_ALLOW_UNSANDBOXED": "1: run candidate code with rlimits only where no isolation works",
    "ASSAY_API_KEY": "the service's API key(s), comma-separated",
    "OPENAI_BASE_URL": "the OpenAI-compatible server of the openai backend",
    "OPENAI_API_KEY": "its key",
    "OPENAI_MODEL": "its model name",
    "ANTHROPIC_API_KEY": "the anthropic backend's key",
    "ANTHROPIC_BASE_URL": "the anthropic backend's server (default: Anthropic's)",
    "PIP_INDEX_URL": "the package index to ask (pip's own variable)",
    "NO_COLOR": "non-empty: no colour in text output (https://no-color.org)",
    "FORCE_COLOR": "non-empty and not 0: colour even when not on a terminal",
}


@dataclass(frozen=True)
class Environment:
    """The environment variables of `ENVIRONMENT_VARIABLES`, parsed (empty means unset)."""

    offline: bool | None = None
    cache_dir: Path | None = None
    no_cache: bool = False
    ledger_url: str | None = None
    no_ledger: bool = False
    allow_unsandboxed: bool = False
    api_key: str | None = None
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    openai_model: str | None = None
    anthropic_api_key: str | None = None
    anthropic_base_url: str | None = None
    pip_index_url: str | None = None
    no_color: bool = False
    force_color: bool = False


def read_environment(environ: Mapping[str, str] | None = None) -> Environment:
    """The variables assay reads, from `environ` (default: the process environment).

    Raises:
        ConfigError: an on/off variable (ASSAY_OFFLINE, ASSAY_NO_CACHE, ASSAY_NO_LEDGER) holds
            something other than 1/0/true/false/yes/no.
    """
    env = os.environ if environ is None else environ

    def text(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    cache = text("ASSAY_CACHE_DIR")
    return Environment(
        offline=env_flag("ASSAY_OFFLINE", env),
        cache_dir=Path(cache) if cache else None,
        no_cache=env_flag("ASSAY_NO_CACHE", env) is True,
        ledger_url=text("ASSAY_LEDGER_URL"),
        no_ledger=env_flag("ASSAY_NO_LEDGER", env) is True,
        # Lenient on purpose: an opt-in to weaker isolation is only taken when clearly given.
        allow_unsandboxed=(text("ASSAY_ALLOW_UNSANDBOXED") or "").lower() in ("1", "true", "yes"),
        api_key=text("ASSAY_API_KEY"),
        openai_base_url=text("OPENAI_BASE_URL"),
        openai_api_key=text("OPENAI_API_KEY"),
        openai_model=text("OPENAI_MODEL"),
        anthropic_api_key=text("ANTHROPIC_API_KEY"),
        anthropic_base_url=text("ANTHROPIC_BASE_URL"),
        pip_index_url=text("PIP_INDEX_URL"),
        no_color=bool(env.get("NO_COLOR", "")),
        force_color=env.get("FORCE_COLOR", "") not in ("", "0"),
    )


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where assay keeps answers between runs (package index, introspection, results, models):
    ``ASSAY_CACHE_DIR``, else the platform's user cache directory (``~/.cache/assay``)."""
    configured = read_environment(environ).cache_dir
    if configured is not None:
        return configured
    import platformdirs

    return Path(platformdirs.user_cache_dir("assay"))


def data_dir() -> Path:
    """Where assay keeps what must survive a cache wipe (the default SQLite ledger)."""
    import platformdirs

    return platformdirs.user_data_path("assay")


def _environment_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    offline = read_environment(environ).offline
    return {} if offline is None else {"offline": offline}


def _describe(error: ValidationError, where: str) -> str:
    valid = ", ".join(sorted(_kebab(name) for name in Settings.model_fields))
    problems = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(table)"
        if item["type"] == "extra_forbidden":
            problems.append(f"unknown key {key!r} (valid keys: {valid})")
        else:
            field = (
                Settings.model_fields.get(str(item["loc"][0]).replace("-", "_"))
                if item["loc"]
                else None
            )
            # The field's description states its range, so the message carries the remedy.
            meaning = f": {field.description}" if field is not None and field.description else ""
            problems.append(f"{key}: {item['msg']} (got {item.get('input')!r}){meaning}")
    return f"invalid {where}: " + "; ".join(problems)
