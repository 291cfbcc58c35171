"""The result cache: a re-run on unchanged files reuses their results; any change to the text,
the settings or assay itself checks the file again; a corrupt entry is never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
import assay.cache
import assay.rules._engine as engine
from assay.cache import ResultCache
from assay.config import Settings

WRONG = "import os\n\nos.path.splitall('a/b')\n"
CLEAN = "def double(x: int) -> int:\n    return 2 * x\n"


def _tree(root: Path, count: int = 3) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (root / f"m{index}.py").write_text(WRONG if index % 2 == 0 else CLEAN, encoding="utf-8")
    return root


def _check(root: Path, cache: Path, **options: object) -> assay.Report:
    return assay.check(root, offline=True, dynamic=False, cache_dir=cache, **options)  # type: ignore[arg-type]


def _forbid_checking(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("a cached file was checked again")

    monkeypatch.setattr(engine, "check_source", refuse)


def test_a_rerun_on_unchanged_files_reuses_every_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path / "src")
    first = _check(root, tmp_path / "cache")
    _forbid_checking(monkeypatch)
    second = _check(root, tmp_path / "cache")
    assert second.findings == first.findings and second.files == first.files
    assert second.functions == first.functions
    assert [f.rule for f in second.findings] == ["AS102", "AS102"]


def test_a_changed_file_or_setting_is_checked_again(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src")
    _check(root, tmp_path / "cache")
    (root / "m1.py").write_text(WRONG, encoding="utf-8")
    assert len(_check(root, tmp_path / "cache").findings) == 3
    assert _check(root, tmp_path / "cache", select=["AS101"]).findings == []


def test_a_corrupt_entry_is_ignored_and_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path / "src", count=1)
    first = _check(root, tmp_path / "cache")
    entries = list((tmp_path / "cache" / "check").rglob("*.json"))
    assert len(entries) == 1
    entries[0].write_text('{"findings": [{"rule": "AS999"', encoding="utf-8")
    assert _check(root, tmp_path / "cache").findings == first.findings
    _forbid_checking(monkeypatch)
    assert _check(root, tmp_path / "cache").findings == first.findings


def test_the_key_depends_on_settings_and_imported_versions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = ResultCache(Path("/nonexistent"), Settings(), frozenset())
    other = ResultCache(Path("/nonexistent"), Settings(offline=True), frozenset())
    assert cache.key("a.py", CLEAN) != other.key("a.py", CLEAN)
    assert cache.key("a.py", CLEAN) != cache.key("b.py", CLEAN)
    source = "import pydantic\n"
    before = cache.key("a.py", source)
    assert assay.cache._imported_versions(source)["pydantic"]
    monkeypatch.setattr(assay.cache, "_imported_versions", lambda _text: {"pydantic": "0.0"})
    assert cache.key("a.py", source) != before


def test_parallel_static_checks_give_the_same_report(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src", count=12)
    serial = assay.check(root, offline=True, dynamic=False, jobs=1)
    parallel = assay.check(root, offline=True, dynamic=False, jobs=2)
    assert parallel.findings == serial.findings and parallel.files == serial.files
    assert parallel.errors == serial.errors


def test_a_cached_file_keeps_its_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "mod.py").write_text(
        "from .helpers import scale\n\n\ndef double(x: int) -> int:\n    return scale(x, 2)\n",
        encoding="utf-8",
    )
    first = assay.check(root, offline=True, cache_dir=tmp_path / "cache")
    assert len(first.notes) == 1 and first.notes[0].endswith(
        "a module of its own package, or an optional dependency)"
    )
    if first.warnings:
        # This machine lacked an isolation feature at that moment (a cgroup): a degraded run
        # is never cached, so the file is checked again, and must come back with its notes.
        assert all(w.startswith("sandbox degraded:") for w in first.warnings), first.warnings
        assert assay.check(root, offline=True, cache_dir=tmp_path / "cache").notes == first.notes
        return
    _forbid_checking(monkeypatch)
    assert assay.check(root, offline=True, cache_dir=tmp_path / "cache").notes == first.notes


_WARM_RUN = """
import sys
from pathlib import Path

import assay

report = assay.check(sys.argv[1], offline=True, dynamic=False, cache_dir=Path(sys.argv[2]))
loaded = sorted(name for name in sys.modules if name.startswith(("assay.rules.", "bandit", "jedi")))
print(len(report.findings), " ".join(loaded))
"""


def test_a_rerun_answered_from_the_cache_loads_no_rule(tmp_path: Path) -> None:
    # Issue 19: a re-run on unchanged files only hashes them; importing the ~100 rule modules,
    # Bandit or jedi would cost a warm run most of its time. A fresh interpreter shows what a
    # command-line run imports.
    import subprocess
    import sys

    root = _tree(tmp_path / "src")
    command = [sys.executable, "-c", _WARM_RUN, str(root), str(tmp_path / "cache")]
    cold = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    warm = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    assert cold[0] == warm[0] == "2"
    assert "assay.rules.security.bandit" in cold and "bandit" in cold
    assert [name for name in warm[1:] if not name.startswith("assay.rules._")] == []


def test_any_change_to_assay_s_files_changes_the_fingerprint(tmp_path: Path) -> None:
    import os

    rule = tmp_path / "rules" / "rule.py"
    rule.parent.mkdir()
    rule.write_text("A = 1\n", encoding="utf-8")
    (tmp_path / "__pycache__").mkdir()
    before = assay.cache._tree_fingerprint(tmp_path)
    (tmp_path / "__pycache__" / "rule.cpython-311.pyc").write_bytes(b"\0")
    assert assay.cache._tree_fingerprint(tmp_path) == before
    # The same size, a later time: what an edit of one character looks like.
    rule.write_text("A = 2\n", encoding="utf-8")
    os.utime(rule, ns=(rule.stat().st_atime_ns, rule.stat().st_mtime_ns + 1_000_000))
    changed = assay.cache._tree_fingerprint(tmp_path)
    assert changed != before
    (tmp_path / "rules" / "new.py").write_text("", encoding="utf-8")
    assert assay.cache._tree_fingerprint(tmp_path) not in (before, changed)
