"""The refactor corpus (issue 24) as a regression suite of the behaviour diff.

Every pair's truth is checked first without the engine (a changed pair's witness input
really tells the versions apart, run in the sandbox), then the engine's verdict on each pair
must be the recorded one: the expected verdict, or, for a pair marked `# known miss`, still
the wrong one (when the engine gets it right, remove the marker).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from assay.sandbox import Call, Job, Outcome, Sandbox

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_diff_refactors", BENCH / "diff_refactors.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look the module up in sys.modules while the class is created.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


refactors = _load()
PAIRS = {pair.name: pair for pair in refactors.load_corpus()}


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with Sandbox(workers=2) as sandbox:
        yield sandbox


def test_the_corpus_is_large_and_balanced() -> None:
    verdicts = [pair.expect for pair in PAIRS.values()]
    assert len(verdicts) >= 30
    assert verdicts.count("equivalent") >= 15 and verdicts.count("changed") >= 15
    for pair in PAIRS.values():
        assert pair.edit, f"{pair.name}: say what the edit did ('# edit:')"
        assert pair.expect == "equivalent" or pair.input_class, f"{pair.name}: '# input:'"


def _behaviour(outcome: Outcome) -> tuple[object, ...]:
    exception = outcome.exception.type if outcome.exception else None
    return (outcome.status, exception, outcome.value, outcome.args_after)


@pytest.mark.parametrize("name", sorted(n for n, p in PAIRS.items() if p.expect == "changed"))
def test_each_witness_tells_the_versions_apart(name: str, box: Sandbox) -> None:
    pair = PAIRS[name]
    call = Call.function(pair.entry, *pair.witness)
    old, new = (box.run(Job(source=source, calls=(call,))) for source in (pair.old, pair.new))
    assert old.import_outcome.ok and new.import_outcome.ok
    assert _behaviour(old.outcomes[0]) != _behaviour(new.outcomes[0])


def test_a_file_without_markers_or_truth_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_text("# entry: f\n# expect: maybe\n# --- old\ndef f(): pass\n# --- new\n")
    with pytest.raises(ValueError, match="expect"):
        refactors.load(path)
    path.write_text("# entry: f\n# expect: changed\n# --- old\ndef f(): pass\n# --- new\n")
    with pytest.raises(ValueError, match="witness"):
        refactors.load(path)
    path.write_text("def f(): pass\n")
    with pytest.raises(ValueError, match="marker"):
        refactors.load(path)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PAIRS))
def test_the_engine_gives_the_recorded_verdict(name: str, box: Sandbox) -> None:
    row = refactors.judge(PAIRS[name], sandbox=box)
    if row.known_miss:
        assert not row.agrees, (
            f"{name} is now judged right ({row.found}): remove its '# known miss' line"
        )
    else:
        assert row.agrees, f"{name}: expected {row.expect}, found {row.found} ({row.detail})"
    if row.found == "changed":
        assert row.counterexample, f"{name}: a change without a counterexample"
