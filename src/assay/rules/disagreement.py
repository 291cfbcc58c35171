"""Disagreement: one implementation behaves differently from the others of the same task (AS7xx).

These rules are declared here without a body: `assay.behaviour.crosscheck` runs every candidate on the same
inputs, clusters them by behaviour and reports the candidates outside the winning
behaviour. They fire in `assay compare TASK CANDIDATE...`, in `assay.compare(...)`, in the
benchmark harness, and in `assay check` on a file that holds several versions of one
function side by side (``median_v1``, ``median_v2``, ``median_v3``: same stem plus
``_v<N>``, same parameters), which is how a single file can carry N candidates.

AS702 and AS703 compare two versions of one module instead (`assay.behaviour.diff`): in
`assay diff OLD NEW`, `assay.diff(...)`, and `assay check --base REV`.
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


declare(
    id="AS702",
    name="behaviour-changed",
    family=Family.DISAGREEMENT,
    severity=Severity.ERROR,
    module=__name__,
    docs="""The new version of a function does something else than the old one on some input.

    ## What it finds
    With ``assay diff OLD.py NEW.py`` or ``assay check --base REV``, the functions of the two
    versions are matched by qualified name (renames by body similarity) and every pair whose
    code or dependencies changed runs on the same inputs in the sandbox: the old and new
    docstring examples, inputs built from the annotations and from the constants the code
    compares with, and the literal calls of the function in the module and the repository's
    tests. A finding names the input where the results differ, shrunk to the smallest one
    that still shows it, with both results: a different value, a different exception, an
    argument changed in place, different printed output. A change declared with
    ``--allow-change NAME``, a "Behaviour change: ..." line in the new docstring, or (against
    a git revision) such a line naming the function in a commit message since that
    revision is reported as information. So is a difference seen only outside the domain
    the old docstring states ("a positive integer n", "a string of '(' and ')'", "1 <=
    len(arr) <= 100"): inputs are drawn inside it first. A new version that no longer
    parses, or no longer defines a public function, differs without a run.

    ## Why it matters for AI-written code
    Most AI-written code is an edit: "refactor this", "make it faster", "clean this up". The
    rewrite reads better, passes the one test that exists, and returns something else for
    the inputs nobody tried (an off-by-one in a slice, a dropped ``None`` guard, another
    rounding mode). A concrete input with the old and the new result is the review comment
    a reader can check in seconds.

    ## Example
    ```python
    def last_n(items: list[int], n: int) -> list[int]:
        \"\"\"The last n items, in order.\"\"\"
        return items[len(items) - n + 1 :]
    ```

    ## Use instead
    ```python
    def last_n(items: list[int], n: int) -> list[int]:
        \"\"\"The last n items, in order.\"\"\"
        return items[len(items) - n :]
    ```
    """,
)


declare(
    id="AS703",
    name="performance-regressed",
    family=Family.DISAGREEMENT,
    severity=Severity.WARNING,
    confidence="medium",
    module=__name__,
    docs="""The new version of a function grows clearly slower with its input than the old one.

    ## What it finds
    With ``assay diff`` or ``assay check --base REV``, each changed pair whose arguments can
    be sized (collections and strings from the annotations or a docstring example) is timed
    at 64, 128, ... elements in one sandbox job, old and new interleaved, five repetitions
    per size with the minimum kept. It is reported when the fitted growth exponents differ
    by at least 0.5, the new one is at least linear, the new version is at least twice as
    slow at the largest size, and a second measurement confirms it: "the new version is
    quadratic where the old one was linear", with both timing series.

    ## Why it matters for AI-written code
    A rewrite that "simplifies" a set into a list, or moves a sort into a loop, returns the
    same results and passes every test written with ten elements; it only shows at the size
    production data has. Both versions measured side by side make the regression a number.

    ## Example
    ```python
    def dedupe(items: list[int]) -> list[int]:
        seen = []
        kept = []
        for item in items:
            if item not in seen:
                seen.append(item)
                kept.append(item)
        return kept
    ```

    ## Use instead
    ```python
    def dedupe(items: list[int]) -> list[int]:
        seen = set()
        kept = []
        for item in items:
            if item not in seen:
                seen.add(item)
                kept.append(item)
        return kept
    ```
    """,
)
