"""Node texts are cut from lines split once per file, exactly as `ast.get_source_segment`
cuts them (issue 28 item 6: splitting per node made n functions cost n × file size)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from assay import check_source
from assay.behaviour.stages.functions import probe_targets
from assay.source.segments import Segments

_TRICKY = [
    "def f(x):\n    return x\n\n\nclass A:\n  def g(self): return 'é' + 'ü'\r\n  y = 1\rz = [\n 1,\n\f 2]\n",
    "x = 'naïve'; y = {'a':\n  1}  # c\nif x:\n\tpass",
    "a = 1\x0c\nb = (1,\n\x0c2)",
    "s = '''\n\u2028 line\n'''; t = f'{s!r:>{10}}'\n",
    "",
]


@pytest.mark.parametrize("source", _TRICKY)
def test_segments_equal_ast_get_source_segment(source: str) -> None:
    segments = Segments(source)
    for node in ast.walk(ast.parse(source)):
        for padded in (False, True):
            assert segments.of(node, padded=padded) == ast.get_source_segment(
                source, node, padded=padded
            )


def test_segments_of_assays_own_source_equal_ast_get_source_segment() -> None:
    source = (Path(__file__).parents[2] / "src/assay/source/discover.py").read_text("utf-8")
    segments = Segments(source)
    for node in ast.walk(ast.parse(source)):
        assert segments.of(node) == ast.get_source_segment(source, node)


def _module(functions: int) -> str:
    return "".join(
        f"def clamp_{n}(value: int, low: int, high: int) -> int:\n"
        f'    """Limit `value` to [low, high]."""\n'
        f"    return min(max(value, low), high)\n\n\n"
        for n in range(functions)
    )


def test_the_file_is_split_a_bounded_number_of_times_whatever_its_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `ast.get_source_segment` splits the whole file on every call; count those splits.
    calls: list[int] = []
    split = ast._splitlines_no_ff  # type: ignore[attr-defined]

    def counting(source: str, *args: object) -> list[str]:
        calls.append(len(source))
        return split(source, *args)  # type: ignore[no-any-return]

    monkeypatch.setattr(ast, "_splitlines_no_ff", counting)
    counts = []
    for functions in (5, 60):
        calls.clear()
        targets = probe_targets(_module(functions))
        check_source(_module(functions), offline=True, dynamic=False)
        counts.append(len(calls))
        assert len(targets) == min(functions, 12)
    assert counts[0] == counts[1]
