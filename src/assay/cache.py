"""The result cache of `assay check`: what one file's check produced, kept on disk so that a
re-run on unchanged files only reads and hashes them (as ruff does).

An entry is keyed by everything its results depend on:

* the file's path as reported and its text;
* the effective settings (rules selected, severities, offline, dynamic, timeouts, ...);
* assay itself: a fingerprint of the installed package's files, by name, size and
  modification time (a new rule or a changed one is a new key, without a version bump);
* the environment that matters: the Python version and the installed versions of the
  top-level packages the file imports (an upgrade can add or remove an API);
* the project's own module names (an import of a sibling module is not a hallucination).

Entries live in ``<cache dir>/check/``. A corrupt or unreadable entry is ignored and
rewritten, never trusted. A run whose capabilities were degraded (a `Report.warnings`
entry: the sandbox could not start, the index was not reachable) stores nothing.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from assay.config import Settings
from assay.model import FileError, Finding, FunctionReview, Report

__all__ = ["FileResult", "ResultCache", "merge_cached"]

_FORMAT = "2"
_IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.MULTILINE)


class FileResult(BaseModel):
    """Everything a check found for one file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    findings: list[Finding]
    errors: list[FileError]
    notes: list[str]
    functions: list[FunctionReview]

    @classmethod
    def per_file(cls, report: Report, paths: Iterable[str]) -> dict[str, FileResult]:
        """The part of `report` that belongs to each of `paths`, grouped in one pass over
        the report (a notes entry belongs to the file its text starts with)."""
        wanted = list(paths)
        parts: dict[str, tuple[list[Finding], list[FileError], list[str], list[FunctionReview]]]
        parts = {path: ([], [], [], []) for path in wanted}
        for finding in report.findings:
            if finding.path in parts:
                parts[finding.path][0].append(finding)
        for error in report.errors:
            if error.path in parts:
                parts[error.path][1].append(error)
        for note in report.notes:
            head = note.split(": ", 1)[0]
            owners = [head] if head in parts else [p for p in wanted if note.startswith(f"{p}: ")]
            for owner in owners:
                parts[owner][2].append(note)
        for review in report.functions:
            if review.path in parts:
                parts[review.path][3].append(review)
        return {
            path: cls(findings=found, errors=errors, notes=notes, functions=functions)
            for path, (found, errors, notes, functions) in parts.items()
        }


@dataclass(frozen=True)
class ResultCache:
    """Per-file results under `directory`, for one run's settings and project."""

    directory: Path
    settings: Settings
    project_modules: frozenset[str]

    def key(self, path: str, text: str) -> str:
        """The entry name for `path` with content `text` under this run's settings."""
        digest = self._run_digest.copy()
        for part in (path, json.dumps(_imported_versions(text), sort_keys=True), text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()

    @functools.cached_property
    def _run_digest(self) -> hashlib._Hash:
        """The hash of what every key of this run shares (settings, assay, project), taken
        once: serializing the settings for each file cost a warm run more than its hashing."""
        digest = hashlib.sha256()
        for part in (
            _FORMAT,
            _assay_fingerprint(),
            sys.version,
            self.settings.model_dump_json(),
            ",".join(sorted(self.project_modules)),
        ):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest

    def load(self, path: str, text: str) -> FileResult | None:
        """The stored result for `path`, or None (absent, unreadable or corrupt)."""
        entry = self._entry(self.key(path, text))
        try:
            return FileResult.model_validate_json(entry.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    def store(self, report: Report, paths: Iterable[str]) -> list[str]:
        """Keep the results of `paths` from `report` (not when the run was degraded); the
        entries that could not be written, each with the reason."""
        if report.warnings:
            return []
        problems: list[str] = []
        readable = [path for path in paths if path in report.sources]
        for path, result in FileResult.per_file(report, readable).items():
            problem = self._write(self.key(path, report.sources[path]), result)
            if problem is not None:
                problems.append(problem)
        return problems

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def _write(self, key: str, result: FileResult) -> str | None:
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            # Written whole and renamed, so a concurrent run never reads half an entry.
            with tempfile.NamedTemporaryFile(
                "wb", dir=entry.parent, suffix=".tmp", delete=False
            ) as handle:
                handle.write(result.model_dump_json().encode("utf-8"))
            os.replace(handle.name, entry)
        except OSError as error:
            return f"{entry}: {error.strerror}"
        return None


def merge_cached(
    report: Report, cached: dict[str, FileResult], order: Sequence[str], texts: dict[str, str]
) -> Report:
    """`report` (of the files that had to be checked) plus the `cached` results of the others,
    with `files` in the order the user named them."""
    findings = [*report.findings]
    errors = [*report.errors]
    notes = [*report.notes]
    functions = [*report.functions]
    for result in cached.values():
        findings.extend(result.findings)
        errors.extend(result.errors)
        notes.extend(result.notes)
        functions.extend(result.functions)
    checked = set(report.files) | set(cached)
    return report.model_copy(
        update={
            "findings": sorted(findings, key=Finding.sort_key),
            "errors": errors,
            "notes": notes,
            "functions": functions,
            "files": [path for path in order if path in checked],
            "sources": {**report.sources, **{p: texts[p] for p in cached}},
        }
    )


@functools.cache
def _assay_fingerprint() -> str:
    """A fingerprint of assay's own installed files: any change to a rule changes every key.

    Each file's name, size and modification time, not its bytes: an edit, a reinstall or a
    checkout rewrites the file and so changes its time (as `_installed` judges the imported
    packages); reading the ~300 files' bytes cost a warm run about a tenth of its time."""
    return _tree_fingerprint(Path(__file__).resolve().parent)


def _tree_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(root.rglob("*")):
        if file.suffix in {".py", ".toml", ".gz", ".json"} and "__pycache__" not in file.parts:
            status = file.stat()
            digest.update(f"{file.relative_to(root).as_posix()}\0{status.st_size}".encode())
            digest.update(f"\0{status.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _imported_versions(text: str) -> dict[str, str]:
    """``{top-level module: where it is installed and when it was written}`` for what `text`
    imports. Installing another version rewrites the files, so the entry changes; finding a
    module's file imports nothing (mapping modules to distributions through their metadata
    costs most of a second on a large environment)."""
    return {top: _installed(top) for top in sorted(set(_IMPORT.findall(text)))}


@functools.cache
def _installed(top: str) -> str:
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return "unknown"
    if spec is None:
        return "missing"
    origin = spec.origin if spec.origin not in (None, "built-in", "frozen") else None
    if origin is None:
        locations = list(spec.submodule_search_locations or [])
        origin = locations[0] if locations else None
    if origin is None:
        return "built-in"
    try:
        return f"{origin}@{os.stat(origin).st_mtime_ns}"
    except OSError:
        return f"{origin}@unreadable"
