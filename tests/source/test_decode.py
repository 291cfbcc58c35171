"""Source files are decoded as the interpreter decodes them (`tokenize.open` semantics)."""

from __future__ import annotations

from pathlib import Path

from assay import check
from assay.source.discover import collect


def test_utf8_with_a_bom_is_read_without_it_and_parses(tmp_path: Path) -> None:
    target = tmp_path / "bom.py"
    target.write_bytes(b"\xef\xbb\xbfimport os\nprint(os.sep)\n")
    (item,) = collect([str(target)])
    assert item.text == "import os\nprint(os.sep)\n"
    report = check(str(target), dynamic=False)
    assert report.errors == []


def test_a_pep263_coding_line_names_the_encoding(tmp_path: Path) -> None:
    target = tmp_path / "latin.py"
    target.write_bytes(b"# -*- coding: latin-1 -*-\nNAME = '\xe9t\xe9'\n")
    (item,) = collect([str(target)])
    assert item.text is not None and "NAME = 'été'" in item.text
    assert check(str(target), dynamic=False).errors == []


def test_bytes_invalid_in_the_declared_encoding_are_a_read_error(tmp_path: Path) -> None:
    target = tmp_path / "bad.py"
    target.write_bytes(b"# coding: ascii\nNAME = '\xe9'\n")
    (item,) = collect([str(target)])
    assert item.text is None and item.read_error is not None
    assert "ascii" in item.read_error


def test_an_unknown_coding_is_a_read_error_naming_it(tmp_path: Path) -> None:
    target = tmp_path / "unknown.py"
    target.write_bytes(b"# coding: no-such-codec\nX = 1\n")
    (item,) = collect([str(target)])
    assert item.text is None and item.read_error is not None
    assert "no-such-codec" in item.read_error
