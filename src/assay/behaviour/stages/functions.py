"""The dynamic stage of `assay check`: probe one file's functions in the sandbox.

`RuntimeProbes` plans from a parsed file and runs in the frame of
`assay.behaviour.stages._frame`. It probes:

* every top-level function that carries docstring examples or type hints on all its
  required parameters (`probe_targets`), with the single-candidate probes of
  `assay.behaviour.probes` (AS601-AS607);
* every group of *versions* of one function written side by side (``median_v1``,
  ``median_v2``, ``median_v3``: the same stem plus ``_v<N>``, the same parameters), with
  `assay.behaviour.crosscheck` (AS701): the versions that disagree with the others are reported with
  the input that shows it.

It stays fast on ordinary files: at most `MAX_FUNCTIONS` functions, `CHECK_BUDGET` inputs
each, inputs run in chunks so a function that hangs costs one timeout, and functions whose
result depends on the world (files, network, time, randomness) are not probed.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assay.behaviour.crosscheck import CandidateSource, crosscheck
from assay.behaviour.inputs import ProbeInput, Shape, generate_inputs, infer_shapes
from assay.behaviour.inputs.typed import (
    CANNOT_BUILD,
    DRAWN_MARKER,
    Expr,
    ModuleTypes,
    drawn_inputs,
    stated_domains,
    typed_inputs,
)
from assay.behaviour.probes import (
    NOT_BUILT,
    CandidateRun,
    Location,
    Observation,
    outcome_text,
    run_candidates,
    runtime_findings,
    traceback_tail,
)
from assay.behaviour.spec import NOT_LITERAL, Spec, extract_spec, literal_value
from assay.behaviour.stages._frame import CheckedFile, Pool, Ran
from assay.model import Finding
from assay.rules._registry import finding_for
from assay.sandbox import ExceptionInfo, Limits, Outcome, Sandbox, Status
from assay.sandbox.canonical import canonical_key, canonicalize
from assay.source.parsed import parse_module
from assay.source.segments import Segments
from assay.syntax import module_names, own_nodes

__all__ = [
    "CHECK_BUDGET",
    "MAX_FUNCTIONS",
    "RuntimeProbes",
    "probe_targets",
    "version_groups",
]

#: Functions probed per file, and generated inputs per function.
MAX_FUNCTIONS = 12
CHECK_BUDGET = 24
#: Inputs in the first sandbox job: when one of them times out, the rest is skipped.
CHUNK = 4

#: How a drawn input's expression starts (`drawn_inputs`).
DRAWN_CALL = "__import__('_assay_draw')"
#: Why a drawn input whose call timed out before its arguments were written did not count.
_NOT_DRAWN = "its arguments were not drawn within the time limit"

_VERSION = re.compile(r"^(?P<stem>[A-Za-z_]\w*?)_v(?P<number>\d+)$")
_WORLDLY = re.compile(
    r"\b(open|input|requests|urllib|socket|subprocess|os\.system|sleep|random|time\.time|datetime\.now|"
    r"exec|eval|__import__|sys\.stdin|Path|shutil|sqlite3|threading|asyncio|multiprocessing|"
    r"secrets|uuid\d?|urandom|token_bytes|token_hex)\b"
)


def probe_targets(source: str) -> list[tuple[ast.FunctionDef, Spec]]:
    """Top-level functions worth probing: with docstring examples or annotations on every
    required parameter; not generators, coroutines or decorated functions; not reading
    files, the network, the clock or a random generator (see `_WORLDLY`)."""
    tree = _parse(source)
    return [] if tree is None else _probe_targets(source, tree)


def _probe_targets(source: str, tree: ast.Module) -> list[tuple[ast.FunctionDef, Spec]]:
    """`probe_targets` of a parsed file."""
    grouped = {name for group in version_groups(tree).values() for name in group}
    worldly = _worldly_helpers(tree)
    defined = module_names(tree)
    segments = Segments(source)
    targets: list[tuple[ast.FunctionDef, Spec]] = []
    for node in tree.body:
        if (
            not isinstance(node, ast.FunctionDef)
            or node.name in grouped
            or node.name in worldly
            or _unprobeable(node)
        ):
            continue
        # Only the function's own text: a module docstring's examples belong to nobody.
        # Its examples run inside the module, so they may use the module's names
        # (``round_money(Decimal("0.125"))``).
        spec = extract_spec(segments.of(node) or "", node.name, module_names=defined)
        if spec.examples or _fully_hinted(spec):
            targets.append((node, spec))
    return targets[:MAX_FUNCTIONS]


def _worldly_helpers(tree: ast.Module) -> set[str]:
    """Top-level functions that reach the world (see `_WORLDLY`) themselves or through other
    functions of the module they call: a salt from `secrets` drawn in a helper makes the
    caller's result change between calls just as well."""
    functions = {
        n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    calls = {
        name: {
            c.func.id
            for c in ast.walk(node)
            if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in functions
        }
        for name, node in functions.items()
    }
    worldly = {name for name, node in functions.items() if _WORLDLY.search(ast.unparse(node))}
    grown = True
    while grown:
        more = {name for name, called in calls.items() if called & worldly} - worldly
        worldly |= more
        grown = bool(more)
    return worldly


def _parse(source: str) -> ast.Module | None:
    try:
        return parse_module(source)
    except (SyntaxError, ValueError):
        return None


def _fully_hinted(spec: Spec) -> bool:
    if spec.signature is None:
        return False
    required = [p for p in spec.signature.parameters if p.required]
    return bool(required) and all(p.annotation for p in required)


def _unprobeable(node: ast.FunctionDef) -> bool:
    if (
        node.name.startswith(("test_", "_"))
        or node.decorator_list
        or node.args.vararg
        or node.args.kwarg
    ):
        return True
    if any(
        isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await, ast.Global, ast.Nonlocal))
        for n in ast.walk(node)
    ):
        return True
    return bool(_WORLDLY.search(ast.unparse(node)))


def version_groups(tree: ast.Module) -> dict[str, list[str]]:
    """``stem -> [stem_v1, stem_v2, ...]`` for top-level functions written as versions of one
    function (two or more, with the same parameter names)."""
    by_stem: dict[str, list[ast.FunctionDef]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            match = _VERSION.match(node.name)
            if match and not _unprobeable(replace_name(node, match.group("stem"))):
                by_stem.setdefault(match.group("stem"), []).append(node)
    groups: dict[str, list[str]] = {}
    for stem, nodes in by_stem.items():
        parameters = {tuple(a.arg for a in n.args.args) for n in nodes}
        if len(nodes) >= 2 and len(parameters) == 1:
            groups[stem] = [n.name for n in nodes]
    return groups


def replace_name(node: ast.FunctionDef, name: str) -> ast.FunctionDef:
    """A copy of `node` named `name` (so a ``test_v1`` is judged like ``test``)."""
    renamed = copy.copy(node)
    renamed.name = name
    return renamed


#: A file's tree, the functions to probe and the groups of versions to compare.
_Work = tuple[ast.Module, list[tuple[ast.FunctionDef, Spec]], dict[str, list[str]]]


@dataclass(frozen=True)
class RuntimeProbes:
    """The stage probing each file's functions (AS6xx) and versions (AS7xx).

    Attributes:
        rules: ids of the active dynamic rules.
        timeout_s: limit per call.
    """

    rules: frozenset[str]
    timeout_s: float
    name: str = "the runtime probes"
    label: str = "dynamic probes"
    workers: int = 1

    def plan(self, file: CheckedFile) -> _Work | None:
        """The functions and groups of versions of `file` the active rules probe; None
        when there are none."""
        wants_runtime = any(r.startswith("AS6") for r in self.rules)
        wants_versions = any(r.startswith("AS7") for r in self.rules)
        tree = file.tree
        if not (wants_runtime or wants_versions) or tree is None:
            return None
        targets = _probe_targets(file.source, tree) if wants_runtime else []
        groups = version_groups(tree) if wants_versions else {}
        if not targets and not groups:
            return None
        return tree, targets, groups

    def warm(self, works: Sequence[_Work]) -> tuple[str, ...]:
        """Hypothesis, when some function of `works` gets inputs drawn in the sandbox."""
        return _warm_for(works)

    def run(self, file: CheckedFile, work: _Work, pool: Pool, earlier: Sequence[Finding]) -> Ran:
        """Probe the planned functions of `file`; every probed function runs a few inputs
        again in the reseeded sandbox (AS604)."""
        return _run_dynamic(
            file.source,
            file.path,
            work,
            self.rules,
            pool.sandbox(),
            pool.reseeded(),
            self.timeout_s,
        )


def _warm_for(works: Sequence[_Work]) -> tuple[str, ...]:
    """The modules the sandbox should import before forking jobs: Hypothesis when some
    function of these files gets inputs drawn there (each job would import it again)."""
    for tree, targets, _ in works:
        types = ModuleTypes.of(tree)
        for node, spec in targets:
            inputs, _, _ = _inputs_for("", node, spec, types)
            if any(i.expression.startswith(DRAWN_CALL) for i in inputs):
                return ("hypothesis",)
    return ()


def _run_dynamic(
    source: str,
    path: str,
    work: _Work,
    rules: frozenset[str],
    box: Sandbox,
    reseeded: Sandbox,
    timeout_s: float,
) -> Ran:
    """The findings and notes of the runtime probes once the work is known."""
    tree, targets, groups = work
    findings: list[Finding] = []
    notes: list[str] = []
    types = ModuleTypes.of(tree)
    for node, spec in targets:
        try:
            probed = _probe_function(source, path, node, spec, types, box, reseeded, timeout_s)
        except _Unimportable as failed:
            # Its versions cannot be compared either: every function of the file is unverified.
            unverified = [n.name for n, _ in targets] + [n for g in groups.values() for n in g]
            unimportable = _unimportable(path, failed.outcome, unverified, findings, rules)
            return Ran(unimportable.findings, [*notes, *unimportable.notes])
        findings.extend(probed.findings)
        notes.extend(probed.notes)
    for stem, names in groups.items():
        findings.extend(_cross_versions(source, path, tree, stem, names, box, reseeded, timeout_s))
    return Ran([f for f in findings if f.rule in rules], notes)


class _Unimportable(Exception):
    """The module does not import in the sandbox: the rest of the file cannot be probed."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome_text(outcome))
        self.outcome = outcome


#: Import failures that come from where the module runs, not from its code: a sibling
#: module of its package or an optional dependency the sandbox lacks, no network, a
#: read-only file system, a process or a resource the sandbox does not grant.
_ENVIRONMENT_EXCEPTIONS = frozenset(
    {
        "ImportError",
        "ModuleNotFoundError",
        "OSError",
        "PermissionError",
        "FileNotFoundError",
        "IsADirectoryError",
        "NotADirectoryError",
        "ConnectionError",
        "ConnectionRefusedError",
        "ConnectionResetError",
        "TimeoutError",
        "BlockingIOError",
        "gaierror",
        "socket.gaierror",
        "URLError",
        "urllib.error.URLError",
    }
)


#: What HTTP clients (httpx, requests, urllib3) raise when no connection can be made.
_CLIENT_NETWORK_ERRORS = frozenset(
    {"ConnectError", "ConnectTimeout", "NewConnectionError", "MaxRetryError", "NameResolutionError"}
)


def _caused_by_the_sandbox(outcome: Outcome) -> str | None:
    """Why the sandbox, not the code, made the import fail; None when the code did."""
    if outcome.status is Status.BLOCKED:
        return "the sandbox denied an operation the module performs at import"
    exception = outcome.exception
    if outcome.status is not Status.ERROR or exception is None:
        return None
    if exception.type in _ENVIRONMENT_EXCEPTIONS:
        if exception.type in ("ImportError", "ModuleNotFoundError"):
            return (
                f"it imports what the sandbox does not have ({exception.message.splitlines()[0]}"
                "; a module of its own package, or an optional dependency)"
                if exception.message
                else "it imports what the sandbox does not have"
            )
        return f"it needs the file system or the network at import ({outcome_text(outcome)})"
    if exception.type.rsplit(".", 1)[-1] in _CLIENT_NETWORK_ERRORS:
        # an HTTP client's own exception for a connection the sandbox has no network for
        return f"it needs the network at import ({outcome_text(outcome)})"
    if exception.type == "AttributeError" and re.search(
        r"__spec__|__package__|__loader__", exception.traceback
    ):
        # `__spec__.parent` and its kind name the package the module belongs to; a file
        # imported on its own, as the sandbox imports it, has none.
        return "it reads the package it belongs to (`__spec__`), which a file imported alone lacks"
    if exception.type == "KeyError" and "environ" in exception.traceback:
        return f"it reads an environment variable the sandbox does not set ({exception.message})"
    return None


def _unimportable(
    path: str,
    outcome: Outcome,
    unverified: list[str],
    findings: list[Finding],
    rules: frozenset[str],
) -> Ran:
    names = ", ".join(unverified[:MAX_FUNCTIONS])
    reason = _caused_by_the_sandbox(outcome)
    if reason is not None:
        note = f"{path}: not verified here: {names}: the module does not import in the sandbox: "
        return Ran([f for f in findings if f.rule in rules], [note + reason])
    failure = finding_for(
        "AS608",
        path=path,
        line=_failing_line(outcome),
        message=f"importing the module {outcome_text(outcome)}; not verified: {names}",
        evidence={
            "input": "<import>",
            "got": outcome_text(outcome),
            "expected": "the module imports",
            "status": str(outcome.status),
            "traceback_tail": traceback_tail(outcome),
            "not_verified": unverified,
        },
        fix="make the module's top-level code run without input, network or files (move "
        "demos under `if __name__ == '__main__':`)",
    )
    return Ran([f for f in [*findings, failure] if f.rule in rules], [])


def _failing_line(outcome: Outcome) -> int:
    """The line of the module's own code where the import failed (1 when unknown)."""
    if outcome.exception is None:
        return 1
    lines = re.findall(r'File "<[^"]*>", line (\d+)', outcome.exception.traceback)
    return int(lines[-1]) if lines else 1


def _probe_function(
    source: str,
    path: str,
    node: ast.FunctionDef,
    spec: Spec,
    types: ModuleTypes,
    box: Sandbox,
    reseeded: Sandbox,
    timeout_s: float,
) -> Ran:
    inputs, domains, notes = _inputs_for(path, node, spec, types)
    if not inputs and not spec.examples:
        return Ran([], notes)
    limits = Limits(timeout_s=timeout_s, memory_mb=512)
    runs: list[CandidateRun] = []
    # Two jobs at most (each one imports the module again): a first few inputs, then the
    # rest unless one of the first already hung.
    for start, end in ((0, CHUNK), (CHUNK, len(inputs))):
        chunk = inputs[start:end]
        if start and not chunk:
            break
        # The examples are evaluated with the first chunk only.
        chunk_spec = spec if start == 0 else replace(spec, examples=())
        (run,) = run_candidates(
            [(node.name, source)],
            chunk_spec,
            chunk,
            sandbox=box,
            limits=limits,
            preamble="",
            reseeded=reseeded,
            cover=True,
        )
        if not run.imported:
            raise _Unimportable(run.import_outcome)
        runs.append(run)
        if any(o.outcome.status is Status.TIMEOUT for o in run.observations):
            break
    merged, unbuilt = _drawn_arguments(_merge(runs))
    if unbuilt is not None:
        notes.append(f"{path}: {node.name} {_unprobed(spec)}: cannot build {unbuilt}")
    positional = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
    findings = runtime_findings(
        merged,
        spec,
        Location(path, node.lineno, node.name),
        refused=lambda observation: _refusal(
            observation, positional, [a.arg for a in node.args.kwonlyargs], domains
        ),
    )
    typed = [o for o in merged.observations if o.input.origin == "typed"]
    if typed and all(_not_built(o) for o in typed) and not spec.examples and unbuilt is None:
        refusals = {
            o.outcome.exception.message.splitlines()[0][:120]
            for o in typed
            if o.outcome.exception and o.outcome.exception.message
        }
        if refusals == {_NOT_DRAWN}:
            notes.append(f"{path}: {node.name} not probed: {_NOT_DRAWN}")
        else:
            notes.append(
                f"{path}: {node.name} not probed: the module refused every argument assay built"
                + (f" ({sorted(refusals)[0]})" if refusals else "")
            )
    blamed = _sandbox_blame(merged)
    if blamed is not None:
        notes.append(f"{path}: {node.name} not verifiable here: {blamed}")
        findings = [f for f in findings if f.rule not in {"AS602", "AS606"}]
    findings, path_note = _judged_by_paths(path, node, merged, findings)
    notes.extend(path_note)
    fallback = _returned_a_default(node, merged)
    if fallback is not None and any(f.rule == "AS606" for f in findings):
        notes.append(
            f"{path}: {node.name} returned the default of its parameter `{fallback}` for every "
            "input tried: no input reached a branch with another result, so constant output "
            "is not claimed"
        )
        findings = [f for f in findings if f.rule != "AS606"]
    return Ran(findings, notes)


def _has_any(shape: Shape) -> bool:
    return shape.kind == "any" or any(_has_any(item) for item in shape.items)


def _inputs_for(
    path: str, node: ast.FunctionDef, spec: Spec, types: ModuleTypes
) -> tuple[list[ProbeInput], dict[str, tuple[str, ...]], list[str]]:
    """The inputs to run `node` on, the domain it states per parameter, and notes.

    Functions of plain values (ints, strings, lists of them: the benchmarks' kind) keep the
    shape-driven inputs of `generate_inputs`; functions that take the module's classes,
    stdlib value types, Enum or Literal members, required keyword-only arguments, or that
    state their domain in constants get `typed_inputs`, built in the sandbox from
    expressions. A type neither can build is named in a note, never replaced by None.
    """
    shapes = infer_shapes(spec)
    keyword_only = any(default is None for default in node.args.kw_defaults)
    plain = shapes is not None and not any(_has_any(s) for s in shapes) and not keyword_only
    values, keys = stated_domains(node, types)
    if plain and not values and not keys:
        return generate_inputs(spec, budget=CHECK_BUDGET), {}, []
    plan = typed_inputs(node, types, node.name, budget=CHECK_BUDGET)
    if plan.missing:
        if plain:
            return generate_inputs(spec, budget=CHECK_BUDGET), {}, []
        examples = [i for i in generate_inputs(spec, budget=CHECK_BUDGET) if i.origin == "example"]
        if not any(_hopeless(name) for name in plan.missing):
            # The AST does not say how to build these types; the imported module does:
            # Hypothesis draws them in the sandbox.
            drawn = drawn_inputs(node.name, budget=CHECK_BUDGET - len(examples))
            return [*examples, *drawn], values, []
        names = ", ".join(f"`{name}`" for name in plan.missing)
        return examples, {}, [f"{path}: {node.name} {_unprobed(spec)}: cannot build {names}"]
    examples = [i for i in generate_inputs(spec, budget=CHECK_BUDGET) if i.origin == "example"]
    return [*examples, *plan.inputs][:CHECK_BUDGET], plan.domains, []


def _hopeless(name: str) -> bool:
    """A missing type that nothing can build: no annotation, or one that admits anything."""
    return name.endswith("(no annotation)") or name in {"Any", "typing.Any", "object"}


def _unprobed(spec: Spec) -> str:
    return "only its examples were run" if spec.examples else "not probed"


def _drawn_arguments(run: CandidateRun) -> tuple[CandidateRun, str | None]:
    """`run` with each drawn input (`drawn_inputs`) shown as the arguments the sandbox drew
    and printed, and without the repeated calls whose draw came out different (another
    process, another hash seed: their results are not comparable); and the type the
    sandbox could not build, if one stopped the drawing."""
    unbuilt: str | None = None
    observations: list[Observation] = []
    for observation in run.observations:
        outcome = observation.outcome
        if not observation.input.expression.startswith(DRAWN_CALL):
            observations.append(observation)
            continue
        if outcome.exception is not None and CANNOT_BUILD in outcome.exception.traceback:
            message = outcome.exception.message
            unbuilt = unbuilt or (message.split(" (", 1)[0] if message else "its arguments")
        shown = _drawn_shown(outcome)
        if shown is None:
            if outcome.status is Status.TIMEOUT:
                # the time ran out while drawing: the function was never called
                outcome = replace(
                    outcome,
                    status=Status.ERROR,
                    exception=ExceptionInfo(type=NOT_BUILT, message=_NOT_DRAWN, traceback=""),
                )
            observations.append(replace(observation, outcome=outcome))
            continue
        args, kwargs = shown
        placeholder = observation.input
        given = replace(
            placeholder, args=tuple(Expr(a) for a in args), kwargs={k: Expr(v) for k, v in kwargs}
        )
        after = outcome.args_after
        if after is not None and canonical_key(after) == placeholder.key:
            # the call left its arguments as drawn (see `probes.unpacked`)
            after = canonicalize((given.args, given.kwargs))
        observations.append(
            replace(
                observation,
                input=given,
                outcome=replace(outcome, stdout=_without_marker(outcome.stdout), args_after=after),
            )
        )

    def same_draw(index: int, again: Outcome) -> bool:
        first = run.observations[index]
        return not first.input.expression.startswith(DRAWN_CALL) or _drawn_shown(
            again
        ) == _drawn_shown(first.outcome)

    return (
        replace(
            run,
            observations=tuple(observations),
            repeats=tuple((i, o) for i, o in run.repeats if same_draw(i, o)),
            reseeded=tuple((i, o) for i, o in run.reseeded if same_draw(i, o)),
        ),
        unbuilt,
    )


def _without_marker(stdout: str) -> str:
    return "".join(
        line for line in stdout.splitlines(keepends=True) if not line.startswith(DRAWN_MARKER)
    )


def _drawn_shown(outcome: Outcome) -> tuple[list[str], list[tuple[str, str]]] | None:
    """The arguments a drawn call wrote (reprs), or None when it wrote none."""
    lines = [line for line in outcome.stdout.splitlines() if line.startswith(DRAWN_MARKER)]
    if not lines:
        return None
    try:
        args, kwargs = json.loads(lines[-1][len(DRAWN_MARKER) :])
        return [str(a) for a in args], [(str(k), str(v)) for k, v in kwargs]
    except (ValueError, TypeError):
        # The module ran beside the printing and may have patched it: an unreadable line
        # shows no arguments (the placeholder stays), it is not the sandbox failing.
        return None


def _not_built(observation: Observation) -> bool:
    exception = observation.outcome.exception
    return exception is not None and exception.type == NOT_BUILT


def _refusal(
    observation: Observation,
    positional: list[str],
    keyword_only: list[str],
    domains: dict[str, tuple[str, ...]],
) -> bool:
    """Whether a failing call is the code refusing its input rather than crashing: an
    ``assert`` of the function's own module that checks a parameter (a precondition), or
    a KeyError while some argument lies outside the values the code states it accepts."""
    exception = observation.outcome.exception
    if exception is None:
        return False
    if exception.type == "AssertionError":
        lines = [line.strip() for line in exception.traceback.strip().splitlines()]
        frames = [line for line in lines if line.startswith('File "')]
        code = [
            line
            for line in lines
            if line and not line.startswith(("File ", "Traceback", "^", "~", "AssertionError"))
        ]
        if frames and frames[-1].startswith('File "<') and code and code[-1].startswith("assert "):
            names = set(re.findall(r"[A-Za-z_]\w*", code[-1]))
            return bool(names & {*positional, *keyword_only})
    if exception.type == "KeyError" and domains:
        given = {
            **dict(zip(positional, observation.input.args, strict=False)),
            **observation.input.kwargs,
        }
        return any(
            name in given and repr(given[name]) not in stated for name, stated in domains.items()
        )
    return False


def _sandbox_blame(run: CandidateRun) -> str | None:
    """Why a call's failure is the sandbox's (no network, read-only files, no environment
    variable, a denied operation, a missing optional module); None when no call shows it."""
    for observation in run.observations:
        outcome = observation.outcome
        reason = _caused_by_the_sandbox(outcome)
        if reason is not None:
            return (
                reason.replace(" at import", "") + f" (on {observation.input.call_source('f')[1:]})"
            )
    return None


#: Nodes that give a function more than one path through its own code (a comprehension
#: runs in a frame of its own before Python 3.12, whose lines are not traced: a function
#: that branches only there counts as branch-free, as AS606 judged it before arcs).
_BRANCHING = (
    ast.If,
    ast.For,
    ast.While,
    ast.Try,
    ast.TryStar,
    ast.IfExp,
    ast.BoolOp,
    ast.Match,
    ast.Assert,
)


def _judged_by_paths(
    path: str, node: ast.FunctionDef, run: CandidateRun, findings: list[Finding]
) -> tuple[list[Finding], list[str]]:
    """AS606 kept only when the inputs reached different branches of the function (its
    line arcs differ between inputs) or when it has no branch at all; then the evidence
    shows the paths. When every input went the same way through a function that has other
    ways, a constant output says nothing about the code: the finding is dropped and a note
    says what was never reached."""
    constant = [f for f in findings if f.rule == "AS606"]
    ran = [
        o.outcome.arcs
        for o in run.observations
        if o.outcome.arcs and not _not_built(o) and o.outcome.status in (Status.OK, Status.ERROR)
    ]
    if not constant or not ran or any((-1, -1) in arcs for arcs in ran):
        return findings, []
    paths = {frozenset(arcs) for arcs in ran}
    reached = sorted({line for arcs in ran for pair in arcs for line in pair if line > 0})
    # The nodes that run in the function's own frame (nested scopes have code objects of
    # their own, traced apart).
    own = list(own_nodes(node.body))
    branches = sorted({n.lineno for n in own if isinstance(n, _BRANCHING)})
    if len(paths) >= 2 or not branches:
        shown = {
            "paths": len(paths),
            "lines_covered": reached,
            "branches_at": branches,
        }
        kept = [
            f.model_copy(update={"evidence": {**f.evidence, **shown}}) if f.rule == "AS606" else f
            for f in findings
        ]
        return kept, []
    statements = sorted(
        {
            n.lineno
            for n in own
            if isinstance(n, ast.stmt)
            and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
        }
    )
    unreached = [line for line in statements if line not in reached]
    never = (
        f"{_lines(unreached)} never ran"
        if unreached
        else f"the branches at {_lines(branches)} always went the same way"
    )
    note = (
        f"{path}: {node.name} returned {constant[0].evidence.get('got')} for every input tried, "
        f"and every input took the same path through it ({_lines(reached)}); "
        f"{never}: constant output is not claimed"
    )
    return [f for f in findings if f.rule != "AS606"], [note]


def _lines(numbers: Sequence[int]) -> str:
    return ("line " if len(numbers) == 1 else "lines ") + ", ".join(map(str, numbers))


def _returned_a_default(node: ast.FunctionDef, run: CandidateRun) -> str | None:
    """The optional parameter whose default every call returned (when no input passed it):
    the function handed back the caller's own fallback, which is no placeholder."""
    values = {o.key for o in run.observations if o.outcome.status is Status.OK}
    if len(values) != 1:
        return None
    (value,) = values
    positional = [*node.args.posonlyargs, *node.args.args]
    optional = list(
        zip(
            positional[len(positional) - len(node.args.defaults) :], node.args.defaults, strict=True
        )
    )
    optional += [
        (a, d)
        for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults, strict=True)
        if d is not None
    ]
    for argument, default in optional:
        literal = literal_value(default)
        if literal is NOT_LITERAL:
            continue
        index = positional.index(argument) if argument in positional else len(positional)
        passed = any(
            argument.arg in o.input.kwargs or len(o.input.args) > index for o in run.observations
        )
        if not passed and value == "v:" + str(canonical_key(canonicalize(literal))):
            return argument.arg
    return None


def _merge(runs: Sequence[CandidateRun]) -> CandidateRun:
    """One run from the runs of consecutive chunks of the inputs (indices shifted)."""
    offsets = [sum(len(run.observations) for run in runs[:k]) for k in range(len(runs))]
    return replace(
        runs[0],
        observations=tuple(o for run in runs for o in run.observations),
        repeats=tuple(
            (offset + i, o)
            for offset, run in zip(offsets, runs, strict=True)
            for i, o in run.repeats
        ),
        reseeded=tuple(
            (offset + i, o)
            for offset, run in zip(offsets, runs, strict=True)
            for i, o in run.reseeded
        ),
        executions=sum(run.executions for run in runs),
    )


def _cross_versions(
    source: str,
    path: str,
    tree: ast.Module,
    stem: str,
    names: list[str],
    box: Sandbox,
    reseeded: Sandbox,
    timeout_s: float,
) -> list[Finding]:
    nodes = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names}
    stub = "\n\n".join(ast.unparse(replace_name(nodes[name], stem)) for name in names)
    for name in names:
        stub = re.sub(rf"\b{re.escape(name)}\(", f"{stem}(", stub)
    spec = extract_spec(stub, stem)
    candidates = [CandidateSource(name, f"{source}\n\n{stem} = {name}\n") for name in names]
    result = crosscheck(
        spec,
        candidates,
        budget=CHECK_BUDGET,
        timeout_s=timeout_s,
        sandbox=box,
        preamble="",
        path=path,
        reseeded=reseeded,
    )
    findings: list[Finding] = []
    for verdict in result.verdicts:
        node = nodes[verdict.candidate]
        for finding in verdict.findings:
            if finding.rule.startswith("AS7"):
                findings.append(
                    finding.model_copy(update={"line": node.lineno, "function": node.name})
                )
    return findings
