"""A behaviour diff as findings and as a `Report`, and the stage of ``assay check --base REV``.

`diff_findings` turns each changed pair into an AS702 finding (information when the change
was declared) and each clear slow-down into AS703, at the new function's line, with the
counterexamples (or both timing series) as evidence. `diff_report` wraps them in a `Report`
whose notes say what was equivalent and on how many inputs, and what was not compared,
so the existing renderers (text, SARIF, HTML, ...) show a diff like any check.

`BehaviourDiffStage` is the dynamic stage that `assay check --base REV` runs after the
others: every checked file that existed at `REV` is diffed against that version.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.behaviour.diff import BehaviourDiff, PairResult, diff_sources
from assay.behaviour.stages._frame import CheckedFile, Pool, Ran
from assay.model import FileError, Finding, Report, Severity
from assay.rules._registry import finding_for

__all__ = [
    "DIFF_RULES",
    "MAX_TEST_DIRECTORIES",
    "BehaviourDiffStage",
    "diff_findings",
    "diff_notes",
    "diff_report",
    "repository_tests",
]

#: The rules a behaviour diff reports.
DIFF_RULES = frozenset({"AS702", "AS703"})
#: Test files read for calls of the changed functions, and their total size, at most.
MAX_TEST_FILES = 200
MAX_TEST_BYTES = 4_000_000


def _changed(pair: PairResult, path: str) -> Finding:
    first = pair.counterexamples[0]
    more = len(pair.counterexamples) - 1
    name = pair.new if not pair.renamed else f"{pair.new} (was {pair.old})"
    if first.kind == "import":
        what = f"the new module no longer imports: {first.new}"
    elif first.kind == "removed":
        what = "the new module no longer defines it"
    else:
        what = f"{first.input} gave {first.old}, now {first.new}"
    declared = f" (declared by {pair.declared_by})" if pair.declared else ""
    if pair.outside_domain:
        declared += f" outside the documented domain ({first.outside_domain})"
    message = (
        f"{name} changed behaviour{declared}: {what}"
        + (f" (and {more} more kind{'s' if more > 1 else ''} of difference)" if more else "")
        + (f" [found by the {first.engine} engine]" if first.engine == "symbolic" else "")
    )
    evidence: dict[str, Any] = {
        "old": pair.old,
        "new": pair.new,
        "input": first.input,
        "old_result": first.old,
        "new_result": first.new,
        "kind": first.kind,
        "engine": first.engine,
        "inputs_tried": pair.inputs_tried,
        "counterexamples": [c.to_json() for c in pair.counterexamples],
        "declared": pair.declared,
    }
    return finding_for(
        "AS702",
        severity=Severity.INFO if pair.declared or pair.outside_domain else None,
        path=path,
        line=pair.new_line,
        message=message,
        evidence=evidence,
        fix=None
        if pair.declared or pair.outside_domain
        else "restore the old behaviour on this input, or declare the change (--allow-change "
        f"{pair.new}, or a 'Behaviour change: ...' line in the docstring)",
        function=pair.new,
    )


def _slower(pair: PairResult, path: str) -> Finding | None:
    growth = pair.performance
    if growth is None or not growth.regressed:
        return None
    old_exponent = (
        "below the timer" if growth.old_exponent is None else f"n^{growth.old_exponent:.2f}"
    )
    new_exponent = "?" if growth.new_exponent is None else f"n^{growth.new_exponent:.2f}"
    return finding_for(
        "AS703",
        path=path,
        line=pair.new_line,
        message=(
            f"the new {pair.new} is {growth.new_class} where the old {pair.old} was "
            f"{growth.old_class}: time "
            f"grows like {new_exponent} (was {old_exponent}) over n = {growth.sizes[0]}.."
            f"{growth.sizes[-1]}, {growth.new_seconds[-1] / max(growth.old_seconds[-1], 1e-9):.1f}"
            "× slower at the largest size"
        ),
        evidence={"old": pair.old, "new": pair.new, **growth.to_json()},
        fix="find the step the rewrite repeats per element (membership in a list, a sort or "
        "copy inside the loop) and bring back the set, dict or single pass of the old version",
        function=pair.new,
    )


def diff_findings(diff: BehaviourDiff, path: str) -> list[Finding]:
    """AS702 for every pair that behaves differently (info when declared), AS703 for every
    clear slow-down, reported at `path` on the new function's line."""
    findings: list[Finding] = []
    for pair in diff.pairs:
        if pair.counterexamples:
            findings.append(_changed(pair, path))
        slower = _slower(pair, path)
        if slower is not None:
            findings.append(slower)
    return sorted(findings, key=Finding.sort_key)


def diff_notes(diff: BehaviourDiff, path: str) -> list[str]:
    """What the findings do not say: equivalent pairs with their inputs, renames, added and
    removed functions, pairs not compared."""
    notes: list[str] = []
    if not diff.pairs and not diff.unverified and not diff.errors:
        notes.append(f"{path}: no function's code (or what it uses) changed")
    for pair in diff.pairs:
        if pair.equivalent:
            renamed = f" (renamed from {pair.old})" if pair.renamed else ""
            engines = " + ".join(pair.engines)
            notes.append(
                f"{path}: {pair.new}{renamed} equivalent on {pair.inputs_tried} inputs "
                f"({engines}): {pair.coverage}"
            )
    if diff.added:
        notes.append(f"{path}: added (not diffed): {', '.join(diff.added)}")
    if diff.removed:
        notes.append(f"{path}: removed (not diffed): {', '.join(diff.removed)}")
    notes.extend(f"{path}: {u.new} not compared: {u.reason}" for u in diff.unverified)
    return notes


def diff_report(diff: BehaviourDiff, path: str, *, source: str = "") -> Report:
    """A `Report` of the diff at `path` (the new version), for the renderers; assay's
    failures (an unparsable version, an old module that does not import) are its errors."""
    return Report(
        findings=diff_findings(diff, path),
        files=[path],
        errors=[FileError(path=path, kind="diff", message=error) for error in diff.errors],
        notes=diff_notes(diff, path),
        sources={path: source} if source else {},
    )


def repository_tests(path: Path) -> tuple[str, ...]:
    """The texts of the test files (``test_*.py``, ``*_test.py``) of the git repository
    holding `path`; outside a repository, those of its directory and of a ``tests``
    folder beside it (never a walk of a whole home or /tmp). At most `MAX_TEST_FILES`
    files, `MAX_TEST_BYTES` in all, `MAX_TEST_DIRECTORIES` directories looked at."""
    from assay.errors import InvalidArgument
    from assay.source.gitbase import repository_root

    directory = path.resolve().parent
    try:
        return _tests_under(repository_root(directory), recursive=True)
    except InvalidArgument:
        return _tests_under(directory, recursive=False) + _tests_under(
            directory / "tests", recursive=True
        )


#: Directories walked for test files, at most; and the ones never entered.
MAX_TEST_DIRECTORIES = 5000
_SKIPPED = frozenset({"node_modules", "site-packages", "venv", "build", "dist", "__pycache__"})


def _is_test_file(name: str) -> bool:
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


@functools.lru_cache(maxsize=8)
def _tests_under(root: Path, *, recursive: bool) -> tuple[str, ...]:
    """`repository_tests` of one folder, read once per process (``--base`` diffs many
    files of one repository)."""
    found: list[Path] = []
    if root.is_dir():
        for visited, (folder, folders, files) in enumerate(os.walk(root)):
            if visited >= MAX_TEST_DIRECTORIES or len(found) >= MAX_TEST_FILES:
                break
            folders[:] = sorted(
                f for f in folders if recursive and not f.startswith(".") and f not in _SKIPPED
            )
            found.extend(Path(folder) / name for name in sorted(files) if _is_test_file(name))
    texts: list[str] = []
    total = 0
    for candidate in found[:MAX_TEST_FILES]:
        if total >= MAX_TEST_BYTES:
            break
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            # A test file that cannot be read only suggests no inputs; the diff runs without.
            continue
        total += len(text)
        texts.append(text)
    return tuple(texts)


@dataclass(frozen=True)
class BehaviourDiffStage:
    """The stage of ``assay check --base REV``: each checked file that existed at `revision`
    against that version, its changed functions run old and new on the same inputs (AS702)
    and timed side by side (AS703).

    Attributes:
        revision: the git revision compared against.
        rules: the active ids of `DIFF_RULES`.
        timeout_s: limit per call.
    """

    revision: str
    rules: frozenset[str]
    timeout_s: float
    name: str = "the behaviour diff"
    label: str = "behaviour diff"
    workers: int = 2

    def plan(self, file: CheckedFile) -> Path | None:
        """`file` on disk, when the diff rules are active; files that are not on disk
        (stdin, a candidate's text) have no old version."""
        path = file.path
        if not self.rules or path in {"-", ""} or path.startswith("<"):
            return None
        real = Path(path)
        return real if real.is_file() else None

    def warm(self, works: Sequence[Path]) -> tuple[str, ...]:
        """Nothing beyond what the diff's jobs import themselves."""
        return ()

    def run(self, file: CheckedFile, work: Path, pool: Pool, earlier: Sequence[Finding]) -> Ran:
        """Diff `file` against its version at the revision (nothing when it did not exist)."""
        from assay.source.gitbase import file_at, messages_since

        old = file_at(self.revision, work)
        if old is None:
            return Ran()
        diff = diff_sources(
            old,
            file.source,
            timeout_s=self.timeout_s,
            performance="AS703" in self.rules,
            callers=repository_tests(work),
            messages=(messages_since(self.revision, work),),
            sandbox=pool.sandbox(),
        )
        notes = diff_notes(diff, file.path)
        notes.extend(
            f"{file.path}: behaviour diff against {self.revision} failed: {e}" for e in diff.errors
        )
        return Ran(diff_findings(diff, file.path), notes)
