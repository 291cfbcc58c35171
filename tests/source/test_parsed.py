"""One parse per text per process (issue 19 item 2): the static stage, the trust-tier review
and every dynamic stage share one tree per file."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator

import pytest

import assay
from assay.source import parsed
from assay.source.parsed import parse_module


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    parsed.clear()
    yield
    parsed.clear()


def _counting(monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    """The callers of `ast.parse` on exactly `text`, recorded from now on."""
    calls: list[str] = []
    real = ast.parse

    def counting(source: object, *args: object, **kwargs: object) -> ast.AST:
        if source == text:
            calls.append("parse")
        return real(source, *args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(ast, "parse", counting)
    return calls


def test_the_same_text_gets_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "def f(x):\n    return x\n"
    calls = _counting(monkeypatch, text)
    first = parse_module(text, "a.py")
    assert parse_module(text, "b.py") is first
    assert calls == ["parse"]
    assert ast.dump(first) == ast.dump(ast.parse(text))


def test_checking_one_text_twice_in_a_process_parses_once_and_finds_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The static rules keep their per-file state on the check's Context, not on the tree:
    # the second check gets the kept tree and must still report what the first reported.
    text = "import os\n\ndef split(p: str) -> list[str]:\n    return os.path.splitall(p)\n"
    calls = _counting(monkeypatch, text)
    runs = [assay.check_source(text, offline=True, dynamic=False) for _ in range(2)]
    assert [f.rule for f in runs[0].findings] == ["AS102"]
    assert runs[1].findings == runs[0].findings
    assert calls == ["parse"]


def test_a_syntax_error_names_the_path_and_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "def f(:\n"
    calls = _counting(monkeypatch, text)
    for _ in range(2):
        with pytest.raises(SyntaxError) as raised:
            parse_module(text, "broken.py")
        assert raised.value.filename == "broken.py"
    assert calls == ["parse", "parse"]


def test_the_checked_codes_syntax_warnings_are_not_shown() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_module("same = 1 is 1\n", "literal_is.py")


def test_the_cache_is_bounded_by_trees_and_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsed, "MAX_TREES", 2)
    texts = [f"x = {n}\n" for n in range(3)]
    trees = [parse_module(text) for text in texts]
    assert parse_module(texts[2]) is trees[2]
    assert parse_module(texts[0]) is not trees[0]  # the least recently used one went
    monkeypatch.setattr(parsed, "MAX_CHARS", 10)
    long = "y = " + "1" * 20 + "\n"
    assert parse_module(long) is not parse_module(long)  # longer than the bound: not kept


def test_one_check_parses_a_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Before the shared frame: six parses (static stage, runtime probes twice, growth
    # probes, constant-output probe, trust-tier review).
    text = (
        "def double(x: int) -> int:\n"
        '    """Twice x.\n\n    >>> double(4)\n    8\n    """\n'
        "    return x + 2\n\n\n"
        "def unit(kind: str) -> str:\n"
        '    return "kg"\n'
    )
    calls = _counting(monkeypatch, text)
    report = assay.check_source(text, offline=True)
    assert any(f.rule == "AS601" for f in report.findings)
    assert calls == ["parse"]
    # The tree is shared with the next check of this text: no stage may have changed it.
    shared = parse_module(text)
    assert ast.dump(shared, include_attributes=True) == ast.dump(
        ast.parse(text), include_attributes=True
    )
