"""Recall and false-positive files of the hallucination rules on tests/corpus/hallucination/.

Usage::

    python bench/hallucination_corpus.py

Each snippet is checked offline (no package index) with the hallucination family only.
`manifest.json` names the rule ids each file must produce (an empty list: a clean twin).
Recall counts expected (file, rule) pairs that were found; a false-positive file is one
that produced a rule id it does not expect.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import assay

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "hallucination"


def evaluate(corpus: Path = CORPUS) -> dict[str, object]:
    """Per-file results plus recall and the false-positive files."""
    manifest: dict[str, list[str]] = json.loads((corpus / "manifest.json").read_text())
    expected_pairs = found_pairs = 0
    false_positive_files: dict[str, list[str]] = {}
    missed: dict[str, list[str]] = {}
    for name, expected in sorted(manifest.items()):
        source = (corpus / name).read_text(encoding="utf-8")
        report = assay.check_source(source, select=["hallucination"], offline=True, name=name)
        got = {f.rule for f in report.findings}
        expected_pairs += len(expected)
        found_pairs += len(set(expected) & got)
        if set(expected) - got:
            missed[name] = sorted(set(expected) - got)
        if got - set(expected):
            false_positive_files[name] = sorted(got - set(expected))
    return {
        "files": len(manifest),
        "files_with_hallucinations": sum(1 for e in manifest.values() if e),
        "clean_files": sum(1 for e in manifest.values() if not e),
        "recall": found_pairs / expected_pairs if expected_pairs else 1.0,
        "expected_pairs": expected_pairs,
        "found_pairs": found_pairs,
        "missed": missed,
        "false_positive_files": false_positive_files,
    }


def main() -> int:
    """Print the figures; exit 1 when recall < 1 or any file is a false positive."""
    result = evaluate()
    print(
        f"corpus: {result['files']} files ({result['files_with_hallucinations']} with "
        f"hallucinations, {result['clean_files']} clean twins)"
    )
    print(f"recall: {result['found_pairs']}/{result['expected_pairs']} = {result['recall']:.1%}")
    print(f"false-positive files: {len(result['false_positive_files'])}")  # type: ignore[arg-type]
    for name, rules in result["missed"].items():  # type: ignore[attr-defined]
        print(f"  missed {name}: {', '.join(rules)}")
    for name, rules in result["false_positive_files"].items():  # type: ignore[attr-defined]
        print(f"  false positive {name}: {', '.join(rules)}")
    return 0 if result["recall"] == 1.0 and not result["false_positive_files"] else 1


if __name__ == "__main__":
    sys.exit(main())
