"""assay passes its own checks on its own source: the static families find nothing at
warning or above in src/assay (dynamic probes are exercised by their own tests)."""

from __future__ import annotations

from pathlib import Path

import assay
from assay.model import Severity

SRC = Path(__file__).resolve().parents[1] / "src" / "assay"


def test_assay_source_is_clean_under_its_own_static_rules() -> None:
    report = assay.check(SRC, dynamic=False, offline=True)
    assert report.files, "no files were checked"
    assert report.errors == []
    problems = [
        f"{f.path}:{f.line} {f.rule} {f.message}" for f in report.at_or_above(Severity.WARNING)
    ]
    assert problems == []
