"""Every snippet of the hallucination corpus produces exactly the rule ids its manifest names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import assay

CORPUS = Path(__file__).parent / "hallucination"
MANIFEST: dict[str, list[str]] = json.loads((CORPUS / "manifest.json").read_text())


def test_corpus_is_large_enough_and_listed() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.py"))
    assert files == sorted(MANIFEST), "every snippet needs a manifest entry, and vice versa"
    assert len(files) >= 40
    assert sum(1 for expected in MANIFEST.values() if not expected) >= 10, "clean twins"


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_snippet_expectations(name: str) -> None:
    source = (CORPUS / name).read_text(encoding="utf-8")
    report = assay.check_source(source, select=["hallucination"], offline=True, name=name)
    assert not report.errors, report.errors
    assert sorted({f.rule for f in report.findings}) == sorted(MANIFEST[name])
    for finding in report.findings:
        assert finding.evidence, f"{finding.rule} in {name} has no evidence"
