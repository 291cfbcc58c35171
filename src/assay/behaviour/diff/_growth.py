"""Did the new version get slower in kind: both timed at growing sizes, in one job.

The arguments come from `sized_arguments` of the complexity stage (collections and strings
of 64, 128, ... elements, from the annotations or the docstring example's values). Both
versions run in the same sandbox job, interleaved per repetition (old, new, old, new, ...)
so that a disturbance of the machine hits both alike; the minimum per size is kept, and
sizes grow until one call takes `TIME_BUDGET_S`. A regression is reported only when the
fitted exponents differ by `ALTERNATIVE_MARGIN` or more, the new exponent reaches at least
linear growth where the old one stayed below it by that margin, the new version is at
least `SLOWER` times slower at the largest size, and a second measurement (merged with
the first, the faster time per size) still shows all of it.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

from assay.behaviour.diff._types import GrowthChange
from assay.behaviour.stages.complexity import (
    ALTERNATIVE_MARGIN,
    REPEATS,
    SIZES,
    TIME_BUDGET_S,
    fit_exponent,
    sized_arguments,
)
from assay.sandbox import Call, Job, Limits, Sandbox

__all__ = ["SLOWER", "measure_pair"]

#: The new version must be at least this many times slower at the largest common size.
SLOWER = 2.0
#: Times below this are the timer and the call, not the algorithm (the complexity stage's
#: `MIN_FIT_SECONDS`): not fitted.
_MIN_FIT_SECONDS = 2e-5
_HARNESS = """
def _assay_pair_growth_(sources, names, series, repeats, budget):
    import copy as _copy
    import time as _time
    functions = []
    for text, name in zip(sources, names):
        space = {"__name__": "__assay_side__"}
        exec(compile(text, "<" + name + ">", "exec"), space)
        found = space[name.split(".")[0]]
        for part in name.split(".")[1:]:
            found = getattr(found, part)
        functions.append(found)
    points = []
    for size, args in series:
        best = [None, None]
        for _ in range(repeats):
            for side, function in enumerate(functions):
                fresh = _copy.deepcopy(args)
                start = _time.perf_counter()
                function(*fresh)
                elapsed = _time.perf_counter() - start
                best[side] = elapsed if best[side] is None else min(best[side], elapsed)
        points.append([size, best[0], best[1]])
        if max(best) > budget:
            break
    return points
"""


def _series(
    old: ast.FunctionDef, new: ast.FunctionDef, seed: int
) -> list[tuple[int, tuple[Any, ...]]]:
    series = []
    for size in SIZES:
        arguments = sized_arguments(old, size, seed=seed, hints=new)
        if arguments is None:
            break
        series.append((size, arguments))
    return series


def _once(
    sources: tuple[str, str],
    names: tuple[str, str],
    series: list[tuple[int, tuple[Any, ...]]],
    sandbox: Sandbox,
    timeout_s: float,
) -> list[tuple[int, float, float]] | None:
    job = Job(
        source=_HARNESS,
        calls=(
            Call.function(
                "_assay_pair_growth_", list(sources), list(names), series, REPEATS, TIME_BUDGET_S
            ),
        ),
        limits=Limits(timeout_s=timeout_s, memory_mb=512),
        name="diff-growth",
    )
    result = sandbox.run(job)
    if not result.import_outcome.ok or not result.outcomes or not result.outcomes[0].ok:
        return None
    points = result.outcomes[0].value
    if not isinstance(points, list):
        return None
    rows = [
        (int(p[0]), float(p[1]), float(p[2]))
        for p in points
        if isinstance(p, list)
        and len(p) == 3
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in p)
    ]
    return rows or None


def _exponent(sizes: Sequence[int], seconds: Sequence[float]) -> float | None:
    fitted = [(n, s) for n, s in zip(sizes, seconds, strict=True) if s >= _MIN_FIT_SECONDS]
    if len(fitted) < 2:
        return None
    return fit_exponent([n for n, _ in fitted], [s for _, s in fitted])


def _change(rows: list[tuple[int, float, float]]) -> GrowthChange:
    sizes = tuple(n for n, _, _ in rows)
    old_seconds = tuple(o for _, o, _ in rows)
    new_seconds = tuple(s for _, _, s in rows)
    old_exponent = _exponent(sizes, old_seconds)
    new_exponent = _exponent(sizes, new_seconds)
    # Below the timer at every size, the old version counts as constant time.
    old_for_comparison = old_exponent if old_exponent is not None else 0.0
    regressed = (
        new_exponent is not None
        and new_exponent >= 1.0
        and new_exponent - old_for_comparison >= ALTERNATIVE_MARGIN
        and len(sizes) >= 3
        and new_seconds[-1] >= SLOWER * max(old_seconds[-1], _MIN_FIT_SECONDS)
    )
    return GrowthChange(
        sizes=sizes,
        old_seconds=old_seconds,
        new_seconds=new_seconds,
        old_exponent=old_exponent,
        new_exponent=new_exponent,
        regressed=regressed,
    )


def measure_pair(
    sources: tuple[str, str],
    names: tuple[str, str],
    nodes: tuple[ast.FunctionDef, ast.FunctionDef],
    *,
    sandbox: Sandbox,
    seed: int = 0,
    timeout_s: float = 20.0,
) -> GrowthChange | None:
    """Both versions' timing series and whether the new one regressed; None when the
    arguments cannot be sized (only scalars, unknown types) or a version fails on them.

    Args:
        sources: the old and the new module.
        names: the functions' qualified names in them.
        nodes: the functions' nodes (their annotations size the arguments).
        sandbox: where both run, in one job per measurement.
        seed: makes the sized arguments reproducible.
        timeout_s: limit for one measurement.
    """
    series = _series(nodes[0], nodes[1], seed)
    if len(series) < 3:
        return None
    first = _once(sources, names, series, sandbox, timeout_s)
    if first is None:
        return None
    change = _change(first)
    if not change.regressed:
        return change
    # One disturbed series must not make a regression: measure again, keep the faster
    # time per size and side over the sizes both runs reached.
    second = _once(sources, names, series, sandbox, timeout_s)
    if second is None:
        return change
    again = {n: (o, s) for n, o, s in second}
    merged = [(n, min(o, again[n][0]), min(s, again[n][1])) for n, o, s in first if n in again]
    return _change(merged)
