"""AS409 `unused-suppression`: an ``# assay: ignore[...]`` comment that suppresses nothing."""

from __future__ import annotations

from collections.abc import Iterator

from assay.model import Edit, Family, Finding, Fix, Severity
from assay.rules._context import Context
from assay.rules._registry import all_rules, iter_selected, rule
from assay.syntax import Suppression

__all__: list[str] = []


@rule(
    id="AS409", name="unused-suppression", family=Family.SILENT_FAILURE,
    severity=Severity.INFO, kind="module", sees_findings=True,
)  # fmt: skip
def unused_suppression(ctx: Context) -> Iterator[Finding]:
    """A suppression comment names a rule that reports nothing on its line (ruff's RUF100).

    ## What it finds
    Rule ids in ``# assay: ignore[AS101, AS307]`` comments that suppress nothing: the rule
    ran on the file and found nothing on that line (the code was fixed or moved), or the id
    is not a rule at all (a typo such as ``AS1O1``). Only what the text alone can decide is
    judged: ids of static rules, and unknown ids; an id of a rule this run does not select
    is reported as such, and its removal is an unsafe fix (another run may select it). A bare
    ``# assay: ignore``, and ids of rules that run code in the sandbox (AS203, AS509, AS6xx,
    AS7xx), are left alone: whether they hide something depends on a run. ``--fix`` deletes
    the unused ids, and the whole comment when none is left.

    ## Why it matters for AI-written code
    Suppressions outlive the code they were written for: an assistant rewrites the line and
    keeps the comment, and the next real problem on that line is hidden without anyone
    deciding so. A suppression that still names a rule should be one that is still needed.

    ## Example
    ```python
    import os

    base = os.path.join("build", "reports")  # assay: ignore[AS102]
    ```

    ## Use instead
    ```python
    import os

    base = os.path.join("build", "reports")
    ```
    """
    rules = all_rules()
    static = {r.id for r in rules if r.kind != "dynamic"} - {"AS409"}
    known = {r.id for r in rules}
    selected = {r.id for r in iter_selected(rules, ctx.settings.select, ctx.settings.ignore)}
    fired = {(f.rule, f.line) for f in ctx.reported}
    for suppression in ctx.suppressions:
        if suppression.ids is None:
            continue
        ids = suppression.ids
        unknown = [i for i in ids if i.upper() not in known]
        judged = [i for i in ids if i in static and (i, suppression.line) not in fired]
        unused = [i for i in judged if i in selected]
        disabled = [i for i in judged if i not in selected]
        if not (unknown or unused or disabled):
            continue
        parts = []
        if unused:
            parts.append(f"{', '.join(unused)} reported nothing on this line")
        if unknown:
            parts.append(f"{', '.join(unknown)} is not a rule id (`assay rules` lists them)")
        if disabled:
            parts.append(f"{', '.join(disabled)} is not selected in this run")
        # Removing ids that are stale or unknown keeps the meaning; removing ids of rules
        # this run left out would hide nothing now, but may be wanted by another run.
        safe = {*unused, *unknown}
        autofix = _removal(ctx, suppression, safe) if safe else None
        if autofix is None:
            unsafe = _removal(ctx, suppression, set(disabled))
            autofix = unsafe.model_copy(update={"applicability": "unsafe"})
        yield ctx.finding(
            None,
            f"unused suppression: {'; '.join(parts)}",
            line=suppression.line,
            col=_byte_col(ctx, suppression.line, suppression.start),
            evidence={
                "ids": list(ids),
                "unused": unused,
                "unknown": unknown,
                "not_selected": disabled,
            },
            fix="delete the ids that suppress nothing (`assay check --fix` does)",
            autofix=autofix,
        )


def _byte_col(ctx: Context, line: int, col: int) -> int:
    """AST-style byte column of character column `col` (tokenize counts characters)."""
    return len(ctx.lines[line - 1][:col].encode())


def _removal(ctx: Context, suppression: Suppression, drop: set[str]) -> Fix:
    """Keep the ids still in use; delete the directive (and the spaces before it, or its
    whole line when nothing else is on it) when none is."""
    ids = suppression.ids or ()
    kept = [i for i in ids if i not in drop]
    line = ctx.lines[suppression.line - 1]
    if kept and suppression.ids_start is not None and suppression.ids_end is not None:
        edit = Edit(
            line=suppression.line,
            col=_byte_col(ctx, suppression.line, suppression.ids_start),
            end_line=suppression.line,
            end_col=_byte_col(ctx, suppression.line, suppression.ids_end),
            text=", ".join(kept),
        )
        return Fix(
            description=f"Remove {', '.join(sorted(drop))} from the suppression", edits=[edit]
        )
    before = line[: suppression.start].rstrip()
    after = line[suppression.end :]
    if not before and not after.strip():
        whole = Edit(
            line=suppression.line, col=0, end_line=suppression.line + 1, end_col=0, text=""
        )
        return Fix(description="Remove the suppression comment's line", edits=[whole])
    start = len(before)
    if not before.endswith("#") and after.lstrip().startswith("#"):
        # The directive followed by another comment (`...ignore[AS102]  # why`): the other
        # comment keeps its own `#`.
        end = len(line) - len(after.lstrip())
        text = "  "
    else:
        end, text = suppression.end, ""
    edit = Edit(
        line=suppression.line,
        col=_byte_col(ctx, suppression.line, start),
        end_line=suppression.line,
        end_col=_byte_col(ctx, suppression.line, end),
        text=text,
    )
    return Fix(description="Remove the unused suppression comment", edits=[edit])
