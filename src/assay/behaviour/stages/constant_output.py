"""Confirm hard-coded results by running them: the same output whatever the input.

Functions whose every ``return`` is literal data are called in the sandbox with varied
inputs (from type hints and examples via `assay.behaviour.inputs`, else a fixed spread of
plain values). When at least `MIN_CALLS` different inputs all return the same value:

* an AS404 finding (statically: parameters never read) gets the calls and the output as
  ``evidence["dynamic"]``;
* a function that does read its parameters (so AS404 stayed silent) but still returns one
  constant is reported as AS408, with the calls as evidence.

Functions that touch the world (files, network, clock, randomness: the behaviour stage's
`_WORLDLY` pattern, shared so both probes skip the same functions) or whose constant is a bool or None (validators, procedures) are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assay.behaviour.inputs import ProbeInput, generate_inputs
from assay.behaviour.stages._frame import CheckedFile, Pool, Ran
from assay.behaviour.stages.functions import _WORLDLY
from assay.model import Finding
from assay.rules.silent_failure._literals import all_returns_literal, hardcoded_candidates
from assay.rules.silent_failure.same_literal_for_any_input import same_literal_for_any_input
from assay.sandbox import Call, Job, Limits, Sandbox, Status
from assay.source.parsed import parse_module

__all__ = ["MIN_CALLS", "RULES", "ConstantOutputProbe", "constant_outputs", "targets"]

#: Distinct successful calls needed before "always the same output" is claimed.
MIN_CALLS = 3
_BUDGET = 8
_SPREAD: tuple[Any, ...] = (0, 1, 7, -3, 2.5, "", "a", "hello world", [], [1, 2, 3], {"k": 1})


def _parameters(function: ast.FunctionDef) -> list[str]:
    return [a.arg for a in function.args.args if a.arg not in {"self", "cls"}]


def _returns_flag(function: ast.FunctionDef) -> bool:
    """Every return is a bool, None or a status code (0, 1, -1): a check or a procedure
    (a CLI command's ``return 0``), not data."""
    values = [n.value for n in ast.walk(function) if isinstance(n, ast.Return)]
    return all(
        v is None or (isinstance(v, ast.Constant) and v.value in (None, True, False, 0, 1, -1))
        for v in values
    )


def _returned_values(function: ast.FunctionDef) -> set[str]:
    """The distinct returned expressions: a classifier returns several literals (one per
    case), hard-coded data returns one."""
    return {
        ast.unparse(n.value) for n in ast.walk(function) if isinstance(n, ast.Return) and n.value
    }


def targets(source: str) -> list[ast.FunctionDef]:
    """Public top-level functions with parameters whose every return is the same literal
    data."""
    try:
        tree = parse_module(source)
    except (SyntaxError, ValueError):
        return []
    return _targets_in(tree)


def _targets_in(tree: ast.Module) -> list[ast.FunctionDef]:
    """`targets` of a parsed file."""
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.decorator_list:
            continue
        if not _parameters(node) or node.args.vararg or node.args.kwarg:
            continue
        if node.name.startswith("_") or len(_returned_values(node)) != 1:
            continue
        worldly = _WORLDLY.search(ast.unparse(node)) is not None
        if all_returns_literal(node) and not _returns_flag(node) and not worldly:
            found.append(node)
    return found


def _inputs(file: CheckedFile, function: ast.FunctionDef) -> list[ProbeInput]:
    spec = file.spec(function.name)
    generated = generate_inputs(spec, budget=_BUDGET, seed=0)
    if len(generated) >= MIN_CALLS:
        return generated
    required = [a for a in function.args.args if a.arg not in {"self", "cls"}]
    count = len(required) - len(function.args.defaults)
    count = max(count, 1)
    return [
        ProbeInput(
            tuple(_SPREAD[(i + 3 * j) % len(_SPREAD)] for j in range(count)), origin="spread"
        )
        for i in range(_BUDGET)
    ]


def constant_outputs(
    file: CheckedFile, functions: Sequence[ast.FunctionDef], *, box: Sandbox, timeout_s: float
) -> dict[str, dict[str, Any]]:
    """``function name -> evidence`` for those of `functions` (`targets` of `file`) that
    returned one value for every input tried (at least `MIN_CALLS` distinct successful
    calls)."""
    confirmed: dict[str, dict[str, Any]] = {}
    for function in functions:
        inputs = _inputs(file, function)
        job = Job(
            source=file.source,
            calls=tuple(Call.function(function.name, *i.args, **i.kwargs) for i in inputs),
            limits=Limits(timeout_s=timeout_s, memory_mb=256),
            name=f"constant-output:{function.name}",
        )
        result = box.run(job)
        if result.import_outcome.status is not Status.OK:
            return confirmed
        calls = [
            (item.call_source(function.name), outcome.value_repr)
            for item, outcome in zip(inputs, result.outcomes, strict=False)
            if outcome.ok
        ]
        outputs = {value for _, value in calls}
        if len(calls) >= MIN_CALLS and len(outputs) == 1:
            confirmed[function.name] = {
                "calls": [call for call, _ in calls],
                "output": calls[0][1],
                "constant": True,
            }
    return confirmed


def _merge(
    earlier: Sequence[Finding], path: str, work: _Work, confirmed: dict[str, dict[str, Any]]
) -> Ran:
    """The new AS408 findings of `file`, and its `earlier` findings with each confirmed
    AS404 carrying the calls as ``evidence["dynamic"]``."""
    tree, functions = work
    by_name = {f.name: f for f in functions}
    # Functions that never read their parameters are AS404's, confirmed or not.
    static_names = {node.name for node, _ in hardcoded_candidates(tree)}
    # The behaviour probe's AS606 (constant output against examples/hints) already said it.
    static_names |= {str(f.function) for f in earlier if f.rule == "AS606"}
    revised: list[Finding] = []
    for finding in earlier:
        if finding.rule == "AS404":
            name = str(finding.evidence.get("function", ""))
            if name in confirmed:
                evidence = {**finding.evidence, "dynamic": confirmed[name]}
                finding = finding.model_copy(update={"evidence": evidence})
        revised.append(finding)
    new = [
        finding
        for name, evidence in confirmed.items()
        if name not in static_names and name in by_name
        for finding in same_literal_for_any_input(path, by_name[name], evidence)
    ]
    return Ran(new, revised=revised)


#: The rules whose findings the constant-output probe confirms or reports.
RULES = frozenset({"AS404", "AS408"})
#: A file's tree and its functions whose every return is one literal.
_Work = tuple[ast.Module, list[ast.FunctionDef]]


@dataclass(frozen=True)
class ConstantOutputProbe:
    """The stage confirming hard-coded results by running them (AS404's evidence, AS408).

    Attributes:
        rules: the active ids of `RULES`.
        timeout_s: limit per call.
    """

    rules: frozenset[str]
    timeout_s: float
    name: str = "the constant-output probe"
    label: str = "constant-output probe"
    workers: int = 1

    def plan(self, file: CheckedFile) -> _Work | None:
        """The functions of `file` whose every return is one literal; None when none."""
        if not self.rules or file.tree is None:
            return None
        found = _targets_in(file.tree)
        return (file.tree, found) if found else None

    def warm(self, works: Sequence[_Work]) -> tuple[str, ...]:
        """Nothing: the calls take plain arguments built in the job."""
        return ()

    def run(
        self,
        file: CheckedFile,
        work: _Work,
        pool: Pool,
        earlier: Sequence[Finding],
    ) -> Ran:
        """Call the planned functions of `file` with varied inputs."""
        confirmed = constant_outputs(file, work[1], box=pool.sandbox(), timeout_s=self.timeout_s)
        return _merge(earlier, file.path, work, confirmed) if confirmed else Ran()
