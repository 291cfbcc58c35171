"""`assay diff OLD.py NEW.py` and `assay diff --base REV FILE...`: did the edit change what
the code does? Each changed function runs old and new on the same inputs in the sandbox.

Exit code: 0 when every pair is equivalent or its change declared, 1 when a behaviour
changed, 2 when assay failed (a version does not parse, the old module does not import).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from assay.errors import InvalidArgument

__all__ = ["register"]

FORMAT_CHOICES = ("text", "json", "sarif", "markdown", "html")


def diff_command(
    paths: list[Path] = typer.Argument(
        ...,
        help="OLD.py NEW.py, or with --base the files to compare with their version at REV.",
    ),
    base: str | None = typer.Option(
        None, "--base", help="Git revision: compare each FILE with its version there."
    ),
    entry_point: list[str] | None = typer.Option(
        None, "--entry-point", "-e", help="Compare only this function (repeatable)."
    ),
    allow_change: list[str] | None = typer.Option(
        None,
        "--allow-change",
        help="A function whose behaviour change is intended: reported as info (repeatable). "
        "Also declared: a 'Behaviour change:' line in its new docstring, or (with --base) in a "
        "commit message since the base that names it.",
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text, json, sarif, markdown or html."),
    seed: int = typer.Option(0, "--seed", help="Seed for input generation."),
    budget: int = typer.Option(48, "--budget", help="Inputs per pair of functions."),
    timeout: float = typer.Option(2.0, "--timeout", help="Seconds per call in the sandbox."),
    no_symbolic: bool = typer.Option(
        False, "--no-symbolic", help="Do not ask the symbolic engine (CrossHair)."
    ),
    no_performance: bool = typer.Option(
        False, "--no-performance", help="Do not time the versions at growing sizes."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report here instead of stdout."
    ),
) -> int:
    """Run every changed function of OLD and NEW on the same inputs and report, per pair,
    "equivalent on N inputs" or the counterexamples (input, old result, new result).

    Exit code: 0 all equivalent or declared, 1 a behaviour changed, 2 assay failed."""
    if fmt not in FORMAT_CHOICES:
        raise InvalidArgument(f"--format {fmt!r} is not one of {', '.join(FORMAT_CHOICES)}")
    for path in paths:
        if not path.is_file():
            raise InvalidArgument(f"{path} is not a file; assay diff compares Python files")
    if base is None and len(paths) != 2:
        raise InvalidArgument(
            f"assay diff takes two files (OLD.py NEW.py), got {len(paths)}; "
            "or pass --base REV and the files to compare with that revision"
        )
    from assay.source.discover import read_text_file

    messages: tuple[str, ...] = ()
    if base is None:
        old_path, new_path = paths
        versions = [(str(new_path), read_text_file(old_path), new_path)]
    else:
        from assay.source.gitbase import check_revision, file_at, messages_since

        check_revision(base, paths)
        # "Behaviour change: NAME ..." in a commit since the base declares that change.
        messages = (messages_since(base, paths[0]),)
        versions = []
        for path in paths:
            old_text = file_at(base, path)
            if old_text is None:
                typer.echo(f"assay: {path} did not exist at {base}: nothing to compare", err=True)
                continue
            versions.append((str(path), old_text, path))
    from assay.api import diff as api_diff
    from assay.behaviour.diff import BehaviourDiff
    from assay.behaviour.diff.findings import diff_report, repository_tests

    done: list[tuple[str, str, BehaviourDiff]] = []
    for shown, old_text, new_path in versions:
        new_text = read_text_file(new_path)
        result = api_diff(
            old_text,
            new_text,
            entry_points=entry_point or (),
            allow_change=allow_change or (),
            seed=seed,
            budget=budget,
            symbolic=not no_symbolic,
            performance=not no_performance,
            timeout=timeout,
            callers=repository_tests(new_path),
            messages=messages,
        )
        done.append((shown, new_text, result))
    if fmt == "json":
        rendered = json.dumps(_json(done, single=base is None), indent=2) + "\n"
    else:
        from assay.model import Report
        from assay.report import render

        reports = [diff_report(result, shown, source=text) for shown, text, result in done]
        merged = reports[0].merged(reports[1:]) if reports else Report()
        rendered = render(merged, fmt)
    if output is not None:
        output.write_text(rendered, encoding="utf-8")
    else:
        sys.stdout.write(rendered)
    if any(result.errors for _, _, result in done):
        return 2
    return 1 if any(result.changed for _, _, result in done) else 0


def _json(done: list[tuple[str, str, Any]], *, single: bool) -> dict[str, Any]:
    """One diff's contract form; for several files (``--base``), one document whose pairs,
    lists and errors each name their file."""
    if single and done:
        document: dict[str, Any] = done[0][2].to_json()
        return document
    from assay.behaviour.diff import DIFF_SCHEMA_VERSION

    merged: dict[str, Any] = {
        "schema_version": DIFF_SCHEMA_VERSION,
        "pairs": [],
        "added": [],
        "removed": [],
        "unchanged": [],
        "unverified": [],
        "errors": [],
    }
    for path, _, result in done:
        document = result.to_json()
        merged["pairs"].extend({"path": path, **pair} for pair in document["pairs"])
        merged["unverified"].extend({"path": path, **item} for item in document["unverified"])
        for key in ("added", "removed", "unchanged"):
            merged[key].extend(f"{path}:{name}" for name in document[key])
        merged["errors"].extend(f"{path}: {error}" for error in document["errors"])
    return merged


def register(app: typer.Typer) -> None:
    """Add `assay diff` to `app`."""
    app.command("diff")(diff_command)
