"""Every error assay raises on purpose.

The hierarchy, so callers can catch exactly what they can handle::

    AssayError                    anything assay raises deliberately (CLI exit code 2)
    ├── InvalidArgument           a caller passed a value assay cannot use
    ├── ConfigError               [tool.assay] in pyproject.toml is wrong
    ├── SourceError               a path cannot be read or is not Python source
    ├── RuleError                 a rule misbehaved (a bug in assay, reported with the rule id)
    ├── SandboxError              the sandbox could not run a job (not: the job failed)
    │   └── SandboxUnavailable    no isolation mechanism on this machine satisfies the request
    ├── BackendError              an LLM backend failed (unreachable, bad key, bad answer)
    │   └── ModelIntegrityError   model weights do not match their pinned hash
    ├── LedgerError               the outcomes store cannot be opened or written
    ├── BenchmarkError            a benchmark dataset or sample file is malformed
    ├── BatchError                a batch's input or output file, or its executor, is unusable
    └── MissingExtra              an optional part of assay is not installed (names the extra)

Messages name the offending value and say what to do about it. Execution outcomes of
untrusted code are *not* exceptions: they are values (``assay.sandbox.Outcome``).
"""

from __future__ import annotations

__all__ = [
    "AssayError",
    "BackendError",
    "BatchError",
    "BenchmarkError",
    "ConfigError",
    "InvalidArgument",
    "LedgerError",
    "MissingExtra",
    "ModelIntegrityError",
    "RuleError",
    "SandboxError",
    "SandboxUnavailable",
    "SourceError",
]


class AssayError(Exception):
    """Base class of every error assay raises deliberately."""


class InvalidArgument(AssayError):
    """A caller passed a value assay cannot use; the message names it and the remedy."""


class ConfigError(AssayError):
    """The ``[tool.assay]`` configuration is invalid; the message names the key."""


class SourceError(AssayError):
    """A path cannot be read, or is not Python source."""


class RuleError(AssayError):
    """A rule raised while checking a file: a bug in assay, reported with the rule id."""


class SandboxError(AssayError):
    """The sandbox itself failed to run a job (the job's own failures are outcomes)."""


class SandboxUnavailable(SandboxError):
    """No isolation mechanism on this machine satisfies the requested policy."""


class BackendError(AssayError):
    """An LLM backend failed: unreachable server, missing key, malformed answer."""


class ModelIntegrityError(BackendError):
    """Model weights do not match their pinned sha256, so assay refuses to load them."""


class LedgerError(AssayError):
    """The outcomes ledger cannot be opened, migrated or written."""


class BenchmarkError(AssayError):
    """A benchmark dataset or samples file is missing or malformed."""


class BatchError(AssayError):
    """A batch cannot run: its input or output file is malformed, or its executor failed."""


class MissingExtra(AssayError):
    """A feature needs an optional dependency group (``pip install 'assay[extra]'``).

    `extra` is the group's name, so callers (and tests) can tell which install is missing.
    """

    def __init__(self, message: str, *, extra: str) -> None:
        super().__init__(message)
        self.extra = extra
