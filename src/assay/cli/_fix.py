"""`assay check --fix`, `--diff` and `--unsafe-fixes`: apply the mechanical fixes the rules
spell out (`Finding.autofix`), as ruff does.

The files are read once; the static stage checks their text, the fixes that overlap none
before them are applied in memory, and the changed files are checked again, until no fix
is left or `MAX_ROUNDS` is reached (a fix may uncover another, and overlapping fixes wait a
round). Only then is anything written, each file in the encoding it was read in (a BOM and a
PEP 263 coding line stay), and only when it still holds the text that was checked. A file
that does not parse has no findings, so it is never touched.
"""

from __future__ import annotations

import io
import tokenize
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from assay.config import Settings
from assay.errors import SourceError
from assay.model import Finding, Fix, Report
from assay.pipeline import check_inputs
from assay.source.discover import SourceInput, collect
from assay.source.fix import apply_fixes, file_diff

__all__ = ["MAX_ROUNDS", "FixResult", "applicable", "fix_inputs", "unified_diff", "write_fixed"]

#: ruff stops after 100 rounds; assay's fixes do not chain that far (each rule's fix
#: removes its own finding), so a tenth round would mean two fixes undoing each other.
MAX_ROUNDS = 10


@dataclass
class FixResult:
    """What fixing changed: the text of every input before and after, and how many fixes
    were applied (counting each finding once)."""

    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, SourceInput] = field(default_factory=dict)
    fixed_in: dict[str, int] = field(default_factory=dict)

    @property
    def fixed(self) -> int:
        """Fixes applied in all files."""
        return sum(self.fixed_in.values())

    @property
    def changed(self) -> list[str]:
        """Display paths whose text the fixes changed, in input order."""
        return [path for path, text in self.after.items() if text != self.before[path]]


def applicable(finding: Finding, *, unsafe: bool) -> Fix | None:
    """The finding's fix when this run may apply it: safe ones always, unsafe ones only
    with `unsafe` (``--unsafe-fixes``)."""
    fix = finding.autofix
    if fix is None or (fix.applicability == "unsafe" and not unsafe):
        return None
    return fix


def fix_inputs(
    paths: Sequence[str],
    *,
    settings: Settings,
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    python: str | None,
    unsafe: bool,
    stdin_name: str = "-",
) -> FixResult:
    """Read `paths`, apply every applicable fix in memory round after round, and return
    the texts before and after (nothing is written here).

    Raises:
        SourceError: a path does not exist.
        InvalidArgument: a selector matches no rule.
    """
    inputs = collect(
        paths,
        stdin_name=stdin_name,
        max_file_bytes=settings.max_file_bytes,
        follow_symlinks=settings.follow_symlinks,
    )
    result = FixResult()
    for item in inputs:
        if item.text is not None:
            result.inputs[item.display_path] = item
            result.before[item.display_path] = result.after[item.display_path] = item.text
    pending = list(result.inputs)
    for _ in range(MAX_ROUNDS):
        if not pending:
            break
        report = check_inputs(
            [_with_text(result.inputs[path], result.after[path]) for path in pending],
            settings=settings,
            select=select,
            ignore=ignore,
            offline=None,
            python=python,
            dynamic=False,
        )
        pending = []
        for path, fixes in _fixes_by_path(report, unsafe=unsafe).items():
            text, applied = apply_fixes(result.after[path], fixes)
            if applied and text != result.after[path]:
                result.after[path] = text
                result.fixed_in[path] = result.fixed_in.get(path, 0) + applied
                pending.append(path)
    return result


def _with_text(item: SourceInput, text: str) -> SourceInput:
    return SourceInput(item.display_path, text, item.path, item.read_error)


def _fixes_by_path(report: Report, *, unsafe: bool) -> dict[str, list[Fix]]:
    grouped: dict[str, list[Fix]] = defaultdict(list)
    for finding in report.findings:
        fix = applicable(finding, unsafe=unsafe)
        if fix is not None and finding.path in report.sources:
            grouped[finding.path].append(fix)
    return grouped


def write_fixed(result: FixResult) -> list[str]:
    """Write every changed file back in the encoding it was read in; returns the display
    paths not written because they changed on disk since they were read (or are standard
    input, whose fixed text the caller prints).

    Raises:
        SourceError: a file cannot be written.
    """
    skipped: list[str] = []
    for display in result.changed:
        path = result.inputs[display].path
        if path is None:
            skipped.append(display)
            continue
        try:
            data = path.read_bytes()
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            if data.decode(encoding) != result.before[display]:
                skipped.append(display)
                continue
            path.write_bytes(result.after[display].encode(encoding))
        except (OSError, SyntaxError, UnicodeError) as error:
            raise SourceError(
                f"--fix: cannot write {display} ({error}); make it writable or run without --fix"
            ) from error
    return skipped


def unified_diff(result: FixResult) -> str:
    """The changes as one unified diff (``--diff``), file by file in input order."""
    return "".join(
        file_diff(result.before[display], result.after[display], display)
        for display in result.changed
    )
