"""AS306 `eval-of-input`: code injection through eval/exec."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import FunctionFlow, module_flows
from assay.rules.security._common import _argument, _callee, _tainted_finding
from assay.rules.security._sinks import _USER, _tainted

__all__: list[str] = []


_EVAL_FUNCTIONS = frozenset({"eval", "exec", "builtins.eval", "builtins.exec"})
_COMPILE = frozenset({"compile", "builtins.compile"})
_CODE_TYPE = frozenset({"types.CodeType", "CodeType"})
#: The fields of a code object that decide what it runs; the rest (its name, file name,
#: line table, flags) only change how a traceback describes it.
_CODE_FIELDS = frozenset({"co_code", "co_consts", "co_names"})
_DEPTH = 6


def _code_texts(
    ctx: Context, expr: ast.AST, flows: FunctionFlow, line: int, depth: int = 0
) -> list[ast.AST]:
    """The expressions whose text becomes the code `expr` runs: through local names,
    `compile(text, ...)`, `code.replace(co_name=...)` and `CodeType(code.co_code, ...)`,
    which keep the instructions of the code object they start from."""
    if depth > _DEPTH:
        return [expr]
    if isinstance(expr, ast.Name):
        values = flows.assigned_values(expr.id, line)
        if not values:
            return [expr]
        return [
            text
            for value in values
            # resolved where the value was assigned: `code = code.replace(...)` refers back
            for text in _code_texts(ctx, value, flows, getattr(value, "lineno", line), depth + 1)
        ]
    if not isinstance(expr, ast.Call):
        return [expr]
    callee = _callee(ctx, expr)
    if callee in _COMPILE and (source := _argument(expr, 0, "source")) is not None:
        return [source]
    func = expr.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "replace"
        and not expr.args
        and all(k.arg is not None and k.arg not in _CODE_FIELDS for k in expr.keywords)
    ):
        return _code_texts(ctx, func.value, flows, line, depth + 1)
    if callee in _CODE_TYPE:
        fields = [
            a.value for a in expr.args if isinstance(a, ast.Attribute) and a.attr in _CODE_FIELDS
        ]
        if fields:
            return [t for f in fields for t in _code_texts(ctx, f, flows, line, depth + 1)]
    return [expr]


def _text_parts(expr: ast.AST) -> list[ast.AST]:
    """The parts of a code text that can contribute characters: a constant string repeated
    by a count (`"\\n" * (lineno - 1)`) contributes only that constant, whatever the count."""
    if isinstance(expr, ast.BinOp):
        if isinstance(expr.op, ast.Mult) and any(
            isinstance(side, ast.Constant) and isinstance(side.value, (str, bytes))
            for side in (expr.left, expr.right)
        ):
            return []
        if isinstance(expr.op, ast.Add):
            return [*_text_parts(expr.left), *_text_parts(expr.right)]
    if isinstance(expr, ast.Constant):
        return []
    return [expr]


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
    Constant code strings stay silent, and so does code whose text is constant apart from a
    repetition count (`compile("\\n" * (lineno - 1) + "raise error", ...)`: a parameter that
    only says how often a constant repeats cannot add code) or whose code object is only
    renamed (`code.replace(co_name=...)`).

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
    line = node.lineno
    flows = module_flows(ctx).of(node)
    parts = [p for text in _code_texts(ctx, code, flows, line) for p in _text_parts(text)]
    if not parts:
        return
    tainted = None
    for part in parts:
        tainted = _tainted(ctx, part, node, (*_USER, "input"))
        if tainted is not None:
            break
    if tainted is None:
        return
    flow, _ = tainted
    from_outside = bool(flow.from_kinds(("request", "input")))
    sink = node.func.id
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _USER,
        lambda source: f"{sink}() runs code taken from {source}",
        severity=None if from_outside else Severity.WARNING,
        evidence={"sink": sink, "code": ctx.segment(code)},
        fix="Parse instead of executing: ast.literal_eval() for literals, a small expression "
        "parser or a dispatch table for operations.",
    )
