"""Small text helpers used by the web front end and the exporters."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
_INT = re.compile(r"[+-]?\d+")
ELLIPSIS = "…"


def slugify(text: str, *, max_length: int = 60) -> str:
    """URL slug: ASCII lowercase words joined by hyphens.

    >>> slugify("Héllo, World!")
    'hello-world'
    >>> slugify("  Déjà vu  ")
    'deja-vu'
    """
    if max_length < 1:
        raise ValueError("max_length must be positive")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def initials(full_name: str) -> str:
    """Upper-case initials of a person's name; empty for an empty name.

    >>> initials("ada  lovelace")
    'AL'
    """
    return "".join(part[0].upper() for part in full_name.split())


def parse_int(s: str) -> int | None:
    """The integer a form field spells, or None when it spells no integer.

    >>> parse_int(" 42 ")
    42
    >>> parse_int("4x2")
    """
    candidate = s.strip().replace("_", "")
    if not _INT.fullmatch(candidate):
        return None
    return int(candidate)


def truncate(text: str, limit: int, *, suffix: str = ELLIPSIS) -> str:
    """Cut `text` to at most `limit` characters, marking the cut with `suffix`.

    >>> truncate("abcdef", 4)
    'abc…'
    """
    if limit < len(suffix):
        raise ValueError(f"limit must be at least {len(suffix)}")
    if len(text) <= limit:
        return text
    return text[: limit - len(suffix)] + suffix


def normalize_whitespace(text: str) -> str:
    return " ".join(text.split())


def pluralize(count: int, singular: str, plural: str | None = None) -> str:
    """`1 item`, `2 items`, `3 children` (given `plural`)."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{count} {word}"
