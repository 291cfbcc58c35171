"""Applying fixes to a file's text: the edits of `Fix` objects, non-overlapping, all or none
per fix.

Edits carry AST positions (1-based lines, UTF-8 byte columns); they are turned into string
offsets with the lines split as `ast` splits them, so a fix lands where its finding points in
files with ``\\r\\n`` endings and non-ASCII text too. Fixes whose edits overlap one already
taken wait for the next round: the caller checks the fixed text again and applies what still
fits, as ruff does. An edit that no longer fits the text (a line that is not there, a column
inside a character) refuses its whole fix instead of guessing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from assay.model import Edit, Fix
from assay.source.segments import Segments

__all__ = ["apply_fixes", "file_diff"]


def apply_fixes(source: str, fixes: Iterable[Fix]) -> tuple[str, int]:
    """`source` with every fix applied that overlaps no other fix taken before it (in order
    of position), and how many fixes were applied. The same fix offered twice (two rules
    asking for one edit) counts once."""
    lines = Segments(source).lines
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    placed: list[list[tuple[int, int, str]]] = []
    seen: set[tuple[tuple[int, int, int, int, str], ...]] = set()
    for fix in fixes:
        key = tuple((e.line, e.col, e.end_line, e.end_col, e.text) for e in fix.edits)
        if key in seen:
            continue
        seen.add(key)
        found = [_span(edit, lines, starts) for edit in fix.edits]
        spans = [span for span in found if span is not None]
        if len(spans) == len(found):
            placed.append(spans)
    taken: list[tuple[int, int, str]] = []
    applied = 0
    for spans in sorted(placed, key=lambda item: min(start for start, _, _ in item)):
        if any(_overlap(span, other) for span in spans for other in taken):
            continue
        taken.extend(spans)
        applied += 1
    text = source
    for start, end, replacement in sorted(taken, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text, applied


def _span(edit: Edit, lines: list[str], starts: list[int]) -> tuple[int, int, str] | None:
    start = _offset(edit.line, edit.col, lines, starts)
    end = _offset(edit.end_line, edit.end_col, lines, starts)
    if start is None or end is None or end < start:
        return None
    return start, end, edit.text


def _offset(line: int, col: int, lines: list[str], starts: list[int]) -> int | None:
    """The string offset of byte column `col` of line `line`, None when it is not a
    character boundary of a line of the text."""
    if not 1 <= line <= len(lines):
        # One past the last line: the end of a file without a final newline.
        return starts[-1] if line == len(lines) + 1 and col == 0 else None
    encoded = lines[line - 1].encode()
    if col > len(encoded):
        return None
    try:
        return starts[line - 1] + len(encoded[:col].decode())
    except UnicodeDecodeError:
        return None


def _overlap(one: tuple[int, int, str], other: tuple[int, int, str]) -> bool:
    # Touching spans do not overlap, except two insertions at one point (their order would
    # be a guess).
    if one[0] == one[1] == other[0] == other[1]:
        return True
    return one[0] < other[1] and other[0] < one[1]


def file_diff(old: str, new: str, path: str) -> str:
    """The unified diff of one file's two versions, named as ``git diff`` names them (a/,
    b/); a last line without its newline still ends the line it is on, so diffs of several
    files join into one."""
    shown = path.lstrip("/")
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{shown}",
        tofile=f"b/{shown}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
