"""AS306 `eval-of-input`: code injection through eval/exec."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _argument, _finding
from assay.rules.security._sinks import _USER, _flow_evidence, _source_text, _tainted

__all__: list[str] = []


_EVAL_FUNCTIONS = frozenset({"eval", "exec", "builtins.eval", "builtins.exec"})


@rule(
    id="AS306", name="eval-of-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=95,
)  # fmt: skip
def eval_of_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """`eval`/`exec`/`compile` run code that comes from input or a parameter (CWE-95).

    ## What it finds
    Calls of the builtins `eval` and `exec` whose code argument comes from request data,
    `input()` or `sys.argv` (error), or from a parameter of the enclosing function (warning:
    the callers decide what it holds), directly or via local variables and `compile(...)`.
    Constant code strings stay silent.

    ## Why it matters for AI-written code
    "Evaluate the user's arithmetic expression" is answered with `eval(expr)`: the user can
    then call `__import__("os").system(...)`.

    ## Example
    ```python
    def calculate(expression):
        return eval(expression)
    ```

    ## Use instead
    ```python
    import ast

    def parse_literal(text):
        return ast.literal_eval(text)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    if not isinstance(node.func, ast.Name) or node.func.id not in _EVAL_FUNCTIONS:
        return
    if node.func.id in ctx.imports:
        return
    code = _argument(node, 0, "source", "expression", "object")
    if code is None:
        return
    tainted = _tainted(ctx, code, node, (*_USER, "input"))
    if tainted is None:
        return
    flow, _ = tainted
    from_outside = bool(flow.from_kinds(("request", "input")))
    yield _finding(
        ctx,
        node,
        f"{node.func.id}() runs code taken from {_source_text(flow, _USER)}",
        severity=None if from_outside else Severity.WARNING,
        evidence={"sink": node.func.id, "code": ctx.segment(code), **_flow_evidence(flow, _USER)},
        fix="Parse instead of executing: ast.literal_eval() for literals, a small expression "
        "parser or a dispatch table for operations.",
    )
