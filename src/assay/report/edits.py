"""Mechanical fixes: the findings whose fix is one unambiguous text replacement, worked out
from the finding's evidence and the checked file's text (SARIF `fixes`).

Two kinds qualify, because the evidence names exactly what to write instead:

* a misspelt keyword argument with exactly one close real parameter (AS104's evidence
  ``{"closest": {"exists_ok": ["exist_ok"]}}``): ``exists_ok=`` becomes ``exist_ok=``;
* a deprecated name whose replacement lives in the same module or class (AS201's evidence
  ``{"symbol": "base64.encodestring", "replacement": "base64.encodebytes"}``): the last
  attribute of the flagged expression is renamed, whatever alias the module was imported as.

Anything else (a replacement with other arguments, two candidate keywords, a name that does
not appear exactly once in the flagged region) is left to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assay.model import Finding

__all__ = ["Edit", "mechanical_edit"]

_DOTTED = re.compile(r"[A-Za-z_][\w.]*")


@dataclass(frozen=True)
class Edit:
    """Replace `old` at `line` (1-based), columns `start`..`end` (0-based, end exclusive)."""

    line: int
    start: int
    end: int
    old: str
    new: str

    @property
    def description(self) -> str:
        """What the edit does, for a person deciding whether to apply it."""
        return f"Replace `{self.old}` with `{self.new}`"


def mechanical_edit(finding: Finding, source: str | None) -> Edit | None:
    """The one text replacement that fixes `finding`, or None when there is none to make
    without judgement (or the file's text is not at hand)."""
    if source is None:
        return None
    lines = source.splitlines()
    last = finding.end_line if finding.end_line is not None else finding.line
    if not 1 <= finding.line <= last <= len(lines):
        return None
    # The flagged expression only: from its first column on its first line to its end
    # column on its last line (a whole line when the finding has no end column).
    region = [
        (
            number,
            finding.col if number == finding.line else 0,
            finding.end_col
            if number == last and finding.end_col is not None
            else len(lines[number - 1]),
        )
        for number in range(finding.line, last + 1)
    ]
    closest = finding.evidence.get("closest")
    if isinstance(closest, dict) and len(closest) == 1:
        ((wrong, options),) = closest.items()
        if isinstance(options, list) and len(options) == 1 and isinstance(wrong, str):
            return _only_match(lines, region, rf"\b({re.escape(wrong)})\s*=", str(options[0]))
    symbol, replacement = finding.evidence.get("symbol"), finding.evidence.get("replacement")
    if isinstance(symbol, str) and isinstance(replacement, str):
        parent, _, old = symbol.rpartition(".")
        new_parent, _, new = replacement.rpartition(".")
        if _DOTTED.fullmatch(replacement) and parent and parent == new_parent and old != new:
            return _only_match(lines, region, rf"\b({re.escape(old)})\b(?!\s*=)", new)
    return None


def _only_match(
    lines: list[str], region: list[tuple[int, int, int]], pattern: str, new: str
) -> Edit | None:
    compiled = re.compile(pattern)
    found = [
        Edit(number, match.start(1), match.end(1), match.group(1), new)
        for number, start, end in region
        for match in compiled.finditer(lines[number - 1], start, end)
    ]
    return found[0] if len(found) == 1 else None
