"""Disagreement: one implementation behaves differently from the others of the same task (AS7xx).

These rules are declared here without a body: `assay.behaviour.crosscheck` runs every candidate on the same
inputs, clusters them by behaviour and reports the candidates outside the winning
behaviour. They fire in `assay compare TASK CANDIDATE...`, in `assay.compare(...)`, in the
benchmark harness, and in `assay check` on a file that holds several versions of one
function side by side (``median_v1``, ``median_v2``, ``median_v3``: same stem plus
``_v<N>``, same parameters), which is how a single file can carry N candidates.
"""

from __future__ import annotations

from assay.model import Family, Severity
from assay.rules._registry import declare

__all__: list[str] = []


declare(
    id="AS701",
    name="disagrees-with-consensus",
    family=Family.DISAGREEMENT,
    severity=Severity.ERROR,
    module=__name__,
    docs="""This implementation returns something else than the winning behaviour on some input.

    ## What it finds
    Candidates outside the best-scored behaviour cluster (size × spec examples passed ×
    down-weighted extra tests), with the input that tells them apart, what they return
    there, what the winning candidates return, and how many candidates side with each. It
    is an error when the winning behaviour passes every spec example or is a majority, and
    a warning otherwise (a plurality can be wrong). Inputs on which a quarter or more of the
    candidates raise are outside the task's clear domain and never count, and inputs nobody
    stated (boundaries, ties and swaps built from the examples, and random draws among three
    or more programs) count only where two thirds of the candidates give the same answer. A consensus may overrule a docstring
    example that no candidate meets, but never a test (an ``assert`` line or a pytest
    file): a failing test fails for the user however many candidates agree. A candidate that
    differs only by raising where the winners answer, on edge inputs (empty, zero, one
    element, random draws) or with a ``raise`` of its own (it validates its input), gets a
    warning and stays accepted: tasks seldom pin those down, and declining an input is not
    a wrong answer.

    ## Why it matters for AI-written code
    A wrong program that passes the examples is the dangerous kind: it looks done. Other
    samples of the same task, from the same or other models, rarely make the same mistake,
    so disagreement on a concrete input is the counterexample a reviewer can check by hand.

    ## Example
    ```python
    def median_v1(xs: list[int]) -> float:
        \"\"\"The median of a non-empty list.\"\"\"
        s = sorted(xs)
        mid = len(s) // 2
        return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


    def median_v2(xs: list[int]) -> float:
        \"\"\"The median of a non-empty list.\"\"\"
        s = sorted(xs)
        n = len(s)
        return (s[(n - 1) // 2] + s[n // 2]) / 2


    def median_v3(xs: list[int]) -> float:
        \"\"\"The median of a non-empty list.\"\"\"
        return sorted(xs)[len(xs) // 2]
    ```

    ## Use instead
    ```python
    def median_v1(xs: list[int]) -> float:
        \"\"\"The median of a non-empty list.\"\"\"
        s = sorted(xs)
        mid = len(s) // 2
        return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


    def median_v2(xs: list[int]) -> float:
        \"\"\"The median of a non-empty list.\"\"\"
        s = sorted(xs)
        n = len(s)
        return (s[(n - 1) // 2] + s[n // 2]) / 2
    ```
    """,
)
