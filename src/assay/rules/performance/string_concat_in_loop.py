"""AS503 string-concat-in-loop: building a string with ``+=`` inside a loop."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.performance._loops import (
    bindings_of,
    enclosing_loop,
    is_inside,
    loop_finding,
    scope_of,
)

__all__ = ["string_concat_in_loop"]


@rule(
    id="AS503",
    name="string-concat-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.AugAssign,),
)
def string_concat_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Building a string with ``+=`` inside a loop.

    ## What it finds
    ``text += ...`` inside a loop, where ``text`` was initialised to a string or bytes literal
    (or an f-string, ``str(...)``, ``"sep".join(...)``) in the same function. Strings are
    immutable: each ``+=`` may copy everything built so far. For ``bytes`` that is always so
    (a warning when the loop runs over the input); for ``str`` CPython usually resizes in
    place, so it is reported at info. Numeric ``+=`` and list appends stay silent.

    ## Why it matters for AI-written code
    Report builders, CSV writers and binary protocol encoders from assistants accumulate
    output this way; CPython's in-place optimisation for ``str`` hides the cost until a
    second reference, ``bytes`` or another interpreter appears.

    ## Example
    ```python
    def to_csv(rows):
        out = ""
        for row in rows:
            out += ",".join(row) + "\\n"
        return out
    ```

    ## Use instead
    ```python
    def to_csv(rows):
        return "".join(",".join(row) + "\\n" for row in rows)
    ```
    """
    if not isinstance(node, ast.AugAssign):
        return
    if not isinstance(node.op, ast.Add) or not isinstance(node.target, ast.Name):
        return
    loop = enclosing_loop(node, ctx)
    if loop is None:
        return
    bindings = bindings_of(scope_of(node, ctx), node.target.id)
    initial = [v for b, v in bindings if not is_inside(b, loop) and v is not None]
    if not initial or not all(_is_string(v) for v in initial):
        return
    is_bytes = all(isinstance(v, ast.Constant) and isinstance(v.value, bytes) for v in initial)
    kind = "bytes" if is_bytes else "string"
    yield loop_finding(
        ctx,
        node,
        loop,
        f"{kind} {node.target.id!r} is built with += inside a loop (each step may copy the "
        f"whole {kind})",
        f"collect the pieces in a list and {kind[0] if is_bytes else ''}''.join(pieces) once "
        "after the loop (or use io.StringIO / bytearray)",
        self_quadratic=is_bytes,
        variable=node.target.id,
    )


def _is_string(value: ast.AST) -> bool:
    """A str literal, f-string, ``str(...)``, ``"sep".join(...)`` or a ``+`` involving one."""
    if isinstance(value, ast.JoinedStr):
        return True
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (str, bytes))
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _is_string(value.left) or _is_string(value.right)
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Name):
            return func.id == "str"
        return isinstance(func, ast.Attribute) and func.attr == "join" and _is_string(func.value)
    return False
