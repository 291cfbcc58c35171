"""Behaviour diff: run the old and the new version of a module's functions on the same inputs.

`diff_sources(old, new)` matches the functions of two versions of a module by qualified
name (renames by body similarity, `assay.behaviour.diff._match`), keeps the pairs whose code
or dependencies changed, and runs each pair on one list of inputs in the sandbox (the union
of what both versions suggest, `assay.behaviour.diff._inputs`): the result per pair is
*equivalent on N inputs* with what they covered, or the counterexamples (input, old result,
new result), each shrunk to the smallest input that still shows it
(`assay.behaviour.diff._compare`). When random inputs find nothing on a small pair whose
types are known (a version's annotations, else the ones the old version was seen to take),
a symbolic engine (`assay.behaviour.diff.symbolic`, when installed) proposes inputs in the
diff's sandbox; each is confirmed by a concrete run before it is reported. Pairs whose
arguments can be sized are also timed at growing sizes (`assay.behaviour.diff._growth`).

The old version is the specification: what its docstring and code state of its inputs
(`assay.behaviour.diff._domain`) is drawn first, and a difference seen only outside what
its docstring states is reported as information. An old version that raised on every
input was given inputs it does not take: the pair is unverified, not equivalent. A new
version that does not parse, or no longer defines a public (or asked-for) function,
differs without a run (engine ``static``).

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
from assay.behaviour.diff._domain import Domain, read_domain
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
from assay.source.parsed import parse_module
from assay.syntax import module_names

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
    # The shared tree: a caller that parsed `source` with `parse_module` (the checked file
    # of `check --base`, gen --edit's file and rewrite) is not parsed again. It is read only.
    try:
        return parse_module(source), None
    except (SyntaxError, ValueError) as error:
        return None, f"the {which} version does not parse: {error}"


def _unparsable(
    old_tree: ast.Module,
    new: str,
    entry_points: Sequence[str],
    allow_change: Sequence[str],
    messages: Sequence[str],
    seed: int,
) -> BehaviourDiff:
    """The diff when only the new version does not parse: every old function asked for
    differs, on its import (the new module raises SyntaxError before any call)."""
    try:
        ast.parse(new)
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None)
        what = f"raises {type(error).__name__} at import: {getattr(error, 'msg', error)}"
        raised = what + (f" (line {line})" if line else "")
    else:
        raise InvalidArgument("_unparsable needs a new version that does not parse")
    functions = defined_functions(old_tree)
    _check_entry_points(entry_points, functions, {})
    asked = [
        function
        for function in functions.values()
        if not entry_points or {function.qualname, function.node.name} & set(entry_points)
    ]
    pairs = tuple(
        _static_result(
            function,
            Counterexample("<import>", "imports", raised, engine="static", kind="import"),
            (allow_change, messages),
        )
        for function in asked
    )
    return BehaviourDiff(pairs=pairs, seed=seed)


def _check_entry_points(
    entry_points: Sequence[str], old: dict[str, Defined], new: dict[str, Defined]
) -> None:
    unknown = [
        name
        for name in entry_points
        if not any(name in (d.qualname, d.node.name) for d in [*old.values(), *new.values()])
    ]
    if unknown:
        known = sorted({*old, *new})
        raise InvalidArgument(
            f"--entry-point {unknown[0]!r} names no function of either version; "
            f"the functions are: {', '.join(known) or 'none'}"
        )


def _public(qualname: str) -> bool:
    """Whether callers outside the module may use the function: no part of its name is
    private (a single leading underscore; dunder methods are public)."""
    return all(
        not part.startswith("_") or (part.startswith("__") and part.endswith("__"))
        for part in qualname.split(".")
    )


def _static_result(
    function: Defined,
    counterexample: Counterexample,
    declarations: tuple[Sequence[str], Sequence[str]],
) -> PairResult:
    """A pair told apart without running it (the new module does not parse, or lacks the
    function): the old function against the same name in the new version."""
    names = {function.qualname, function.node.name}
    declared_by = _declared_by(names, None, declarations)
    return PairResult(
        old=function.qualname,
        new=function.qualname,
        equivalent=False,
        inputs_tried=0,
        engines=("static",),
        counterexamples=(counterexample,),
        declared=bool(declared_by),
        declared_by=declared_by,
        coverage="not run: " + counterexample.new,
        old_line=function.node.lineno,
        new_line=1,
    )


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

    Both texts are parsed with `assay.source.parsed.parse_module`: a text the caller
    parsed there is not parsed again. Their trees are shared and are only read.

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
    if old_tree is None:
        return BehaviourDiff(errors=tuple(e for e in (old_error, new_error) if e), seed=seed)
    if new_tree is None:
        return _unparsable(old_tree, new, entry_points, allow_change, messages, seed)
    old_functions, new_functions = defined_functions(old_tree), defined_functions(new_tree)
    _check_entry_points(entry_points, old_functions, new_functions)
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
    # A function the new module lacks (and no rename explains) is a difference for its
    # callers: when it was asked for, or is public. A private helper that went away is
    # listed as removed only (its callers, changed or not, are diffed themselves).
    results: list[PairResult] = [
        _static_result(
            old_functions[name],
            Counterexample(
                name, "defined", "not defined (function removed)", engine="static", kind="removed"
            ),
            (allow_change, messages),
        )
        for name in matched.removed
        if (
            {name, old_functions[name].node.name} & set(entry_points)
            if entry_points
            else _public(name)
        )
    ]
    reported_removed = {pair.old for pair in results}
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
        removed=tuple(
            n
            for n in matched.removed
            if (not entry_points or n in entry_points) and n not in reported_removed
        ),
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
    if function.decorators - {"staticmethod"}:
        return f"decorated with {sorted(function.decorators)[0]} (not run)"
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
    names = module_names(old.tree) | module_names(new.tree)
    specs = (side_spec(old, names), side_spec(new, names))
    inputs, missing = pair_inputs(
        old, new, specs, budget=options.budget, seed=options.seed, callers=options.callers
    )
    if missing is not None or not inputs:
        return Unverified(old_name, new_name, missing or "no inputs could be generated")
    # The old version is the specification: what it states about its inputs is drawn
    # first, and a difference only outside it is information.
    domain = read_domain(old.function.node, old.tree)
    inputs = domain.arrange(inputs, options.budget)
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
    rejected = _old_rejects_all(run)
    if rejected is not None:
        return Unverified(old_name, new_name, rejected)
    engines: tuple[str, ...] = ("random",)
    found = differences(run)
    inside = [d for d in found if domain.outside(run.inputs[d.index]) is None]
    search = _searchable(old, new, specs, run) if not inside and options.symbolic else None
    if search is not None:
        symbolic = _symbolic(old, new, search, options, sandbox)
        if symbolic is not None:
            engines = ("random", "symbolic")
            extra, symbolic_found = symbolic
            # One run, the symbolic engine's inputs after the random ones.
            offset = len(run.inputs)
            run = PairRun(run.inputs + extra.inputs, run.old + extra.old, run.new + extra.new)
            found += [replace(d, index=d.index + offset) for d in symbolic_found]
            inside = [d for d in found if domain.outside(run.inputs[d.index]) is None]
    shown_first = inside or [d for d in found if d not in inside]
    counterexamples = _shrunk(sources, old_name, run, shown_first, options, sandbox, domain)
    declarations = (allow_change, options.messages)
    result = _result(old, new, similarity, declarations, run, counterexamples, engines)
    if options.performance and old.function.owner is None:
        growth = _growth(old, new, options, sandbox)
        if growth is not None:
            result = replace(result, performance=growth)
    return result


def _old_rejects_all(run: PairRun) -> str | None:
    """Why the pair is unverified when the old version raised on every input that got an
    answer: the inputs (their types, most often) are not ones it takes, so agreeing on
    them says nothing about the behaviour. None when some input returned."""
    if answered(run.old) == 0 or any(o.status is Status.OK for o in run.old):
        return None
    raised = Counter(
        o.exception.type for o in run.old if o.status is Status.ERROR and o.exception is not None
    )
    kinds = ", ".join(f"{name} ×{count}" for name, count in raised.most_common(3))
    return (
        f"the old version raised on every input ({kinds}): the generated inputs are not "
        "ones it takes; annotate its parameters or give examples in its docstring"
    )


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
    options: _Options,
    sandbox: Sandbox,
    domain: Domain,
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
        inside = domain.outside(item) is None
        small, smallest, _ = shrink(
            sources,
            item,
            difference,
            sandbox=sandbox,
            limits=options.limits,
            deadline=deadline,
            # An input inside the stated domain shrinks to one inside it.
            keep=(lambda smaller: domain.outside(smaller) is None) if inside else None,
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
                engine="symbolic" if item.origin == "symbolic" else "random",
                kind=smallest.kind,
                shrunk_from=original if original != text else None,
                outside_domain=domain.outside(small) or "",
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
    names = {
        old.function.qualname,
        new.function.qualname,
        old.function.node.name,
        new.function.node.name,
    }
    declared_by = _declared_by(names, new.function.node, declarations)
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


def _declared_by(
    names: set[str],
    node: ast.FunctionDef | ast.AsyncFunctionDef | None,
    declarations: tuple[Sequence[str], Sequence[str]],
) -> str:
    """What declares the change of the function called one of `names` ("" when nothing):
    ``--allow-change``, its new docstring (`node`), or a commit message."""
    allow_change, messages = declarations
    if names & set(allow_change):
        return "--allow-change"
    if node is not None and declared_change(node):
        return "docstring"
    if declared_in_messages(messages, names):
        return "commit message"
    return ""


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


# ---------------------------------------------------------------------------- symbolic


@dataclass(frozen=True)
class _Search:
    """A pair the symbolic engine is asked about, and the parameter types it searches
    with (None: the ones a version annotates)."""

    param_types: tuple[str, ...] | None


def _searchable(old: Side, new: Side, specs: tuple[Spec, Spec], run: PairRun) -> _Search | None:
    """Whether the symbolic engine is worth asking, and with which types: not for methods,
    large bodies or types it cannot model; a version's annotations when one annotates
    every required parameter; otherwise the types `param_types_of` infers from the inputs
    the old version answered (its search is exhaustive on small code only, and an
    unannotated function's types are what it was seen to take)."""
    node = old.function.node
    arity = len(node.args.posonlyargs) + len(node.args.args)
    for side in (old, new):
        if side.function.owner is not None or arity == 0:
            return None
        statements = sum(1 for n in ast.walk(side.function.node) if isinstance(n, ast.stmt))
        if statements > SYMBOLIC_MAX_STATEMENTS:
            return None
    if any(
        spec.signature is not None
        and all(p.annotation for p in spec.signature.parameters if p.required)
        for spec in specs
    ):
        return _Search(None)
    answered_inputs = [
        item.args
        for item, outcome in zip(run.inputs, run.old, strict=True)
        if outcome.status is Status.OK and not item.kwargs and len(item.args) == arity
    ]
    if importlib.util.find_spec(SYMBOLIC_MODULE) is None or not answered_inputs:
        return None
    engine: Any = importlib.import_module(SYMBOLIC_MODULE)
    inferred = engine.param_types_of(answered_inputs)
    return None if inferred is None else _Search(tuple(inferred))


def _symbolic(
    old: Side, new: Side, search: _Search, options: _Options, sandbox: Sandbox
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
        param_types=search.param_types,
        # The diff's own sandbox: a sandbox per call cost a worker start per pair.
        sandbox=sandbox,
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
