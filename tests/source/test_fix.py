"""Applying fixes: byte columns on non-ASCII lines, CRLF endings, overlaps left for the next
round, duplicates counted once, stale edits refused."""

from __future__ import annotations

from assay.model import Edit, Fix
from assay.source.fix import apply_fixes


def _fix(line: int, col: int, end_col: int, text: str, end_line: int | None = None) -> Fix:
    edit = Edit(line=line, col=col, end_line=end_line or line, end_col=end_col, text=text)
    return Fix(description="test", edits=[edit])


def test_columns_are_utf8_bytes_as_in_the_ast() -> None:
    source = 'note = "é"; x = np.float\n'
    start = source.encode().index(b"np.float")
    fixed, applied = apply_fixes(source, [_fix(1, start, start + 8, "float")])
    assert (fixed, applied) == ('note = "é"; x = float\n', 1)


def test_crlf_endings_are_kept() -> None:
    source = "a = 1\r\nb = old\r\n"
    assert apply_fixes(source, [_fix(2, 4, 7, "new")]) == ("a = 1\r\nb = new\r\n", 1)


def test_overlapping_fixes_wait_and_duplicates_count_once() -> None:
    source = "value = abcdef\n"
    first, inner, again = _fix(1, 8, 14, "X"), _fix(1, 9, 11, "Y"), _fix(1, 8, 14, "X")
    assert apply_fixes(source, [inner, first, again]) == ("value = X\n", 1)


def test_touching_edits_both_apply_and_a_fix_applies_all_its_edits() -> None:
    source = "ab\n"
    both = Fix(
        description="two",
        edits=[
            Edit(line=1, col=0, end_line=1, end_col=1, text="A"),
            Edit(line=1, col=1, end_line=1, end_col=2, text="B"),
        ],
    )
    assert apply_fixes(source, [both]) == ("AB\n", 1)


def test_an_edit_that_does_not_fit_the_text_refuses_its_fix() -> None:
    source = "é = 1\n"
    inside_a_character = _fix(1, 1, 2, "x")
    past_the_line = _fix(1, 0, 40, "x")
    missing_line = _fix(9, 0, 1, "x")
    assert apply_fixes(source, [inside_a_character, past_the_line, missing_line]) == (source, 0)


def test_deleting_the_last_line_of_a_file_without_a_final_newline() -> None:
    source = "a = 1\n# gone"
    whole = _fix(2, 0, 0, "", end_line=3)
    assert apply_fixes(source, [whole]) == ("a = 1\n", 1)
