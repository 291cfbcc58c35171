"""AS104 call-signature-mismatch: a call whose arguments cannot bind to the real signature."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from typing import Any

from assay.knowledge.resolve import ApiLookup, closest_names, signature_problems
from assay.model import Family, Finding, Fix, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.fixes import renaming_keyword
from assay.rules.hallucination._common import (
    attribute_target,
    checkable,
    guarded,
    method_lookup,
    prefetch,
    resolver,
)
from assay.rules.hallucination._file_state import FileState, file_state, rebound

__all__ = ["call_signature_mismatch"]

_BUILTIN_NAMES = frozenset(dir(builtins))


@rule(
    id="AS104",
    name="call-signature-mismatch",
    family=Family.HALLUCINATION,
    severity=Severity.ERROR,
    nodes=(ast.Call,),
)
def call_signature_mismatch(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A call whose arguments cannot bind to the real signature of a standard or installed API.

    ## What it finds
    Calls to standard-library or installed functions, classes and methods (on receivers of
    evident type, or of a type jedi infers as AS103 describes) that pass an unknown keyword argument, pass a positional-only parameter by
    keyword, pass more positional arguments than the function accepts, or leave out a
    required argument. The signature is the real one (`inspect.signature` in a separate
    interpreter); `*args`/`**kwargs` on either side are respected, and callables without an
    introspectable signature are skipped.

    ## Why it matters for AI-written code
    Assistants mix up parameter names across libraries and versions:
    `os.makedirs(path, exists_ok=True)`, `text.split(",", maxsplits=1)`,
    `sorted(items, cmp=compare)` (Python 2). Each raises `TypeError` when the line runs.
    Functions that forward `**kwargs` (such as `json.dumps`) cannot be checked this way.

    ## Example
    ```python
    import os

    os.makedirs("build/reports", exists_ok=True)
    ```

    ## Use instead
    ```python
    import os

    os.makedirs("build/reports", exist_ok=True)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    state = file_state(ctx)
    found: ApiLookup | None = None
    if isinstance(node.func, ast.Attribute):
        found = method_lookup(node.func, ctx, state)
    if found is None:
        target = (
            attribute_target(node.func, ctx, state)
            if isinstance(node.func, ast.Attribute)
            else _name_target(node.func, ctx, state)
        )
        if target is None or not checkable(target.split(".")[0], ctx):
            return
        prefetch(ctx, state)
        found = resolver().lookup(target)
    if found.status != "exists" or found.signature is None or guarded(node, ctx):
        return
    keywords = [k.arg for k in node.keywords if k.arg is not None]
    problems = signature_problems(
        found.signature,
        positional=sum(1 for a in node.args if not isinstance(a, ast.Starred)),
        keywords=keywords,
        star_args=any(isinstance(a, ast.Starred) for a in node.args),
        star_kwargs=any(k.arg is None for k in node.keywords),
        drop_first=not found.bound,
    )
    if not problems:
        return
    parameters = [p[0] for p in found.signature][0 if found.bound else 1 :]
    unknown = [k for k in keywords if k not in parameters]
    closest = {k: closest_names(k, parameters) for k in unknown}
    hint = "".join(f"; did you mean `{c[0]}=` for `{k}=`?" for k, c in closest.items() if c)
    evidence: dict[str, Any] = {
        "callable": found.qualname,
        "problems": problems,
        "parameters": parameters,
        "closest": {k: c for k, c in closest.items() if c},
    }
    if found.via is not None and isinstance(node.func, ast.Attribute):
        evidence |= {"receiver": ast.unparse(node.func.value), "inferred_by": found.via}
    yield ctx.finding(
        node,
        f"`{ast.unparse(node.func)}(...)`: {problems[0]}{hint}",
        evidence=evidence,
        autofix=_keyword_fix(node, closest, keywords),
    )


def _keyword_fix(node: ast.Call, closest: dict[str, list[str]], keywords: list[str]) -> Fix | None:
    """The rename of the one unknown keyword that has exactly one close real parameter not
    passed already (two typos, or two candidates, are a person's call). Safe: the call
    raises TypeError on every run as written, so no working behaviour can change."""
    if len(closest) != 1:
        return None
    ((wrong, options),) = closest.items()
    if len(options) != 1 or options[0] in keywords:
        return None
    keyword = next(k for k in node.keywords if k.arg == wrong)
    return renaming_keyword(keyword, options[0], f"Rename `{wrong}=` to `{options[0]}=`")


def _name_target(func: ast.expr, ctx: Context, state: FileState) -> str | None:
    if not isinstance(func, ast.Name):
        return None
    if func.id not in ctx.imports and func.id not in _BUILTIN_NAMES:
        return None
    if rebound(func, ctx, state):
        return None
    target = ctx.qualname(func)
    if target is None and func.id in _BUILTIN_NAMES:
        return f"builtins.{func.id}"
    return target
