"""bench/realcode_corpus.py: the triage join and the report, on a tiny fake corpus (no network, no run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_realcode_corpus", BENCH / "realcode_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look the module up in sys.modules while the class is created.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


rc = _load()

SOURCE = """\
def probe():
    try:
        import fcntl
    except Exception:
        pass
    try:
        import termios
    except Exception:
        pass


def add(a: int, b: int) -> int:
    return a + b
"""


def _finding(
    path: str, line: int, rule: str, family: str, severity: str = "warning"
) -> dict[str, Any]:
    function = "probe" if line < 11 else "add"
    return {
        "rule": rule,
        "family": family,
        "severity": severity,
        "path": path,
        "line": line,
        "message": f"{rule} at {line}",
        "function": function,
    }


@pytest.fixture
def package_root(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(SOURCE)
    (tmp_path / "pkg" / "table.py").write_text("TABLE = {\n\n    1: 2,\n}\n")
    return tmp_path


def _report(root: Path) -> dict[str, Any]:
    mod = str(root / "pkg" / "mod.py")
    return {
        "findings": [
            _finding(mod, 4, "AS401", "silent-failure"),
            _finding(mod, 8, "AS401", "silent-failure"),
            _finding(mod, 12, "AS602", "runtime"),
            _finding(mod, 12, "AS200", "deprecated", severity="info"),
        ]
    }


def test_findings_get_stable_keys_and_occurrences(package_root: Path) -> None:
    rows = rc.counted_findings("pkg", _report(package_root), package_root)
    # info findings are not counted; the two identical handlers are told apart by occurrence.
    assert [(r["rule"], r["line"], r["occurrence"]) for r in rows] == [
        ("AS401", 4, 1),
        ("AS401", 8, 2),
        ("AS602", 12, 1),
    ]
    assert rows[0]["path"] == "pkg/mod.py"
    assert rows[0]["source"] == "except Exception:"
    assert rows[0]["line_hash"] == rows[1]["line_hash"] == rc.line_hash("   except Exception:  ")


def test_key_survives_lines_added_above(package_root: Path) -> None:
    before = [
        rc.triage_key(r) for r in rc.counted_findings("pkg", _report(package_root), package_root)
    ]
    mod = package_root / "pkg" / "mod.py"
    mod.write_text("# a new comment\n\n" + SOURCE)
    shifted = {
        "findings": [{**f, "line": f["line"] + 2} for f in _report(package_root)["findings"]]
    }
    after = [rc.triage_key(r) for r in rc.counted_findings("pkg", shifted, package_root)]
    assert before == after


def test_join_and_summary_count_verdicts_and_rates(package_root: Path, tmp_path: Path) -> None:
    rows = rc.counted_findings("pkg", _report(package_root), package_root)
    triage = tmp_path / "triage.toml"
    # Judge two of the three findings from the stubs the script writes, as a person would.
    stubs = rc.untriaged_entries(rc.join_triage(rows, {}))
    blocks = stubs.split("\n\n")
    assert len(blocks) == 3
    filled = [
        blocks[0]
        .replace('verdict = ""', 'verdict = "false-alarm"')
        .replace('reason = ""', 'reason = "capability probe"'),
        blocks[2]
        .replace('verdict = ""', 'verdict = "false-alarm"')
        .replace('reason = ""', 'reason = "input outside the domain"'),
    ]
    triage.write_text("\n\n".join(filled) + "\n")
    judged = rc.load_triage(triage)
    record = {
        "package": "pkg",
        "version": "1.0",
        "stdlib": False,
        "files": 2,
        "lines": rc.count_lines(package_root / "pkg" / "mod.py")
        + rc.count_lines(package_root / "pkg" / "table.py"),
        "findings": rows,
        "assay_run_errors": 0,
        "bandit_medium_high": 1,
        "bandit_per_rule": {"B110": 1},
        "seconds": {"assay": 1.5, "bandit": 0.5},
    }
    manifest = [rc.Package(name="pkg", version="1.0", stdlib=False, paths=("pkg",))]
    packages, summary = rc.report(manifest, {"pkg": record}, judged)
    assert record["lines"] == 11 + 3
    assert summary["verdicts"] == {"true": 0, "deliberate": 0, "false-alarm": 2, "untriaged": 1}
    assert summary["false_alarms_per_kloc"] == round(1000 * 2 / 14, 3)
    assert summary["dynamic_false_alarms_per_kloc"] == round(1000 * 1 / 14, 3)
    assert summary["per_family"]["silent-failure"]["count"] == 2
    assert summary["per_rule_verdict"]["AS401"] == {"false-alarm": 1, "untriaged": 1}
    assert summary["bandit_per_kloc"] == round(1000 / 14, 3)
    text = rc.render(summary, packages, "static")
    assert "untriaged findings (1):" in text
    assert "pkg/pkg/mod.py:8 AS401 probe" in text


def test_a_judgment_without_a_valid_verdict_stops_the_run(tmp_path: Path) -> None:
    triage = tmp_path / "triage.toml"
    triage.write_text(
        '[[finding]]\npackage = "p"\npath = "a.py"\nrule = "AS401"\nfunction = ""\n'
        'line_hash = "0"\noccurrence = 1\nverdict = "maybe"\nreason = "unsure"\n'
    )
    with pytest.raises(SystemExit):
        rc.load_triage(triage)


def test_manifest_and_file_selection(package_root: Path) -> None:
    manifest = rc.load_manifest()
    names = {p.name for p in manifest}
    # Kept for evaluation by others: never part of this corpus.
    assert not names & {"requests", "flask", "httpx", "rich", "attrs", "click"}
    assert {"json", "email", "http", "logging"} <= {p.name for p in manifest if p.stdlib}
    assert all(p.version for p in manifest)
    package = rc.Package(
        name="pkg", version="1", stdlib=False, paths=("pkg",), exclude=("pkg/table.py",)
    )
    assert rc.corpus_files(package, package_root) == ["pkg/mod.py"]
