"""`assay check --write-baseline FILE` / `--baseline FILE`: adopt assay on an existing code
base and see only new findings. Findings are matched by the fingerprints SARIF's
`partialFingerprints` carry (rule, file, function, the line's text), so code that moves
within its file stays baselined and an edit to a flagged line shows it again."""

from __future__ import annotations

import json
from pathlib import Path

from assay.errors import InvalidArgument
from assay.model import Report
from assay.report.fingerprint import FINGERPRINT_KEY, fingerprints

__all__ = ["without_baselined", "write_baseline_file"]

_FORMAT = "assay-baseline"
_VERSION = 1


def write_baseline_file(path: Path, report: Report) -> int:
    """Write every finding of `report` to the baseline `path`; returns how many.

    Raises:
        InvalidArgument: `path` cannot be written.
    """
    entries = [
        {"fingerprint": fp, "rule": f.rule, "path": f.path, "line": f.line, "message": f.message}
        for f, fp in zip(report.findings, fingerprints(report), strict=True)
    ]
    document = {"format": _FORMAT, "version": _VERSION, "key": FINGERPRINT_KEY, "findings": entries}
    try:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as error:
        raise InvalidArgument(
            f"--write-baseline {path}: cannot write it ({error.strerror}); pass a writable path"
        ) from error
    return len(entries)


def without_baselined(report: Report, path: Path) -> tuple[Report, int]:
    """`report` without the findings the baseline `path` lists, and how many were dropped.

    Raises:
        InvalidArgument: `path` is missing, not a baseline, or from another fingerprint
            recipe.
    """
    known = _read(path)
    kept = [
        f for f, fp in zip(report.findings, fingerprints(report), strict=True) if fp not in known
    ]
    hidden = len(report.findings) - len(kept)
    return report.model_copy(update={"findings": kept}), hidden


def _read(path: Path) -> frozenset[str]:
    remedy = "create it with `assay check ... --write-baseline FILE`"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidArgument(
            f"--baseline {path}: cannot read it ({error.strerror}); {remedy}"
        ) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidArgument(f"--baseline {path} is not JSON ({error}); {remedy}") from error
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise InvalidArgument(f"--baseline {path} is not an assay baseline; {remedy}")
    if document.get("key") != FINGERPRINT_KEY:
        raise InvalidArgument(
            f"--baseline {path} holds {document.get('key')!r} fingerprints, this assay makes "
            f"{FINGERPRINT_KEY!r}; {remedy} again"
        )
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise InvalidArgument(f"--baseline {path} has no list of findings; {remedy}")
    return frozenset(
        str(entry["fingerprint"])
        for entry in entries
        if isinstance(entry, dict) and "fingerprint" in entry
    )
