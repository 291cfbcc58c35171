"""AS406: ``assert`` as validation."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context, qualified_name
from assay.rules._registry import rule
from assay.rules._support.naming import is_test_path
from assay.rules.silent_failure._common import parameter_names

__all__: list[str] = []


def _narrowing(test: ast.expr) -> bool:
    """``assert isinstance(x, T)`` / ``assert x is not None`` without a message: the idiom
    that narrows a type for a type checker, not a check written for callers."""
    if isinstance(test, ast.Call) and qualified_name(test.func) == "isinstance":
        return True
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


@rule(
    id="AS406", name="assert-validates-input", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, nodes=(ast.Assert,),
)  # fmt: skip
def assert_validates_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """`assert` checks a function's arguments; `python -O` removes the check.

    ## What it finds
    `assert` statements outside test code whose condition reads a parameter of the enclosing
    public function (`assert amount > 0`, `assert isinstance(user, User), "need a User"`).
    Asserts in tests, in private helpers (`_name`), on local invariants that do not involve
    parameters, and the message-less type-narrowing idioms (`assert isinstance(x, T)`,
    `assert x is not None`) stay silent.

    ## Why it matters for AI-written code
    Assistants use `assert` as a compact guard. Under `python -O` (common in containers and
    some deployment tools) every assert disappears, and invalid input flows on unchecked.

    ## Example
    ```python
    def withdraw(account, amount):
        assert amount > 0, "amount must be positive"
        account.balance -= amount
    ```

    ## Use instead
    ```python
    def withdraw(account, amount):
        if amount <= 0:
            raise ValueError(f"amount must be positive, got {amount!r}")
        account.balance -= amount
    ```
    """
    if not isinstance(node, ast.Assert) or is_test_path(ctx.path):
        return
    function = ctx.enclosing_function(node)
    if function is None or (function.name.startswith("_") and not function.name.startswith("__")):
        return
    if node.msg is None and _narrowing(node.test):
        return
    parameters = set(parameter_names(function))
    checked = sorted({n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)} & parameters)
    if not checked:
        return
    yield ctx.finding(
        node,
        f"`assert {ctx.segment(node.test)}` validates {', '.join(checked)} of "
        f"{function.name}(); the check vanishes under python -O",
        evidence={"function": function.name, "parameters": checked, "assert": ctx.segment(node)},
        fix="Raise an exception instead: if not <condition>: raise ValueError(...) "
        "(TypeError for wrong types).",
    )
