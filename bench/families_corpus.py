"""Recall and false-positive files per rule family on the corpora under tests/corpus/<family>/.

Usage::

    python bench/families_corpus.py                       # every family with a manifest
    python bench/families_corpus.py deprecated performance
    python bench/families_corpus.py --no-dynamic          # static rules only

Data-driven: each directory ``tests/corpus/<family>/`` whose name is a rule family
(``deprecated``, ``performance``, ``security``, ``silent-failure`` ...) holds snippets written
like assistant answers, their clean twins, and ``manifest.json`` mapping each file to the rule
ids it must produce (``[]`` for a clean twin; an id listed twice must be found twice, once per
deprecated or slow construct). Each file is checked with that family's rules
only, offline, dynamic probes on unless ``--no-dynamic``.

Figures per family:

* recall: expected (file, rule id) occurrences found / expected occurrences;
* false-positive files: files with more findings of a rule id than the manifest lists
  (for clean twins: any finding at all), over all files;
* seconds spent checking the family's files.

Exit status 0 always: the figures are the output (see the last lines for a summary).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import assay
from assay.model import Family

CORPORA = Path(__file__).resolve().parents[1] / "tests" / "corpus"


def families_with_corpus(root: Path = CORPORA) -> list[str]:
    """Family names that have ``<root>/<family>/manifest.json``."""
    known = {f.value for f in Family}
    return sorted(
        d.name for d in root.iterdir() if d.name in known and (d / "manifest.json").is_file()
    )


def evaluate(family: str, *, dynamic: bool = True, root: Path = CORPORA) -> dict[str, object]:
    """Recall, false-positive files and per-file misses for one family's corpus."""
    corpus = root / family
    manifest: dict[str, list[str]] = json.loads((corpus / "manifest.json").read_text())
    expected_pairs = found_pairs = 0
    missed: dict[str, list[str]] = {}
    false_positive_files: dict[str, list[str]] = {}
    started = time.perf_counter()
    for name, expected in sorted(manifest.items()):
        report = assay.check(corpus / name, select=[family], offline=True, dynamic=dynamic)
        if report.errors:
            raise SystemExit(f"{family}/{name}: {report.errors[0].message}")
        got = Counter(f.rule for f in report.findings)
        wanted = Counter(expected)
        expected_pairs += sum(wanted.values())
        found_pairs += sum(min(count, got[rule]) for rule, count in wanted.items())
        short = {rule: count - got[rule] for rule, count in wanted.items() if got[rule] < count}
        extra = {rule: count - wanted[rule] for rule, count in got.items() if count > wanted[rule]}
        if short:
            missed[name] = [f"{rule} x{count}" for rule, count in sorted(short.items())]
        if extra:
            false_positive_files[name] = [
                f"{rule} x{count}" for rule, count in sorted(extra.items())
            ]
    return {
        "family": family,
        "files": len(manifest),
        "clean_twins": sum(1 for e in manifest.values() if not e),
        "expected_pairs": expected_pairs,
        "found_pairs": found_pairs,
        "recall": found_pairs / expected_pairs if expected_pairs else 1.0,
        "false_positive_files": false_positive_files,
        "missed": missed,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Print one block per family and a summary table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("families", nargs="*", help="families to evaluate (default: all)")
    parser.add_argument("--no-dynamic", action="store_true", help="static rules only")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    families = args.families or families_with_corpus()
    results = [evaluate(f, dynamic=not args.no_dynamic) for f in families]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for r in results:
        print(
            f"== {r['family']}: {r['files']} files ({r['clean_twins']} clean twins), "
            f"{r['seconds']} s"
        )
        print(f"   recall: {r['found_pairs']}/{r['expected_pairs']} = {r['recall']:.1%}")
        fp = r["false_positive_files"]
        assert isinstance(fp, dict)
        print(f"   false-positive files: {len(fp)}/{r['files']}")
        for name, rules in sorted(fp.items()):
            print(f"     {name}: unexpected {', '.join(rules)}")
        missed = r["missed"]
        assert isinstance(missed, dict)
        for name, rules in sorted(missed.items()):
            print(f"     missed in {name}: {', '.join(rules)}")
    print("\nfamily            recall        FP files")
    for r in results:
        fp = r["false_positive_files"]
        assert isinstance(fp, dict)
        print(
            f"{r['family']:<17} {r['found_pairs']:>3}/{r['expected_pairs']:<3} {r['recall']:>6.1%}"
            f"   {len(fp)}/{r['files']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
