"""The source text of AST nodes, with the file's lines split once.

`ast.get_source_segment` splits the whole file on every call, so taking the text of each of
n functions costs O(n × file size): a 25,000-function module never finished. `Segments`
splits once and then costs only the length of the segment it returns, with the same result
as `ast.get_source_segment` (UTF-8 byte columns, lines ending in ``\\r\\n``, ``\\r`` or ``\\n``
but not form feeds).
"""

from __future__ import annotations

import ast
import re

__all__ = ["Segments"]

# A line with its ending, or the last line without one: the splitting `ast` itself uses.
_POSITION = ("lineno", "end_lineno", "col_offset", "end_col_offset")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


class Segments:
    """One file's text, split into lines once, from which node texts are cut."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: list[str] = _LINE.findall(source)

    def of(self, node: ast.AST, *, padded: bool = False) -> str | None:
        """The source text of `node`, as `ast.get_source_segment(source, node, padded=...)`
        gives it: None when the node has no complete position or it is outside the text."""
        positions = [getattr(node, name, None) for name in _POSITION]
        numbers = [value for value in positions if isinstance(value, int)]
        if len(numbers) != len(_POSITION):
            return None
        lineno, end_lineno, start, end = numbers
        first_line, last_line = lineno - 1, end_lineno - 1
        if not 0 <= first_line <= last_line < len(self.lines):
            return None
        if first_line == last_line:
            return self.lines[first_line].encode()[start:end].decode()
        head = self.lines[first_line].encode()
        padding = _whitespace_of(head[:start].decode()) if padded else ""
        middle = self.lines[first_line + 1 : last_line]
        tail = self.lines[last_line].encode()[:end].decode()
        return "".join([padding + head[start:].decode(), *middle, tail])


def _whitespace_of(prefix: str) -> str:
    # As `ast` pads: tabs and form feeds kept, everything else one space.
    return "".join(char if char in "\f\t" else " " for char in prefix)
