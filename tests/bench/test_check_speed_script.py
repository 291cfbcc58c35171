"""bench/check_speed.py and bench/hallucination_corpus.py stay runnable (their inputs, not timings)."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_module_has_a_thousand_lines_and_parses() -> None:
    source = _load("check_speed").thousand_line_module()
    assert source.count("\n") >= 1000
    ast.parse(source)


def test_measure_takes_extra_arguments() -> None:
    import inspect

    parameters = inspect.signature(_load("check_speed").measure).parameters
    assert list(parameters) == ["target", "repeat", "extra"]


def test_corpus_bench_counts_recall_and_false_positive_files(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("import json\njson.parse('{}')\n")
    (tmp_path / "twin.py").write_text("import json\njson.loads('{}')\n")
    (tmp_path / "noisy.py").write_text("import json\njson.parse('{}')\n")
    (tmp_path / "manifest.json").write_text('{"bad.py": ["AS102"], "twin.py": [], "noisy.py": []}')
    result = _load("hallucination_corpus").evaluate(tmp_path)
    assert result["recall"] == 1.0
    assert result["false_positive_files"] == {"noisy.py": ["AS102"]}
