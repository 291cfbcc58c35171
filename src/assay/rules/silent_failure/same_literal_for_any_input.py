"""AS408: the same literal for any input. A dynamic rule whose body is called:
`assay.behaviour.stages.constant_output` runs the function and reports what it saw here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assay.model import Family, Finding, Severity
from assay.rules._registry import rule
from assay.rules.silent_failure._common import FunctionNode

__all__ = ["same_literal_for_any_input"]


@rule(
    id="AS408", name="same-literal-for-any-input", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, kind="dynamic",
)  # fmt: skip
def same_literal_for_any_input(
    path: str, function: FunctionNode, evidence: dict[str, Any]
) -> Iterator[Finding]:
    """A function reads its inputs but returns the same literal for every input tried.

    ## What it finds
    Top-level functions whose every `return` is literal data (numbers, text, containers,
    value objects such as `Decimal("9.99")`) and which do use their parameters — so AS404
    stays silent — but which returned one and the same value when assay called them in the
    sandbox with at least three different inputs (from type hints and examples, else a spread
    of plain values). The calls and the output are the evidence. Functions returning only
    bools or None, and functions that read files, the network, the clock or a random
    generator, are not called. The same probe confirms AS404 findings
    (`evidence["dynamic"]`). Where the behaviour probe already reported the function as
    AS606 (constant output against its examples or return hint), AS408 is not repeated.

    ## Why it matters for AI-written code
    The input is checked, logged or parsed — so the function looks busy — and then a sample
    answer is returned. A unit test with that sample passes.

    ## Example
    ```python
    def unit_price(sku: str) -> float:
        if not sku:
            raise ValueError("sku is required")
        return 9.99
    ```

    ## Use instead
    ```python
    PRICES = {"A-1": 9.99, "B-2": 14.5}


    def unit_price(sku: str) -> float:
        if not sku:
            raise ValueError("sku is required")
        return PRICES[sku]
    ```
    """
    # Dynamic: `assay.behaviour.stages.constant_output` runs the function and calls this with what it saw.
    yield Finding(
        rule="AS408",
        family=Family.SILENT_FAILURE,
        severity=Severity.WARNING,
        path=path,
        line=function.lineno,
        col=function.col_offset,
        message=(
            f"{function.name}() returned {evidence['output']} for all "
            f"{len(evidence['calls'])} different inputs tried"
        ),
        evidence={"function": function.name, **evidence},
        fix="Compute the result from the inputs; if this is sample data, raise "
        "NotImplementedError instead so no caller mistakes it for a real answer.",
        function=function.name,
    )
