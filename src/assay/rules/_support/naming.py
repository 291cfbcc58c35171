"""What identifiers and paths say about code: secret-looking names, test files.

Shared by the security and silent-failure families. Names are split into lower-case words
(``apiKey`` and ``api_key`` both give ``["api", "key"]``) so a rule can ask "does this name
hold a secret?" without substring accidents (``max_tokens``, ``tokenizer``).
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import PurePath

__all__ = [
    "identifier",
    "is_password_name",
    "is_secret_name",
    "is_test_path",
    "words",
]

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_SECRET_WORDS = frozenset(
    {
        "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "credential",
        "credentials", "privatekey", "otp", "csrf", "bearer", "jwt",
    }
)  # fmt: skip
_SECRET_PAIRS = frozenset(
    {
        ("api", "key"), ("private", "key"), ("secret", "key"), ("access", "key"),
        ("client", "secret"), ("signing", "key"), ("session", "key"), ("auth", "header"),
    }
)  # fmt: skip
_NOT_SECRET = frozenset(
    {
        "hash", "hashed", "len", "length", "count", "num", "type", "name", "names", "url", "uri",
        "endpoint", "field", "file", "path", "prompt", "label", "policy", "strength", "valid",
        "expired", "expires", "expiry", "expiration", "required", "min", "max", "id", "ids",
        "usage", "limit", "budget", "is", "has", "masked", "redacted", "env", "var", "format",
        "pattern", "regex", "re", "help", "message", "msg", "error", "errors", "changed",
        "text", "input", "column", "col", "index", "idx", "position", "pos", "kind",
        "ttl", "age", "lifetime", "created", "updated", "at", "dir", "store", "manager",
        "provider", "service", "class", "cls", "model", "schema", "form", "widget",
        "headers", "prefix", "suffix", "start", "end", "stream", "str", "bytes", "size",
    }
)  # fmt: skip
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "pw"})


def words(name: str) -> list[str]:
    """`name` split into lower-case words: ``"userAPIKey_2"`` gives user, api, key, 2."""
    found: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        found.extend(part.lower() for part in _CAMEL.findall(chunk))
    return found


def _pairs(parts: list[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(parts))


def is_secret_name(name: str) -> bool:
    """True when `name` reads as holding a secret (``api_key``, ``password``, ``token``).

    Names about a secret rather than holding one (``token_count``, ``password_field``,
    ``max_tokens``) are not secrets.
    """
    parts = words(name)
    if not parts or any(p in _NOT_SECRET for p in parts):
        return False
    return any(p in _SECRET_WORDS for p in parts) or bool(_pairs(parts) & _SECRET_PAIRS)


def is_password_name(name: str) -> bool:
    """True when `name` reads as holding a password (``password``, ``user_pwd``)."""
    parts = words(name)
    if any(p in {"hash", "hashed", "field", "len", "length", "policy", "prompt"} for p in parts):
        return False
    return any(p in _PASSWORD_WORDS for p in parts)


def identifier(expr: ast.AST) -> str | None:
    """The name an expression is known by: ``x``, ``obj.x``, ``d["x"]``, ``d.get("x")``."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Subscript):
        key = expr.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        return None
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in {"get", "getenv"}
        and expr.args
        and isinstance(expr.args[0], ast.Constant)
        and isinstance(expr.args[0].value, str)
    ):
        return expr.args[0].value
    return None


_TEST_DIRECTORIES = frozenset({"tests", "test", "testing"})
#: Directories inside a test tree that hold the code *under* test (fixtures, corpora).
_SAMPLE_DIRECTORIES = frozenset({"fixtures", "corpus", "data", "samples", "examples"})


def is_test_path(path: str) -> bool:
    """True for test code: ``test_*.py``, ``*_test.py``, ``conftest.py``, or a file under a
    ``tests/`` directory that is not inside one of its sample folders (``fixtures/``,
    ``corpus/``, ``data/``, ``samples/``, ``examples/``)."""
    pure = PurePath(path)
    name = pure.name
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return True
    directories = list(pure.parts[:-1])
    for index, part in enumerate(directories):
        if part in _TEST_DIRECTORIES:
            return not any(later in _SAMPLE_DIRECTORIES for later in directories[index + 1 :])
    return False
