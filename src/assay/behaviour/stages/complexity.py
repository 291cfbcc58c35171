"""Empirical complexity (AS509) and runtime deprecation warnings (AS203), measured in the sandbox.

For every top-level function whose parameters assay can fill at a chosen *size* (type hints
such as ``list[int]``, ``str``, ``dict[str, int]``, ``set[int]``, or the literal arguments of
a docstring example such as ``>>> dedupe([3, 1, 3])``), `measure_growth` times
the function at growing sizes inside the sandbox (several repetitions per size, the minimum
kept, sizes doubling until one call takes `TIME_BUDGET_S`) and fits the growth exponent by
least squares on log(time) against log(size). The size of the result is measured alongside:
work that grows faster than its own output is the signature of an avoidable quadratic step.

A function that looks superlinear is measured a second time and the two series are merged
(the faster time per size), so one disturbed run on a busy machine does not make it so.

Series whose results hold integers beyond 64 bits are not judged: their time goes into the
arbitrary-precision arithmetic the answer needs (a product of n numbers), not the algorithm.

AS509 is reported when the fitted exponent is at least `SUPERLINEAR` while the output grows
at most linearly (a sort- or hash-based ``O(n log n)`` bound is then available), or when
another version of the same function in the file (``f_v1``/``f_v2``) grows measurably
slower. Evidence: the timing series (size, seconds, output size), both exponents, and the
alternative's series when there is one.

The same sandbox job runs the function's docstring examples (``>>> ...``); every
DeprecationWarning / FutureWarning they raise in the checked file becomes an AS203 finding
(`assay.rules.deprecated.findings_from_warnings`).

Untrusted code runs only through `assay.sandbox`.
"""

from __future__ import annotations

import ast
import math
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from assay.behaviour.stages._frame import CheckedFile, Pool, Ran
from assay.model import Finding, Report
from assay.sandbox import Call, Job, Limits, Outcome, Sandbox

__all__ = [
    "RULES",
    "SIZES",
    "SUPERLINEAR",
    "Growth",
    "GrowthProbes",
    "candidate_growth_findings",
    "confirmed",
    "fit_exponent",
    "measure_growth",
    "sized_arguments",
    "with_candidate_growth",
]

#: Input sizes tried, in order, until one call takes `TIME_BUDGET_S`.
SIZES = (64, 128, 256, 512, 1024, 2048, 4096)
#: Repetitions per size; the minimum is kept (the least disturbed by other processes).
REPEATS = 5
#: Stop growing once the best time of one size exceeds this many seconds.
TIME_BUDGET_S = 0.05
#: Points below this many seconds are dominated by timer and call overhead: not fitted.
MIN_FIT_SECONDS = 2e-5
#: A fitted exponent at or above this is superlinear beyond n log n.
SUPERLINEAR = 1.5
#: Output growing at most this fast means the extra work is not inherent in the result.
LINEAR_OUTPUT = 1.2
#: A version of the function whose exponent is lower by at least this much is "better".
ALTERNATIVE_MARGIN = 0.5
#: Functions measured per file.
MAX_FUNCTIONS = 6

_VERSION = re.compile(r"^(?P<stem>[A-Za-z_]\w*?)_v\d+$")
_WORLDLY = re.compile(
    r"\b(open|input|requests|urllib|socket|subprocess|os\.system|sleep|random|time|"
    r"datetime\.now|exec|eval|__import__|sys\.stdin|shutil|sqlite3|threading|asyncio|"
    r"multiprocessing)\b"
)
_HARNESS = """
def _assay_big_(value, depth=0):
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() > 64
    if depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
        return any(_assay_big_(item, depth + 1) for item in list(value)[:100])
    return False


def _assay_growth_(name, series, repeats, budget):
    import copy as _copy
    import time as _time
    function = globals()[name]
    points = []
    for size, args in series:
        best = None
        produced = None
        big = False
        for _ in range(repeats):
            fresh = _copy.deepcopy(args)
            start = _time.perf_counter()
            result = function(*fresh)
            elapsed = _time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
            produced = len(result) if hasattr(result, "__len__") else None
            big = big or _assay_big_(result)
        points.append([size, best, produced, big])
        if best > budget:
            break
    return points
"""


@dataclass(frozen=True, kw_only=True)
class Growth:
    """A function's timing series and the fitted growth exponents."""

    function: str
    line: int
    sizes: tuple[int, ...]
    seconds: tuple[float, ...]
    output_sizes: tuple[int | None, ...]
    exponent: float | None
    output_exponent: float | None

    def series(self) -> list[dict[str, Any]]:
        """The timing series as evidence rows."""
        return [
            {"n": n, "seconds": round(s, 7), "output_size": o}
            for n, s, o in zip(self.sizes, self.seconds, self.output_sizes, strict=True)
        ]


def fit_exponent(sizes: Sequence[float], values: Sequence[float]) -> float | None:
    """Least-squares slope of log(value) against log(size); None with fewer than 3 usable
    points or less than a 4x spread of sizes."""
    points = [
        (math.log(n), math.log(v)) for n, v in zip(sizes, values, strict=True) if n > 0 and v > 0
    ]
    if len(points) < 3 or max(p[0] for p in points) - min(p[0] for p in points) < math.log(4):
        return None
    mean_x = sum(p[0] for p in points) / len(points)
    mean_y = sum(p[1] for p in points) / len(points)
    spread = sum((p[0] - mean_x) ** 2 for p in points)
    return sum((p[0] - mean_x) * (p[1] - mean_y) for p in points) / spread


# ---------------------------------------------------------------- size-scaled inputs


def _element(kind: str, rng: random.Random, size: int) -> Any:
    if kind == "int":
        return rng.randrange(size)
    if kind == "float":
        return rng.random() * size
    if kind == "str":
        return "".join(rng.choice("abcdefgh") for _ in range(rng.randint(1, 6)))
    if kind == "bool":
        return rng.random() < 0.5
    raise ValueError(kind)


_SCALARS = {"int", "float", "str", "bool"}


def _hint_maker(hint: ast.expr | None) -> tuple[str, str | None] | None:
    """``("list", "int")``-style description of a sizable hint, ``("scalar", kind)`` for a
    scalar, or None when assay cannot generate it."""
    if hint is None:
        return None
    if isinstance(hint, ast.Name) and hint.id in _SCALARS:
        return ("scalar", hint.id)
    if isinstance(hint, ast.Subscript):
        base = hint.value
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        name = name.lower()
        inner = hint.slice
        if isinstance(inner, ast.Tuple):
            elements = [
                e for e in inner.elts if not (isinstance(e, ast.Constant) and e.value is Ellipsis)
            ]
        else:
            elements = [inner]
        kinds = [e.id for e in elements if isinstance(e, ast.Name) and e.id in _SCALARS]
        if len(kinds) != len(elements) or not kinds:
            return None
        if name in {"list", "sequence", "iterable", "collection", "tuple"} and len(kinds) == 1:
            return ("list" if name != "tuple" else "tuple", kinds[0])
        if name in {"set", "frozenset", "abstractset"} and len(kinds) == 1:
            return ("set", kinds[0])
        if name in {"dict", "mapping"} and len(kinds) == 2:
            return ("dict", f"{kinds[0]}:{kinds[1]}")
    return None


def _example_makers(function: ast.FunctionDef) -> list[tuple[str, str | None] | None]:
    """Argument shapes read from the first docstring example that calls `function` with
    literal arguments (``>>> f([3, 1, 2], "ab")`` gives a list of int and a string)."""
    for line in _doctest_calls(function):
        try:
            call = ast.parse(line, mode="eval").body
        except SyntaxError:
            continue
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == function.name
            and not call.keywords
        ):
            continue
        try:
            values = [ast.literal_eval(arg) for arg in call.args]
        except (ValueError, SyntaxError, TypeError):
            continue
        return [_value_maker(value) for value in values]
    return []


def _value_maker(value: object) -> tuple[str, str | None] | None:
    kinds = {bool: "bool", int: "int", float: "float", str: "str"}
    if type(value) in kinds:
        return ("scalar", kinds[type(value)])
    if isinstance(value, (list, tuple, set, frozenset)) and value:
        element = {kinds.get(type(item)) for item in value}
        if len(element) == 1 and None not in element:
            shape = (
                "list"
                if isinstance(value, list)
                else "tuple"
                if isinstance(value, tuple)
                else "set"
            )
            return (shape, element.pop())
    return None


def sized_arguments(
    function: ast.FunctionDef,
    size: int,
    *,
    seed: int = 0,
    hints: ast.FunctionDef | None = None,
) -> tuple[Any, ...] | None:
    """Positional arguments for `function` whose collections (and strings) have `size`
    elements, from its type hints (or, per position, those of `hints`: the task's stub, or
    the shapes of a docstring example's literal arguments); None when a required parameter
    cannot be generated or nothing scales (only scalars)."""
    parameters = [*function.args.posonlyargs, *function.args.args]
    required = len(parameters) - len(function.args.defaults)
    fallback = [*hints.args.posonlyargs, *hints.args.args] if hints is not None else []
    shown = _example_makers(function)
    makers = [
        _hint_maker(p.annotation)
        or (_hint_maker(fallback[i].annotation) if i < len(fallback) else None)
        or (shown[i] if i < len(shown) else None)
        for i, p in enumerate(parameters[:required])
    ]
    if not makers or any(m is None for m in makers):
        return None
    if not any(m is not None and (m[0] != "scalar" or m[1] == "str") for m in makers):
        return None
    rng = random.Random(seed * 1_000_003 + size)
    known = [m for m in makers if m is not None]
    scalable_string = all(m[0] == "scalar" for m in known)
    arguments: list[Any] = []
    for shape, kind in known:
        if shape == "scalar":
            if kind == "str" and scalable_string:
                arguments.append("".join(rng.choice("abcdefgh ") for _ in range(size)))
            elif kind == "int":
                arguments.append(-1)
            else:
                arguments.append(_element(str(kind), rng, size))
        elif shape == "dict":
            key, value = str(kind).split(":")
            arguments.append(
                {_element(key, rng, size * 4): _element(value, rng, size) for _ in range(size)}
            )
        else:
            values = [_element(str(kind), rng, size) for _ in range(size)]
            arguments.append(
                set(values) if shape == "set" else tuple(values) if shape == "tuple" else values
            )
    return tuple(arguments)


# ---------------------------------------------------------------- measuring


def _targets(tree: ast.Module) -> list[ast.FunctionDef]:
    found = []
    for node in tree.body:
        if (
            not isinstance(node, ast.FunctionDef)
            or node.name.startswith("_")
            or node.decorator_list
        ):
            continue
        if any(
            isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await, ast.Global)) for n in ast.walk(node)
        ):
            continue
        if _WORLDLY.search(ast.unparse(node)):
            continue
        found.append(node)
    return found


def _doctest_calls(function: ast.FunctionDef) -> list[str]:
    docstring = ast.get_docstring(function) or ""
    return [line.strip()[4:] for line in docstring.splitlines() if line.strip().startswith(">>> ")]


def measure_growth(
    source: str,
    functions: Sequence[ast.FunctionDef],
    *,
    sandbox: Sandbox,
    seed: int = 0,
    timeout_s: float = 10.0,
    hints: ast.FunctionDef | None = None,
) -> tuple[list[Growth], list[tuple[str | None, Outcome]]]:
    """Time each of `functions` at growing sizes in one sandbox job; also run their
    docstring examples. Returns the growth per measurable function and the outcomes that
    carry warnings, with the function they came from (None: importing the module)."""
    calls: list[Call] = []
    plan: list[tuple[str, ast.FunctionDef]] = []
    for function in functions:
        series = []
        for size in SIZES:
            arguments = sized_arguments(function, size, seed=seed, hints=hints)
            if arguments is None:
                break
            series.append((size, arguments))
        if series:
            calls.append(
                Call.function("_assay_growth_", function.name, series, REPEATS, TIME_BUDGET_S)
            )
            plan.append(("growth", function))
        for example in _doctest_calls(function):
            calls.append(Call.expr(example))
            plan.append(("example", function))
    if not calls:
        return [], []
    job = Job(
        source=source,
        calls=tuple(calls),
        preamble=_HARNESS,
        limits=Limits(timeout_s=timeout_s, memory_mb=512),
        name="complexity",
    )
    result = sandbox.run(job)
    growths: list[Growth] = []
    warned: list[tuple[str | None, Outcome]] = []
    if result.import_outcome.warnings:
        warned.append((None, result.import_outcome))
    if not result.import_outcome.ok:
        return [], warned
    for (kind, function), outcome in zip(plan, result.outcomes, strict=False):
        if outcome.warnings:
            warned.append((function.name, outcome))
        if kind == "growth" and outcome.ok and isinstance(outcome.value, list):
            growth = _growth(function, outcome.value)
            if growth is not None:
                growths.append(growth)
    return growths, warned


def _growth(function: ast.FunctionDef, points: list[Any]) -> Growth | None:
    rows = [
        p for p in points if isinstance(p, list) and len(p) == 4 and isinstance(p[1], (int, float))
    ]
    # Results with integers beyond 64 bits: the time goes into arbitrary-precision
    # arithmetic the answer itself needs (a product of n numbers), not into the algorithm.
    if not rows or any(p[3] is True for p in rows):
        return None
    return _fitted(
        function.name,
        function.lineno,
        tuple(int(p[0]) for p in rows),
        tuple(float(p[1]) for p in rows),
        tuple(int(p[2]) if isinstance(p[2], int) else None for p in rows),
    )


def _fitted(
    name: str,
    line: int,
    sizes: tuple[int, ...],
    seconds: tuple[float, ...],
    outputs: tuple[int | None, ...],
) -> Growth:
    fitted = [(n, s) for n, s in zip(sizes, seconds, strict=True) if s >= MIN_FIT_SECONDS]
    exponent = fit_exponent([n for n, _ in fitted], [s for _, s in fitted]) if fitted else None
    sized_outputs = [(n, o) for n, o in zip(sizes, outputs, strict=True) if o]
    output_exponent = (
        fit_exponent([n for n, _ in sized_outputs], [float(o) for _, o in sized_outputs])
        if len(sized_outputs) == len(sizes)
        else None
    )
    return Growth(
        function=name,
        line=line,
        sizes=sizes,
        seconds=seconds,
        output_sizes=outputs,
        exponent=exponent,
        output_exponent=output_exponent,
    )


def confirmed(first: Growth, second: Growth) -> Growth:
    """Two measurements of one function merged: per size, the faster of the two (the least
    disturbed by other processes), over the sizes both reached; exponents refitted."""
    again = dict(zip(second.sizes, second.seconds, strict=True))
    keep = [i for i, n in enumerate(first.sizes) if n in again]
    return _fitted(
        first.function,
        first.line,
        tuple(first.sizes[i] for i in keep),
        tuple(min(first.seconds[i], again[first.sizes[i]]) for i in keep),
        tuple(first.output_sizes[i] for i in keep),
    )


# ---------------------------------------------------------------- findings


def _finding(
    path: str, growth: Growth, exponent: float, reason: str, evidence: dict[str, Any]
) -> Finding:
    from assay.rules._registry import finding_for

    return finding_for(
        "AS509",
        path=path,
        line=growth.line,
        message=(
            f"{growth.function}() time grows like n^{exponent:.2f} over n = "
            f"{growth.sizes[0]}..{growth.sizes[-1]}: {reason}"
        ),
        evidence={
            "timings": growth.series(),
            "exponent": round(exponent, 2),
            "output_exponent": None
            if growth.output_exponent is None
            else round(growth.output_exponent, 2),
            "repeats": REPEATS,
            **evidence,
        },
        fix="find the step repeated per element (membership in a list, pop(0), index, sort or "
        "copy in a loop, nested loops) and replace it with a set/dict/deque or one sort",
        confidence="medium",
        function=growth.function,
    )


def growth_findings(path: str, growths: Sequence[Growth]) -> Iterator[Finding]:
    """AS509 findings: superlinear work on at-most-linear output, or a slower version."""
    for growth in growths:
        exponent = growth.exponent
        if exponent is None or exponent < SUPERLINEAR:
            continue
        better = [
            (g, g.exponent)
            for g in _versions_of(growth, growths)
            if g.exponent is not None and g.exponent <= exponent - ALTERNATIVE_MARGIN
        ]
        if better:
            best, best_exponent = min(better, key=lambda pair: pair[1])
            yield _finding(
                path,
                growth,
                exponent,
                f"{best.function}() does the same in n^{best_exponent:.2f}",
                {
                    "alternative": best.function,
                    "alternative_timings": best.series(),
                    "alternative_exponent": round(best_exponent, 2),
                },
            )
        elif growth.output_exponent is None or growth.output_exponent <= LINEAR_OUTPUT:
            yield _finding(
                path,
                growth,
                exponent,
                "superlinear work for an output that grows at most linearly "
                "(a sort- or hash-based O(n log n) version exists)",
                {"bound": "O(n log n)"},
            )


def _versions_of(growth: Growth, growths: Sequence[Growth]) -> list[Growth]:
    """Other measured versions of the same function (``f_v1`` and ``f_v2``)."""
    stem = _VERSION.match(growth.function)
    if stem is None:
        return []
    return [
        g
        for g in growths
        if g is not growth
        and (match := _VERSION.match(g.function)) is not None
        and match.group("stem") == stem.group("stem")
    ]


def _confirm_superlinear(
    source: str,
    functions: Sequence[ast.FunctionDef],
    growths: list[Growth],
    *,
    sandbox: Sandbox,
    seed: int,
) -> list[Growth]:
    """Measure superlinear-looking functions a second time and merge (see `confirmed`): one
    disturbed series on a busy machine must not make a linear function look quadratic."""
    suspects = {g.function for g in growths if (g.exponent or 0.0) >= SUPERLINEAR}
    if not suspects:
        return growths
    again, _ = measure_growth(
        source, [f for f in functions if f.name in suspects], sandbox=sandbox, seed=seed
    )
    second = {g.function: g for g in again}
    return [confirmed(g, second[g.function]) if g.function in second else g for g in growths]


#: The rules the growth probes report.
RULES = frozenset({"AS509", "AS203"})


@dataclass(frozen=True)
class GrowthProbes:
    """The stage timing each file's functions at growing sizes (AS509) and running their
    docstring examples for runtime deprecation warnings (AS203).

    Attributes:
        rules: the active ids of `RULES`.
        seed: seed of the generated arguments.
    """

    rules: frozenset[str]
    seed: int = 0
    name: str = "the growth probes"
    label: str = "complexity and warning probes"
    workers: int = 1

    def plan(self, file: CheckedFile) -> list[ast.FunctionDef] | None:
        """The functions of `file` the active rules measure; None when there are none."""
        if not self.rules or file.tree is None:
            return None
        functions = _targets(file.tree)
        if "AS509" not in self.rules:
            functions = [f for f in functions if _doctest_calls(f)]
        return functions[:MAX_FUNCTIONS] or None

    def warm(self, works: Sequence[list[ast.FunctionDef]]) -> tuple[str, ...]:
        """Nothing: the measured calls take plain arguments built in the job."""
        return ()

    def run(
        self,
        file: CheckedFile,
        work: list[ast.FunctionDef],
        pool: Pool,
        earlier: Sequence[Finding],
    ) -> Ran:
        """Measure the planned functions of `file`; superlinear ones are measured twice."""
        from assay.rules.deprecated import findings_from_warnings

        box = pool.sandbox()
        growths, warned = measure_growth(file.source, work, sandbox=box, seed=self.seed)
        growths = _confirm_superlinear(file.source, work, growths, sandbox=box, seed=self.seed)
        findings: list[Finding] = []
        if "AS509" in self.rules:
            findings.extend(growth_findings(file.path, growths))
        if "AS203" in self.rules:
            for function_name, outcome in warned:
                findings.extend(
                    findings_from_warnings(outcome.warnings, path=file.path, function=function_name)
                )
        unique = {(f.rule, f.line, f.message): f for f in findings}
        return Ran(list(unique.values()))


def candidate_growth_findings(
    entry_point: str,
    candidates: Sequence[tuple[str, str]],
    *,
    sandbox: Sandbox,
    hints: ast.FunctionDef | None = None,
    seed: int = 0,
) -> list[Finding]:
    """AS509 for `assay compare`: candidates (``(name, source)``, implementations of one
    task that behave alike) whose measured growth exponent is at least `SUPERLINEAR` and
    `ALTERNATIVE_MARGIN` above the best candidate's. Evidence: both timing series.

    `hints` (the task's stub) supplies parameter types the candidates leave out.
    """
    measured: list[tuple[str, Growth]] = []
    for name, source in candidates:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        function = next(
            (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == entry_point),
            None,
        )
        if function is None:
            continue
        growths, _ = measure_growth(source, [function], sandbox=sandbox, seed=seed, hints=hints)
        measured += [(name, g) for g in growths if g.exponent is not None]
    if len(measured) < 2:
        return []
    best_name, best = min(measured, key=lambda pair: pair[1].exponent or 0.0)
    best_exponent = best.exponent or 0.0
    findings = []
    for name, growth in measured:
        exponent = growth.exponent or 0.0
        if exponent < SUPERLINEAR or exponent < best_exponent + ALTERNATIVE_MARGIN:
            continue
        finding = _finding(
            name,
            growth,
            exponent,
            f"candidate {best_name} does the same in n^{best_exponent:.2f}",
            {
                "alternative": best_name,
                "alternative_timings": best.series(),
                "alternative_exponent": round(best_exponent, 2),
            },
        )
        findings.append(finding.model_copy(update={"candidate": name}))
    return findings


def with_candidate_growth(
    report: Report, entry_point: str, candidates: Sequence[tuple[str, str]], task_text: str
) -> Report:
    """`report` (from `assay.compare`) plus AS509 findings for candidates of the selected
    behaviour cluster that grow measurably worse than the best of them.

    Only candidates that behave like the selected one are compared (a faster wrong answer is
    no alternative). When the sandbox cannot run, `Report.warnings` says so.
    """
    from assay.errors import SandboxError

    selected = next((v for v in report.verdicts if v.selected), None)
    if selected is None:
        return report
    alike = {v.candidate for v in report.verdicts if v.cluster == selected.cluster}
    pool = [(name, source) for name, source in candidates if name in alike]
    if len(pool) < 2:
        return report
    try:
        stub = next(
            (
                n
                for n in ast.parse(task_text).body
                if isinstance(n, ast.FunctionDef) and n.name == entry_point
            ),
            None,
        )
    except (SyntaxError, ValueError):
        stub = None
    try:
        with Sandbox(workers=1) as box:
            found = candidate_growth_findings(entry_point, pool, sandbox=box, hints=stub)
    except SandboxError as error:
        return report.model_copy(
            update={"warnings": [*report.warnings, f"growth comparison did not run: {error}"]}
        )
    if not found:
        return report
    return report.model_copy(
        update={"findings": sorted([*report.findings, *found], key=Finding.sort_key)}
    )
