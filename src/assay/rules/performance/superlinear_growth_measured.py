"""AS509 superlinear-growth-measured: declared here, reported by
`assay.behaviour.stages.complexity` from timings at growing input sizes."""

from __future__ import annotations

from assay.model import Family, Severity
from assay.rules._registry import declare

__all__: list[str] = []


declare(
    id="AS509",
    name="superlinear-growth-measured",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    confidence="medium",
    module=__name__,
    docs="""A function whose measured running time grows faster than its output justifies.

    ## What it finds
    Functions assay can feed at a chosen size (type hints such as ``list[int]``, ``str``,
    ``dict[str, int]``) are timed in the sandbox at doubling sizes (64, 128, ... elements;
    five repetitions, the minimum kept) and the growth exponent is fitted on a log-log
    scale (`assay.behaviour.stages.complexity`). It is reported when the exponent is at least 1.5
    while the result grows at most linearly (so an ``O(n log n)`` version exists), or when
    another version of the function in the same file (``f_v1`` / ``f_v2``) grows at least
    0.5 lower. Evidence: the timing series and the fitted exponents.

    ## Why it matters for AI-written code
    Static shapes miss quadratic work hidden in helpers or library calls; the clock does
    not. Generated code is usually tried on a handful of elements, where n² and n log n
    look the same.

    ## Example
    ```python
    def count_repeats(values: list[int]) -> int:
        repeats = 0
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                if values[i] == values[j]:
                    repeats += 1
                    break
        return repeats
    ```

    ## Use instead
    ```python
    def count_repeats(values: list[int]) -> int:
        return len(values) - len(set(values))
    ```
    """,
)
