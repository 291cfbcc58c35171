"""Package verdicts (issue 22 items 1-2): import names that resolve, and AS101 on the long tail.

Usage::

    pip download --no-deps pipreqs==0.5.0 -d /tmp/pipreqs
    python bench/package_verdicts.py --pipreqs /tmp/pipreqs/pipreqs-0.5.0-py3-none-any.whl

Run it with ``PYTHONPATH`` pointing at the ``src`` of the revision to measure (A/B against an
older commit from a ``git worktree``). It prints two figures:

* **import names**: of the bundled top projects with a known import name (pipreqs' mapping,
  ``importlib.metadata.packages_distributions()`` of this interpreter, the names of issue 22),
  the share whose every import name resolves in the *offline index alone* (any project, and
  the right project). pipreqs' mapping is also an input of the bundled map, so for its pairs
  the figure measures coverage, not a held-out prediction.
* **long tail**: the `--tail` least downloaded projects of the bundled index are held out of
  it (projects and import names), then ``import <name>`` is checked offline with AS101: each
  is a real project that the bundled knowledge does not have, so every error is a false
  alarm and a warning is the honest "cannot verify offline".
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.metadata
import sys
import zipfile
from collections import Counter
from pathlib import Path

import assay
from assay.knowledge import resolve
from assay.rules.hallucination import _common, unknown_package, unverified_package

ISSUE_NAMES = {
    "pywt": "pywavelets",
    "absl": "absl-py",
    "grpc_health": "grpcio-health-checking",
    "opensearchpy": "opensearch-py",
    "factory": "factory-boy",
    "argon2": "argon2-cffi",
    "jpype": "jpype1",
    "yaml": "pyyaml",
    "sklearn": "scikit-learn",
    "cv2": "opencv-python",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "jwt": "pyjwt",
}


def ground_truth(pipreqs: Path, projects: set[str]) -> dict[str, dict[str, set[str]]]:
    """Source -> project -> its import names, for projects in the bundled index."""
    truth: dict[str, dict[str, set[str]]] = {"pipreqs": {}, "installed": {}, "issue-22": {}}
    with zipfile.ZipFile(pipreqs) as archive:
        lines = archive.read("pipreqs/mapping").decode("utf-8").splitlines()
    for line in lines:
        name, _, project = line.strip().partition(":")
        if name.isidentifier() and resolve.normalize(project) in projects:
            truth["pipreqs"].setdefault(resolve.normalize(project), set()).add(name)
    for name, dists in importlib.metadata.packages_distributions().items():
        for dist in dists:
            if name.isidentifier() and not name.startswith("_"):
                if resolve.normalize(dist) in projects:
                    truth["installed"].setdefault(resolve.normalize(dist), set()).add(name)
    for name, project in ISSUE_NAMES.items():
        truth["issue-22"].setdefault(project, set()).add(name)
    return truth


def import_name_share(pipreqs: Path) -> None:
    """Print the share of projects whose import names resolve in the offline index."""
    index = resolve.offline_index()
    for source, table in ground_truth(pipreqs, set(index.projects)).items():
        anything = sum(all(index.distribution_for(n) for n in names) for names in table.values())
        right = sum(
            all(index.distribution_for(n) == project for n in names)
            for project, names in table.items()
        )
        total = len(table)
        print(
            f"import names [{source}]: {anything}/{total} projects resolve "
            f"({anything / total:.1%}), {right}/{total} to the right project ({right / total:.1%})"
        )


def long_tail(tail: int) -> None:
    """Print AS101 severities for the held-out least downloaded projects."""
    index = resolve.offline_index()
    held = set(index.projects[-tail:])
    by_project = {dist: name for name, dist in index.import_names.items() if dist in held}
    names: list[str] = []
    for project in index.projects[-tail:]:
        name = by_project.get(project, project.replace("-", "_"))
        if name.isidentifier() and not resolve.is_installed(name):
            names.append(name)
    kept = tuple(p for p in index.projects if p not in held)
    changes: dict[str, object] = {
        "projects": kept,
        "rank": {p: i + 1 for i, p in enumerate(kept)},
        "import_names": {k: v for k, v in index.import_names.items() if v not in held},
    }
    if any(f.name == "namespace_modules" for f in dataclasses.fields(index)):
        mods = getattr(index, "namespace_modules", {})
        changes["namespace_modules"] = {k: v for k, v in mods.items() if v not in held}
    held_out = dataclasses.replace(index, **changes)  # type: ignore[arg-type]
    for module in (resolve, _common, unknown_package, unverified_package):
        if hasattr(module, "offline_index"):
            module.offline_index = lambda: held_out  # type: ignore[attr-defined]
    counts: Counter[str] = Counter()
    errors: list[str] = []
    for name in names:
        report = assay.check_source(f"import {name}\n", select=["AS101"], offline=True)
        severities = [f.severity.value for f in report.findings] or ["silent"]
        counts.update(severities)
        if "error" in severities:
            errors.append(name)
    print(f"long tail: {len(names)} real import names held out of the bundled index")
    print("AS101 offline: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"errors: {', '.join(errors)}")


def main(argv: list[str] | None = None) -> int:
    """Print both figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipreqs", type=Path, required=True, help="the pipreqs wheel")
    parser.add_argument("--tail", type=int, default=300)
    args = parser.parse_args(argv)
    import_name_share(args.pipreqs)
    long_tail(args.tail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
