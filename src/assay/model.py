"""The typed core model: what assay reads (Task, Candidate) and what it reports (Finding, Report).

Every stage of the pipeline produces or consumes these; renderers are pure functions of a
`Report`. The JSON form of a `Report` is a public contract (see `SCHEMA_VERSION`): keys are
only ever added, never renamed or removed, without bumping the major version.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "Candidate",
    "Edit",
    "Family",
    "FileError",
    "Finding",
    "Fix",
    "FunctionReview",
    "JsonValue",
    "Report",
    "Severity",
    "Task",
    "TrustTier",
    "Verdict",
]

#: 2.0: columns in the JSON report are 1-based (they were Python's 0-based offsets in 1.x).
#: 2.1: a finding may carry `autofix`, the text edits that fix it (`assay check --fix`).
SCHEMA_VERSION = "2.1"

#: Evidence values are plain JSON so every renderer and every consumer can read them.
JsonValue = Any


class Family(str, enum.Enum):
    """The failure mode a rule belongs to. The string values are stable public names."""

    HALLUCINATION = "hallucination"
    DEPRECATED = "deprecated"
    SECURITY = "security"
    SILENT_FAILURE = "silent-failure"
    PERFORMANCE = "performance"
    RUNTIME = "runtime"
    DISAGREEMENT = "disagreement"

    def __str__(self) -> str:
        return self.value


class Severity(str, enum.Enum):
    """How much a finding matters; `--fail-on` compares against this order."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error."""
        return _SEVERITY_RANK[self]

    def __str__(self) -> str:
        return self.value


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class TrustTier(str, enum.Enum):
    """How carefully a reviewer should read a function (see `assay.rules._tiers`)."""

    BOILERPLATE = "boilerplate"
    LOGIC = "logic"
    SECURITY_SENSITIVE = "security-sensitive"
    PERFORMANCE_CRITICAL = "performance-critical"

    def __str__(self) -> str:
        return self.value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Edit(_Frozen):
    """Replace the text from (`line`, `col`) to (`end_line`, `end_col`) with `text`: lines
    1-based, columns 0-based UTF-8 byte offsets with the end exclusive, as in Python's AST
    and `Finding.col` (an empty range inserts, an empty `text` deletes)."""

    line: int = Field(ge=1)
    col: int = Field(ge=0)
    end_line: int = Field(ge=1)
    end_col: int = Field(ge=0)
    text: str


class Fix(_Frozen):
    """The edits that fix one finding, all or none (`assay check --fix` applies them).

    `applicability` is ruff's distinction: ``safe`` fixes keep the program's meaning apart
    from the problem they fix and are applied by ``--fix``; ``unsafe`` ones may change
    behaviour a caller relies on and need ``--unsafe-fixes`` too.
    """

    description: str
    edits: list[Edit] = Field(min_length=1)
    applicability: Literal["safe", "unsafe"] = "safe"


class Finding(_Frozen):
    """One problem found in one place, with the evidence that shows it.

    `evidence` is structured and rule-specific (e.g. ``{"missing": "os.path.splitall",
    "closest": ["os.path.split"]}``, or ``{"input": ..., "expected": ..., "got": ...}``);
    a finding without evidence is a smell.
    """

    rule: str
    family: Family
    severity: Severity
    path: str
    line: int = Field(ge=0)
    col: int = Field(ge=0)
    end_line: int | None = None
    end_col: int | None = None
    message: str
    evidence: dict[str, JsonValue] = Field(default_factory=dict)
    fix: str | None = None
    #: The mechanical fix, when the rule knows the exact text to write (see `Fix`).
    autofix: Fix | None = None
    confidence: str = "high"
    candidate: str | None = None
    function: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        """Stable ordering for reports: file, position, rule."""
        return (self.path, self.line, self.col, self.rule)


class FileError(_Frozen):
    """A file assay could not check (unreadable, not valid Python): reported, never skipped."""

    path: str
    message: str
    line: int | None = None
    col: int | None = None
    #: ``parse`` (not valid Python), ``read`` (unreadable, not a regular file, too large),
    #: ``rule`` (one static rule failed), ``internal`` (a stage failed on this file)
    kind: str = "parse"

    @classmethod
    def from_crash(
        cls, path: str, stage: str, error: BaseException, *, kind: str = "internal"
    ) -> FileError:
        """The error entry for a stage of assay that failed on one file: the rest of the
        report stands, and the message asks for a bug report. Type name and message are
        capped, since a checked program chooses both."""
        name = type(error).__name__[:100]
        text = str(error)
        text = text if len(text) <= 300 else text[:297] + "..."
        return cls(
            path=path,
            message=f"{stage} failed: {name}: {text}; the rest of the report is complete; "
            "please report this as an assay bug",
            kind=kind,
        )


class FunctionReview(_Frozen):
    """The trust tier of one function and what a reviewer should verify for that tier."""

    path: str
    function: str
    line: int
    tier: TrustTier
    reasons: list[str] = Field(default_factory=list)
    checklist: list[str] = Field(default_factory=list)


class Task(_Frozen):
    """What a piece of code is supposed to do.

    `prompt` is the human request or a stub (signature + docstring); `examples` are
    ``{"input": <call source>, "output": <expected source>}`` pairs extracted or given.
    """

    prompt: str
    entry_point: str | None = None
    criteria: list[str] = Field(default_factory=list)
    examples: list[dict[str, str]] = Field(default_factory=list)
    tests: list[str] = Field(default_factory=list)
    task_id: str | None = None


class Candidate(_Frozen):
    """One implementation of a task, with where it came from."""

    code: str
    name: str = "candidate"
    backend: str | None = None
    model: str | None = None
    sample_index: int | None = None
    prompt_variant: str | None = None

    @property
    def digest(self) -> str:
        """sha256 of the code: the identity the ledger and reports use."""
        return hashlib.sha256(self.code.encode("utf-8")).hexdigest()


class Verdict(_Frozen):
    """assay's judgement of one candidate: accepted or not, a score, and what was run."""

    candidate: str
    accepted: bool
    score: float
    cluster: int | None = None
    selected: bool = False
    findings: list[Finding] = Field(default_factory=list)
    executions: int = 0
    inputs_tried: int = 0
    examples_passed: int = 0
    examples_total: int = 0
    summary: str = ""


class Report(_Frozen):
    """Everything one assay run found, plus what it looked at.

    `files` lists every file checked (so an empty `findings` means "looked, found nothing");
    `errors` lists files that could not be checked; `warnings` lists degraded capabilities
    (e.g. the sandbox ran without a network namespace); `notes` lists what could not be
    verified here and why (e.g. functions of a module that needs its package to import).
    """

    schema_version: str = SCHEMA_VERSION
    tool_version: str = ""
    findings: list[Finding] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    errors: list[FileError] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    verdicts: list[Verdict] = Field(default_factory=list)
    functions: list[FunctionReview] = Field(default_factory=list)
    clusters: list[dict[str, JsonValue]] = Field(default_factory=list)
    sources: dict[str, str] = Field(default_factory=dict, exclude=True)
    stats: dict[str, JsonValue] = Field(default_factory=dict)

    def worst_severity(self) -> Severity | None:
        """The most severe finding's severity, or None when there are no findings."""
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: s.rank)

    def at_or_above(self, threshold: Severity) -> list[Finding]:
        """Findings whose severity is at least `threshold`."""
        return [f for f in self.findings if f.severity.rank >= threshold.rank]

    def merged(self, others: Iterable[Report]) -> Report:
        """One report holding this report's and `others`' contents, findings sorted."""
        findings = list(self.findings)
        files = list(self.files)
        errors = list(self.errors)
        warnings = list(self.warnings)
        notes = list(self.notes)
        verdicts = list(self.verdicts)
        functions = list(self.functions)
        clusters = list(self.clusters)
        sources = dict(self.sources)
        for other in others:
            findings.extend(other.findings)
            files.extend(f for f in other.files if f not in files)
            errors.extend(other.errors)
            warnings.extend(w for w in other.warnings if w not in warnings)
            notes.extend(n for n in other.notes if n not in notes)
            verdicts.extend(other.verdicts)
            functions.extend(other.functions)
            clusters.extend(other.clusters)
            sources.update(other.sources)
        return self.model_copy(
            update={
                "findings": sorted(findings, key=Finding.sort_key),
                "files": files,
                "errors": errors,
                "warnings": warnings,
                "notes": notes,
                "verdicts": verdicts,
                "functions": functions,
                "clusters": clusters,
                "sources": sources,
            }
        )
