"""Behaviour diff: run the old and the new version of a module's functions on the same inputs.

`diff_sources(old, new)` matches the functions of two versions of a module by qualified
name (renames by body similarity, `assay.behaviour.diff._match`), keeps the pairs whose code
or dependencies changed, and runs each pair on one list of inputs in the sandbox (the union
of what both versions suggest, `assay.behaviour.diff._inputs`): the result per pair is
*equivalent on N inputs* with what they covered, or the counterexamples (input, old result,
new result), each shrunk to the smallest input that still shows it
(`assay.behaviour.diff._compare`). When random inputs find nothing on a small typed pair,
a symbolic engine (`assay.behaviour.diff.symbolic`, when installed) proposes inputs; each is
confirmed by a concrete run before it is reported. Pairs whose arguments can be sized are
also timed at growing sizes (`assay.behaviour.diff._growth`).

Intended changes are declared with ``allow_change`` (a function's old or new name) or by a
line starting "Behaviour change:" (or "Behavior change:") in the new docstring; they are
reported, as declared, and do not count as a change.

Untrusted code runs only through `assay.sandbox`.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from assay.behaviour.diff._compare import (
    SHRINK_SECONDS,
    Difference,
    PairRun,
    answered,
    differences,
    run_pair,
    shown,
    shrink,
)
from assay.behaviour.diff._growth import measure_pair
from assay.behaviour.diff._inputs import Side, pair_inputs, side_spec
from assay.behaviour.diff._match import Defined, changed_pairs, defined_functions, match_functions
from assay.behaviour.diff._types import (
    DIFF_SCHEMA_VERSION,
    BehaviourDiff,
    Counterexample,
    GrowthChange,
    PairResult,
    Unverified,
    growth_class,
)
from assay.behaviour.inputs import ProbeInput
from assay.behaviour.probes import outcome_text
from assay.behaviour.spec import Spec
from assay.errors import InvalidArgument
from assay.sandbox import Limits, Sandbox, Status

__all__ = [
    "DEFAULT_BUDGET",
    "DIFF_SCHEMA_VERSION",
    "MAX_COUNTEREXAMPLES",
    "SYMBOLIC_MODULE",
    "BehaviourDiff",
    "Counterexample",
    "GrowthChange",
    "PairResult",
    "Unverified",
    "declared_change",
    "declared_in_messages",
    "diff_sources",
    "growth_class",
]

#: Inputs per pair (both versions' suggestions together).
DEFAULT_BUDGET = 48
#: Counterexamples kept (and shrunk) per pair: the smallest input of each kind of difference.
MAX_COUNTEREXAMPLES = 3
#: The optional symbolic engine: a module exposing ``symbolic_inputs(old, new, old_name,
#: new_name, *, timeout_s) -> list[tuple]``.
SYMBOLIC_MODULE = "assay.behaviour.diff.symbolic"
#: Pairs the symbolic engine is asked about: every required parameter annotated, and at
#: most this many statements in each version (its search is exhaustive on small code only).
SYMBOLIC_MAX_STATEMENTS = 40
_DECLARED = re.compile(r"^\s*behaviou?r\s+change\s*:", re.IGNORECASE | re.MULTILINE)


def declared_change(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function's docstring declares a behaviour change ("Behaviour change: ...")."""
    docstring = ast.get_docstring(node) or ""
    return bool(_DECLARED.search(docstring))


def declared_in_messages(messages: Sequence[str], names: set[str]) -> bool:
    """Whether a commit message declares a change of one of `names`: a line starting
    "Behaviour change:" (or "Behavior change:") that names the function."""
    for message in messages:
        for line in message.splitlines():
            if _DECLARED.match(line) and any(
                re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", line) for name in names
            ):
                return True
    return False


@dataclass(frozen=True)
class _Options:
    budget: int
    seed: int
    symbolic: bool
    performance: bool
    limits: Limits
    symbolic_timeout_s: float
    callers: tuple[str, ...]
    messages: tuple[str, ...]


def _parse(source: str, which: str) -> tuple[ast.Module | None, str | None]:
    try:
        return ast.parse(source), None
    except (SyntaxError, ValueError) as error:
        return None, f"the {which} version does not parse: {error}"


def _wanted(pair: tuple[Defined, Defined, float], entry_points: Sequence[str]) -> bool:
    if not entry_points:
        return True
    old, new, _ = pair
    names = {old.qualname, new.qualname, old.node.name, new.node.name}
    return bool(names & set(entry_points))


def diff_sources(
    old: str,
    new: str,
    *,
    entry_points: Sequence[str] = (),
    allow_change: Sequence[str] = (),
    seed: int = 0,
    budget: int = DEFAULT_BUDGET,
    symbolic: bool = True,
    performance: bool = True,
    timeout_s: float = 2.0,
    symbolic_timeout_s: float = 10.0,
    callers: Sequence[str] = (),
    messages: Sequence[str] = (),
    sandbox: Sandbox | None = None,
) -> BehaviourDiff:
    """The behaviour diff of two versions of one module.

    Args:
        old: the old module's text.
        new: the new module's text.
        entry_points: compare only these functions (old or new name, qualified or bare);
            default: every changed function.
        allow_change: functions whose change is intended (reported as declared).
        seed: makes the inputs reproducible; both versions get the same ones.
        budget: inputs per pair.
        symbolic: ask the symbolic engine, when installed, where random inputs found no
            difference.
        performance: also time both versions at growing sizes.
        timeout_s: limit per call in the sandbox.
        symbolic_timeout_s: the symbolic engine's time per pair.
        callers: texts of test files of the repository, searched for calls of the old
            function (their literal arguments become inputs).
        messages: commit messages since the old version: a line "Behaviour change: ..."
            that names a function declares its change.
        sandbox: a running sandbox to reuse; default: one opened here when needed.

    Raises:
        InvalidArgument: `budget` is not positive, or an entry point names no function
            of either version.
    """
    if budget < 1:
        raise InvalidArgument(f"budget must be at least 1, got {budget}; pass e.g. budget=48")
    old_tree, old_error = _parse(old, "old")
    new_tree, new_error = _parse(new, "new")
    if old_tree is None or new_tree is None:
        return BehaviourDiff(errors=tuple(e for e in (old_error, new_error) if e), seed=seed)
    old_functions, new_functions = defined_functions(old_tree), defined_functions(new_tree)
    unknown = [
        name
        for name in entry_points
        if not any(
            name in (d.qualname, d.node.name)
            for d in [*old_functions.values(), *new_functions.values()]
        )
    ]
    if unknown:
        known = sorted({*old_functions, *new_functions})
        raise InvalidArgument(
            f"--entry-point {unknown[0]!r} names no function of either version; "
            f"the functions are: {', '.join(known) or 'none'}"
        )
    matched = match_functions(old_functions, new_functions)
    changed = changed_pairs(old_tree, new_tree, matched.pairs)
    options = _Options(
        budget=budget,
        seed=seed,
        symbolic=symbolic,
        performance=performance,
        limits=Limits(timeout_s=timeout_s, memory_mb=512),
        symbolic_timeout_s=symbolic_timeout_s,
        callers=tuple(callers),
        messages=tuple(messages),
    )
    to_run = [
        (index, pair)
        for index, pair in enumerate(matched.pairs)
        if index in changed and _wanted(pair, entry_points)
    ]
    unchanged = tuple(
        new.qualname
        for index, (_, new, _) in enumerate(matched.pairs)
        if index not in changed and _wanted(matched.pairs[index], entry_points)
    )
    results: list[PairResult] = []
    unverified: list[Unverified] = []
    errors: list[str] = []
    with contextlib.ExitStack() as stack:
        if to_run and sandbox is None:
            sandbox = stack.enter_context(Sandbox(workers=2))
        for _, (old_function, new_function, similarity) in to_run:
            if sandbox is None:
                break
            outcome = _diff_pair(
                Side(old, old_tree, old_function),
                Side(new, new_tree, new_function),
                similarity,
                allow_change,
                options,
                sandbox,
            )
            if isinstance(outcome, PairResult):
                results.append(outcome)
            elif isinstance(outcome, Unverified):
                unverified.append(outcome)
            else:
                errors.append(outcome)
                break
    return BehaviourDiff(
        pairs=tuple(results),
        added=tuple(n for n in matched.added if not entry_points or n in entry_points),
        removed=tuple(n for n in matched.removed if not entry_points or n in entry_points),
        unchanged=unchanged,
        unverified=tuple(unverified),
        errors=tuple(dict.fromkeys(errors)),
        seed=seed,
    )


def _not_runnable(function: Defined) -> str | None:
    node = function.node
    if isinstance(node, ast.AsyncFunctionDef):
        return "a coroutine function (not run)"
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in ast.walk(node)):
        return "a generator (not run)"
    decorators = {ast.unparse(d) for d in node.decorator_list}
    if decorators - {"staticmethod"}:
        return f"decorated with {sorted(decorators)[0]} (not run)"
    return None


def _diff_pair(
    old: Side,
    new: Side,
    similarity: float,
    allow_change: Sequence[str],
    options: _Options,
    sandbox: Sandbox,
) -> PairResult | Unverified | str:
    """One pair's result; an `Unverified` when it cannot be run; a string when the old
    module does not import (assay cannot compare anything then)."""
    old_name, new_name = old.function.qualname, new.function.qualname
    for function in (old.function, new.function):
        reason = _not_runnable(function)
        if reason is not None:
            return Unverified(old_name, new_name, f"{function.qualname} is {reason}")
    names = frozenset(_module_names(old.tree) | _module_names(new.tree))
    specs = (side_spec(old, names), side_spec(new, names))
    inputs, missing = pair_inputs(
        old, new, specs, budget=options.budget, seed=options.seed, callers=options.callers
    )
    if missing is not None or not inputs:
        return Unverified(old_name, new_name, missing or "no inputs could be generated")
    sources = (old.runnable, new.runnable)
    run = run_pair(sources, inputs, sandbox=sandbox, limits=options.limits)
    if run.import_failure is not None:
        side, outcome = run.import_failure
        if side == "old":
            return f"the old version does not import: {outcome_text(outcome)}"
        return _result(
            old,
            new,
            similarity,
            (allow_change, options.messages),
            run,
            [
                Counterexample(
                    "<import>", "imports", outcome_text(outcome), engine="random", kind="import"
                )
            ],
            ("random",),
        )
    if run.nondeterministic is not None:
        return Unverified(old_name, new_name, f"nondeterministic: {run.nondeterministic}")
    engines: tuple[str, ...] = ("random",)
    found = differences(run)
    counterexamples = _shrunk(sources, old_name, run, found, "random", options, sandbox)
    if not found and options.symbolic and _small_and_typed(old, new, specs):
        symbolic = _symbolic(old, new, options, sandbox)
        if symbolic is not None:
            engines = ("random", "symbolic")
            extra, symbolic_found = symbolic
            run = PairRun(run.inputs + extra.inputs, run.old + extra.old, run.new + extra.new)
            counterexamples = _shrunk(
                sources, old_name, extra, symbolic_found, "symbolic", options, sandbox
            )
    declarations = (allow_change, options.messages)
    result = _result(old, new, similarity, declarations, run, counterexamples, engines)
    if options.performance and old.function.owner is None:
        growth = _growth(old, new, options, sandbox)
        if growth is not None:
            result = replace(result, performance=growth)
    return result


def _growth(old: Side, new: Side, options: _Options, sandbox: Sandbox) -> GrowthChange | None:
    old_node, new_node = old.function.node, new.function.node
    if not isinstance(old_node, ast.FunctionDef) or not isinstance(new_node, ast.FunctionDef):
        return None
    return measure_pair(
        (old.source, new.source),
        (old.function.qualname, new.function.qualname),
        (old_node, new_node),
        sandbox=sandbox,
        seed=options.seed,
    )


def _shrunk(
    sources: tuple[str, str],
    name: str,
    run: PairRun,
    found: Sequence[Difference],
    engine: str,
    options: _Options,
    sandbox: Sandbox,
) -> list[Counterexample]:
    deadline = time.monotonic() + SHRINK_SECONDS
    made: list[Counterexample] = []
    seen: set[str] = set()
    # One counterexample per kind of difference (a changed value, a new exception, a
    # mutation...): three shrunk inputs of one off-by-one say no more than one.
    kinds: set[tuple[str, str, str]] = set()
    for difference in found:
        if len(made) >= MAX_COUNTEREXAMPLES:
            break
        if difference.pattern in kinds:
            continue
        kinds.add(difference.pattern)
        item = run.inputs[difference.index]
        small, smallest, _ = shrink(
            sources, item, difference, sandbox=sandbox, limits=options.limits, deadline=deadline
        )
        text = small.call_source(name)
        if text in seen:
            continue
        seen.add(text)
        original = item.call_source(name)
        made.append(
            Counterexample(
                input=text,
                old=shown(smallest.old, smallest.kind),
                new=shown(smallest.new, smallest.kind),
                engine=engine,
                kind=smallest.kind,
                shrunk_from=original if original != text else None,
            )
        )
    return made


def _result(
    old: Side,
    new: Side,
    similarity: float,
    declarations: tuple[Sequence[str], Sequence[str]],
    run: PairRun,
    counterexamples: Sequence[Counterexample],
    engines: tuple[str, ...],
) -> PairResult:
    allow_change, messages = declarations
    declared_by = ""
    names = {
        old.function.qualname,
        new.function.qualname,
        old.function.node.name,
        new.function.node.name,
    }
    if names & set(allow_change):
        declared_by = "--allow-change"
    elif declared_change(new.function.node):
        declared_by = "docstring"
    elif declared_in_messages(messages, names):
        declared_by = "commit message"
    equivalent = not counterexamples
    return PairResult(
        old=old.function.qualname,
        new=new.function.qualname,
        equivalent=equivalent,
        inputs_tried=len(run.inputs),
        engines=engines,
        counterexamples=tuple(counterexamples),
        renamed=old.function.qualname != new.function.qualname,
        similarity=similarity,
        declared=bool(declared_by) and not equivalent,
        declared_by=declared_by if not equivalent else "",
        coverage=_coverage(run),
        old_line=old.function.node.lineno,
        new_line=new.function.node.lineno,
    )


def _coverage(run: PairRun) -> str:
    """What the inputs covered, as the old version answered them."""
    if not run.old:
        return "no input ran"
    returned = sum(1 for o in run.old if o.status is Status.OK)
    raised = Counter(
        o.exception.type for o in run.old if o.status is Status.ERROR and o.exception is not None
    )
    no_answer = len(run.old) - answered(run.old)
    origins = Counter(item.origin for item in run.inputs)
    parts = [f"{returned} returned a value"]
    if raised:
        kinds = ", ".join(f"{name} ×{count}" for name, count in raised.most_common(4))
        parts.append(f"{sum(raised.values())} raised ({kinds})")
    if no_answer:
        parts.append(f"{no_answer} gave no answer (timeout or refused)")
    sources = ", ".join(f"{origin} {count}" for origin, count in origins.most_common())
    return f"{'; '.join(parts)}; inputs: {sources}"


def _module_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


# ---------------------------------------------------------------------------- symbolic


def _small_and_typed(old: Side, new: Side, specs: tuple[Spec, Spec]) -> bool:
    """Whether the symbolic engine is worth asking: top-level functions, every required
    parameter annotated, small bodies."""
    for side, spec in zip((old, new), specs, strict=True):
        if side.function.owner is not None or spec.signature is None:
            return False
        if not all(p.annotation for p in spec.signature.parameters if p.required):
            return False
        statements = sum(1 for n in ast.walk(side.function.node) if isinstance(n, ast.stmt))
        if statements > SYMBOLIC_MAX_STATEMENTS:
            return False
    return True


def _symbolic(
    old: Side, new: Side, options: _Options, sandbox: Sandbox
) -> tuple[PairRun, list[Difference]] | None:
    """Inputs the symbolic engine proposes, run concretely on both versions: the run and
    the differences it confirmed; None when the engine is not installed."""
    if importlib.util.find_spec(SYMBOLIC_MODULE) is None:
        return None
    engine: Any = importlib.import_module(SYMBOLIC_MODULE)
    proposed = engine.symbolic_inputs(
        old.source,
        new.source,
        old.function.qualname,
        new.function.qualname,
        timeout_s=options.symbolic_timeout_s,
    )
    inputs = [
        ProbeInput(tuple(args), origin="symbolic") for args in proposed if isinstance(args, tuple)
    ]
    if not inputs:
        return PairRun((), (), ()), []
    run = run_pair((old.runnable, new.runnable), inputs, sandbox=sandbox, limits=options.limits)
    if run.import_failure is not None or run.nondeterministic is not None:
        return run, []
    return run, differences(run)
