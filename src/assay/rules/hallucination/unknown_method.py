"""AS103 unknown-method: a method or attribute that an object of an evident type does not have."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from assay.knowledge.resolve import PYTHON_VERSION, installed_version
from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.hallucination._common import guarded, method_lookup
from assay.rules.hallucination._file_state import file_state

__all__ = ["unknown_method"]

#: What an assistant usually meant by a method name borrowed from another language.
_FOREIGN_METHODS = {
    "push": "append",
    "contains": "the `in` operator",
    "includes": "the `in` operator",
    "has_key": "the `in` operator",
    "toUpperCase": "upper",
    "toLowerCase": "lower",
    "trim": "strip",
    "trimStart": "lstrip",
    "trimEnd": "rstrip",
    "length": "len(...)",
    "size": "len(...)",
    "indexOf": "index or find",
    "startsWith": "startswith",
    "endsWith": "endswith",
    "forEach": "a for loop",
    "substring": "slicing",
    "equals": "==",
    "charAt": "indexing",
    "isEmpty": "`not value`",
    "putAll": "update",
    "addAll": "extend",
    "removeAll": "a comprehension",
    "toString": "str(...)",
    "read": "read_text or read_bytes",
    "write": "write_text or write_bytes",
}


@rule(
    id="AS103",
    name="unknown-method",
    family=Family.HALLUCINATION,
    severity=Severity.ERROR,
    nodes=(ast.Attribute,),
)
def unknown_method(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A method or attribute that an object of an evident type does not have.

    ## What it finds
    Attribute access on a receiver whose type is evident from the source: a `str`, `bytes`,
    `list`, `dict`, `set` or `tuple` literal or comprehension, an f-string,
    `pathlib.Path(...)`, or a name annotated with one of those types (`text: str`), where
    the type has no such attribute in the running Python. Receivers whose type the source
    does not state (`requests.get(url)`, `df["x"].dropna()`, `with engine.connect() as
    conn`, a local function's result) are typed by jedi's static inference over the
    installed packages, and the class is then described as really installed; an inference
    with several candidate types, or a class whose instances get attributes at run time
    (`__getattr__`, `setattr(self, ...)` in a loop), stays silent. A `__getattr__` that only
    serves the object's items (pandas' `df.column`) still lets a *called* missing method be
    reported.

    ## Why it matters for AI-written code
    Assistants borrow method names from other languages and libraries: `str.contains`,
    `list.push`, `dict.has_key` (removed in Python 3), `Path.read()`. Each is an
    `AttributeError` at run time.

    ## Example
    ```python
    def shout(text: str) -> str:
        return text.toUpperCase()
    ```

    ## Use instead
    ```python
    def shout(text: str) -> str:
        return text.upper()
    ```
    """
    if not isinstance(node, ast.Attribute):
        return
    state = file_state(ctx)
    found = method_lookup(node, ctx, state)
    if found is None or found.status != "missing" or guarded(node, ctx):
        return
    closest = [f"{found.owner}.{c}" for c in found.closest]
    hint = f"; closest: {', '.join(f'`{c}`' for c in closest)}" if closest else ""
    evidence: dict[str, Any] = {
        "missing": found.missing,
        "type": found.owner,
        "closest": closest,
        "python": PYTHON_VERSION,
    }
    where = f"Python {PYTHON_VERSION}"
    if found.via is not None:
        # The source does not state the type: say how it was found and which release lacks it.
        top = (found.owner or "").partition(".")[0]
        version = installed_version(top)
        where = f"{top} {version}" if version else where
        evidence |= {"receiver": ast.unparse(node.value), "inferred_by": found.via}
        if version:
            evidence["installed"] = f"{top} {version}"
    meant = _FOREIGN_METHODS.get(node.attr)
    if meant is not None:
        evidence["python_equivalent"] = meant
        hint += f"; in Python use {meant}"
    inferred = (
        f" (`{ast.unparse(node.value)}` is inferred to be a `{found.owner}`)"
        if found.via is not None
        else ""
    )
    yield ctx.finding(
        node,
        f"`{found.missing}` does not exist in {where}{inferred}{hint}",
        evidence=evidence,
        fix=f"use {meant or closest[0]}" if meant or closest else None,
    )
