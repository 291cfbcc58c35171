"""AS404: hard-coded results."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.naming import is_test_path
from assay.rules.silent_failure._common import FunctionNode
from assay.rules.silent_failure._literals import hardcoded_candidates
from assay.rules.silent_failure._stubs import stub_kind
from assay.syntax import own_nodes

__all__: list[str] = []


def _returns(function: FunctionNode) -> list[ast.Return]:
    return [n for n in own_nodes(function.body) if isinstance(n, ast.Return)]


def _dispatch_method(parent: ast.AST | None, function: FunctionNode) -> bool:
    """A method whose parameter list it shares with sibling methods (a visitor's
    ``date_schema(self, schema)`` / ``time_schema(self, schema)``): the signature is fixed by
    the dispatcher, so an unread parameter says nothing."""
    if not isinstance(parent, ast.ClassDef):
        return False
    mine = [a.arg for a in function.args.args]
    siblings = [
        s
        for s in parent.body
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s is not function
    ]
    return sum([a.arg for a in s.args.args] == mine for s in siblings) >= 2


@rule(
    id="AS404", name="hardcoded-result", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, kind="module",
)  # fmt: skip
def hardcoded_result(ctx: Context) -> Iterator[Finding]:
    """A function ignores its inputs and returns hard-coded data.

    ## What it finds
    Functions with parameters that never read any of them, and whose every `return` is
    literal data (`return {"temp": 21.5, "condition": "sunny"}`, `return [1, 2, 3]`,
    `return 42`): the output is the same whatever the caller passes. Not reported: functions
    that only return True/False (hooks and default policies), methods of classes that
    implement an interface (any base class) or that share their parameter list with sibling
    methods (visitor dispatch), abstract/overloaded functions, and test files. With dynamic checks on, assay calls the function in the
    sandbox with varied inputs and attaches the observed outputs as evidence.

    ## Why it matters for AI-written code
    When an assistant cannot do the real work (no API access, unknown schema), it often
    returns sample data "for demonstration" in exactly the expected format — and the code
    passes a glance and a smoke test.

    ## Example
    ```python
    def get_weather(city):
        # In a real application this would call a weather API.
        return {"city": "London", "temperature": 18.5, "condition": "cloudy"}
    ```

    ## Use instead
    ```python
    import requests

    def get_weather(city):
        response = requests.get("https://api.example.com/weather", params={"q": city}, timeout=5)
        response.raise_for_status()
        return response.json()
    ```
    """
    if is_test_path(ctx.path):
        return
    for function, parameters in hardcoded_candidates(ctx.tree):
        parent = ctx.parent(function)
        if isinstance(parent, ast.ClassDef) and (parent.bases or parent.keywords):
            continue
        if _dispatch_method(parent, function):
            continue
        if stub_kind(ctx, function) is not None:
            continue  # a placeholder marked TODO is AS403's
        returned = [ctx.segment(r.value) for r in _returns(function) if r.value is not None]
        yield ctx.finding(
            function,
            f"{function.name}() never reads {', '.join(parameters)} and returns hard-coded "
            f"data ({_shorten(returned[0])})",
            evidence={"function": function.name, "unused": parameters, "returns": returned},
            fix="Compute the result from the inputs (or fetch it); if this is sample data, "
            "raise NotImplementedError instead so no caller mistakes it for a real answer.",
        )


def _shorten(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
