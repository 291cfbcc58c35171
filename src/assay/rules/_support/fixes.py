"""Building a finding's `Fix`: the exact text edits a rule knows how to make.

Positions come from the AST (1-based lines, UTF-8 byte columns), so an edit covers exactly
the node it names: the whole expression, the last attribute of a dotted name, or the name
of a keyword argument. A rule asks for a fix only when its evidence leaves no choice to a
person (one spelling, one replacement); anything else stays advice in `Finding.fix`.
"""

from __future__ import annotations

import ast
from typing import Literal

from assay.model import Edit, Fix

__all__ = ["removing", "renaming_attribute", "renaming_keyword", "replacing"]


def replacing(
    node: ast.AST,
    text: str,
    description: str,
    *,
    applicability: Literal["safe", "unsafe"] = "safe",
) -> Fix | None:
    """A fix replacing all of `node`'s text with `text` (None without a full position)."""
    edit = _edit(node, text)
    if edit is None:
        return None
    return Fix(description=description, edits=[edit], applicability=applicability)


def renaming_attribute(node: ast.Attribute, new: str, description: str) -> Fix | None:
    """A fix renaming the attribute of `node` (``b64.encodestring`` -> ``b64.encodebytes``):
    the name is the last thing in the node's text, whatever the expression before the dot."""
    line, end = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    if line is None or end is None:
        return None
    start = end - len(node.attr.encode())
    edit = Edit(line=line, col=start, end_line=line, end_col=end, text=new)
    return Fix(description=description, edits=[edit])


def renaming_keyword(keyword: ast.keyword, new: str, description: str) -> Fix | None:
    """A fix renaming a keyword argument (``exists_ok=`` -> ``exist_ok=``): the keyword's
    position starts at its name."""
    if keyword.arg is None:
        return None
    start = keyword.col_offset
    edit = Edit(
        line=keyword.lineno,
        col=start,
        end_line=keyword.lineno,
        end_col=start + len(keyword.arg.encode()),
        text=new,
    )
    return Fix(description=description, edits=[edit])


def removing(line: int, col: int, end_col: int, description: str) -> Fix:
    """A fix deleting columns `col`..`end_col` (bytes) of one line."""
    edit = Edit(line=line, col=col, end_line=line, end_col=end_col, text="")
    return Fix(description=description, edits=[edit])


def _edit(node: ast.AST, text: str) -> Edit | None:
    positions = [
        getattr(node, name, None)
        for name in ("lineno", "col_offset", "end_lineno", "end_col_offset")
    ]
    if not all(isinstance(value, int) for value in positions):
        return None
    line, col, end_line, end_col = (int(value) for value in positions if value is not None)
    return Edit(line=line, col=col, end_line=end_line, end_col=end_col, text=text)
