"""`assay gen --edit FILE:FUNCTION "instruction"`: a model rewrites one function of a file;
assay shows the accepted rewrite as a unified diff (``--write`` applies it) with its verdict
and evidence. Exit codes as `assay gen`: 0 verified, 1 plausible or rejected, 2 assay failed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from assay.errors import InvalidArgument
from assay.gen.edit import EditCandidate, EditResult

__all__ = ["render_edit", "run_edit", "split_target"]


def split_target(target: str) -> tuple[Path, str]:
    """``FILE:FUNCTION`` as a path and a function name (``name`` or ``Class.method``).

    Raises:
        InvalidArgument: no ``:FUNCTION`` part, or FILE is not a file.
    """
    name, sep, function = target.rpartition(":")
    if not sep or not name or not function.replace(".", "").replace("_", "").isalnum():
        raise InvalidArgument(
            f"--edit {target!r} must be FILE:FUNCTION, e.g. src/app.py:dedupe or "
            "src/app.py:Cart.total"
        )
    path = Path(name)
    if not path.is_file():
        raise InvalidArgument(f"--edit {target!r}: {path} is not a file")
    return path, function


def run_edit(
    target: str,
    instruction: str,
    *,
    backends: Sequence[str],
    model: str | None,
    n: int,
    repair: int,
    allow_change: bool,
    write: bool,
    output: Path | None,
    fmt: str,
    progress: Callable[[str, str], None],
) -> int:
    """Run the edit, print its report, write the file when asked; the exit code."""
    from assay.api import edit

    path, function = split_target(target)
    result = edit(
        path,
        function,
        instruction,
        backends=backends,
        model=model,
        n=n,
        repair=repair,
        allow_change=allow_change,
        progress=progress,
    )
    destination = output if output is not None else path if write else None
    written = None
    if destination is not None and result.accepted and result.source is not None:
        destination.write_text(result.source, encoding="utf-8")
        written = destination
    if fmt == "json":
        document = json.loads(result.model_dump_json())
        document["written"] = str(written) if written is not None else None
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_edit(result, written=written, asked=destination is not None))
    return 0 if result.verified else 1


def render_edit(result: EditResult, *, written: Path | None = None, asked: bool = False) -> str:
    """The text report of an edit: verdict, the unified diff, candidates, evidence, cost."""
    judged = result.verdict
    lines = [
        f"{judged.level.value.upper()}: {result.selected or 'no rewrite'} rewrites "
        f"`{result.function}` in {result.path}"
    ]
    lines += [f"  why: {r}" for r in judged.reasons]
    lines += [f"  missing: {m}" for m in judged.missing]
    lines += [f"  you can add: {a}" for a in judged.advice]
    if result.declared_by:
        lines.append(f"  behaviour change declared by {result.declared_by}")
    lines.append("")
    lines.append(result.diff.rstrip() if result.diff else "(no change to show)")
    lines += ["", "candidates:"]
    for item in result.candidates:
        mark = "*" if item.name == result.selected else " "
        lines.append(
            f" {mark} {item.name:<8} {item.prompt_variant:<15} {item.verdict.level.value:<9} "
            f"{_summary(item)}"
        )
    chosen = result.selected_candidate
    if chosen is not None:
        lines += _evidence_lines(chosen)
    rejected = [c for c in result.candidates if c is not chosen and c.evidence.counterexamples]
    if rejected:
        lines += ["", "counterexamples of the other candidates:"]
        for item in rejected:
            lines += [f"  {item.name}: {_counterexample(c)}" for c in item.evidence.counterexamples]
    usage = result.usage
    lines.append(
        f"\ncost: {usage.get('prompt_tokens', 0)} prompt + "
        f"{usage.get('completion_tokens', 0)} completion tokens, model "
        f"{result.model_seconds:.1f} s, total {result.seconds:.1f} s, repair rounds {result.rounds}"
    )
    if written is not None:
        lines.append(f"written: {written}")
    elif asked:
        lines.append("not written: no rewrite was accepted")
    return "\n".join(lines) + "\n"


def _summary(item: EditCandidate) -> str:
    evidence = item.evidence
    if evidence.problem is not None:
        return evidence.problem
    if evidence.unchanged:
        return "the original unchanged"
    if evidence.same_code:
        return "only docstrings or comments changed"
    if evidence.unverified is not None:
        return f"not compared: {evidence.unverified}"
    differs = f"{len(evidence.counterexamples)} counterexample(s)"
    text = differs if evidence.counterexamples else f"equivalent on {evidence.inputs_tried} inputs"
    if evidence.new_findings:
        text += f", {len(evidence.new_findings)} new finding(s)"
    return text


def _evidence_lines(chosen: EditCandidate) -> list[str]:
    evidence = chosen.evidence
    lines = ["", f"evidence for {chosen.name}:"]
    if evidence.inputs_tried:
        engines = ", ".join(evidence.engines)
        lines.append(f"  inputs: {evidence.inputs_tried} ({engines}); {evidence.coverage}")
    lines += [f"  difference: {_counterexample(c)}" for c in evidence.counterexamples]
    lines += [f"  new finding: {m}" for m in evidence.new_findings]
    if evidence.dropped_calls:
        lines.append(f"  no longer calls: {', '.join(evidence.dropped_calls)}")
    growth = evidence.performance
    if growth is not None:
        lines.append(
            f"  growth: original {_growth(growth, 'old')}, rewrite {_growth(growth, 'new')}"
            + (" — slower" if growth.get("regressed") else "")
        )
    return lines


def _growth(growth: dict[str, object], side: str) -> str:
    exponent = growth.get(f"{side}_exponent")
    fitted = f"n^{exponent}" if exponent is not None else "below the timer's resolution"
    return f"{growth.get(f'{side}_class')} ({fitted})"


def _counterexample(found: dict[str, object]) -> str:
    return (
        f"{found['input']}: original {found['old']}, rewrite {found['new']} "
        f"[{found.get('kind', 'value')}, {found.get('engine', 'random')}]"
    )
