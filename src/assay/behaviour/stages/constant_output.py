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
from typing import Any

from assay.behaviour.inputs import ProbeInput, generate_inputs
from assay.behaviour.spec import extract_spec
from assay.behaviour.stages._frame import guarded, plan_files
from assay.behaviour.stages.functions import _WORLDLY, _suppressed
from assay.config import Settings
from assay.model import Finding, Report, Severity
from assay.rules.silent_failure._literals import all_returns_literal, hardcoded_candidates
from assay.rules.silent_failure.same_literal_for_any_input import same_literal_for_any_input
from assay.sandbox import Call, Job, Limits, Sandbox, Status

__all__ = ["MIN_CALLS", "constant_outputs", "with_constant_output"]

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
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
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


def _inputs(source: str, function: ast.FunctionDef) -> list[ProbeInput]:
    spec = extract_spec(source, function.name)
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
    source: str, *, box: Sandbox, timeout_s: float = 2.0
) -> dict[str, dict[str, Any]]:
    """``function name -> evidence`` for the functions that returned one value for every
    input tried (at least `MIN_CALLS` distinct successful calls)."""
    confirmed: dict[str, dict[str, Any]] = {}
    for function in targets(source):
        inputs = _inputs(source, function)
        job = Job(
            source=source,
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
    report: Report, path: str, source: str, confirmed: dict[str, dict[str, Any]]
) -> tuple[list[Finding], list[Finding]]:
    """(updated static findings of `path`, new AS408 findings)."""
    by_name = {f.name: f for f in targets(source)}
    # Functions that never read their parameters are AS404's, confirmed or not.
    static_names = {node.name for node, _ in hardcoded_candidates(ast.parse(source))}
    # The behaviour probe's AS606 (constant output against examples/hints) already said it.
    static_names |= {
        str(f.function) for f in report.findings if f.path == path and f.rule == "AS606"
    }
    updated: list[Finding] = []
    for finding in report.findings:
        if finding.path == path and finding.rule == "AS404":
            name = str(finding.evidence.get("function", ""))
            if name in confirmed:
                evidence = {**finding.evidence, "dynamic": confirmed[name]}
                finding = finding.model_copy(update={"evidence": evidence})
        updated.append(finding)
    new = [
        finding
        for name, evidence in confirmed.items()
        if name not in static_names and name in by_name
        for finding in same_literal_for_any_input(path, by_name[name], evidence)
    ]
    return updated, new


def _selected(settings: Settings) -> set[str]:
    from assay.rules._engine import active_rules

    return {r.id for r in active_rules(settings)} & {"AS404", "AS408"}


def with_constant_output(report: Report, settings: Settings) -> Report:
    """`report` with AS404 findings confirmed in the sandbox and AS408 findings added."""
    from assay.errors import SandboxError

    wanted = _selected(settings)
    if not wanted or not report.sources:
        return report
    findings = list(report.findings)
    added: list[Finding] = []
    work, failed = plan_files(
        report.sources, lambda source: targets(source) or None, "the constant-output probe"
    )
    report = report.model_copy(update={"errors": [*report.errors, *failed]})
    failed = []
    if not work:
        return report
    try:
        with Sandbox(workers=1) as box:
            for path, (source, _) in work.items():
                confirmed = guarded(
                    path,
                    "the constant-output probe",
                    failed,
                    constant_outputs,
                    source,
                    box=box,
                    timeout_s=settings.probe_timeout,
                )
                if not confirmed:
                    continue
                probe = report.model_copy(update={"findings": findings})
                findings, new = _merge(probe, path, source, confirmed)
                added.extend(f for f in new if "AS408" in wanted and not _ignored(source, f))
    except SandboxError as error:
        return report.model_copy(
            update={"warnings": [*report.warnings, f"constant-output probe did not run: {error}"]}
        )
    overridden = [_override(f, settings) for f in added]
    return report.model_copy(
        update={
            "findings": sorted([*findings, *overridden], key=Finding.sort_key),
            "errors": [*report.errors, *failed],
        }
    )


def _ignored(source: str, finding: Finding) -> bool:
    return _suppressed(source, finding)


def _override(finding: Finding, settings: Settings) -> Finding:
    severity: Severity | None = settings.severity.get(finding.rule)
    return finding if severity is None else finding.model_copy(update={"severity": severity})
