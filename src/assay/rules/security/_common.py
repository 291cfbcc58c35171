"""Helpers every security rule uses: what a call calls and passes, and a finding that
carries its CWE and the Bandit results it supersedes (and, for a tainted value, its flow)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from assay.model import Finding, Fix, Severity
from assay.rules._context import Context
from assay.rules._support.dataflow import Flow, SourceKind
from assay.rules._support.fixes import renaming_attribute
from assay.rules.security._bandit import _bandit_on_lines, _covered_lines
from assay.rules.security._sinks import _flow_evidence, _source_text
from assay.syntax import dotted_name, last_name


def _callee(ctx: Context, call: ast.Call) -> str:
    """The qualified name of what is called (through imports), else its dotted source."""
    return ctx.qualname(call.func) or dotted_name(call.func) or last_name(call.func)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _argument(call: ast.Call, position: int, *names: str) -> ast.expr | None:
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    for name in names:
        value = _keyword(call, name)
        if value is not None:
            return value
    return None


def _is_const(expr: ast.AST | None, value: object) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is value


def _finding(
    ctx: Context,
    node: ast.AST,
    message: str,
    *,
    evidence: dict[str, Any],
    fix: str,
    severity: Severity | None = None,
    built_at: Iterable[int] = (),
    autofix: Fix | None = None,
) -> Finding:
    """A finding of the running rule with its CWE, the lines where the reported value was
    built (`built_at`), and the Bandit results it supersedes on those lines.

    A superseded Bandit MEDIUM/HIGH result raises the finding to at least a warning: the
    assay rule speaks for Bandit's result there, so it may add evidence and severity but never
    show less than Bandit would (issue 21)."""
    current = ctx.current_rule
    extra: dict[str, Any] = {"cwe": current.cwe if current is not None else None, **evidence}
    construction = sorted(set(built_at))
    if construction:
        extra["construction_lines"] = construction
    finding = ctx.finding(
        node, message, evidence=extra, fix=fix, autofix=autofix, severity=severity
    )
    if current is not None:
        relayed = _bandit_on_lines(ctx, _covered_lines(finding), current.id)
        if relayed:
            update: dict[str, Any] = {
                "evidence": {**extra, "bandit": [issue.evidence() for issue in relayed]}
            }
            floor = max((issue.floor for issue in relayed), key=lambda s: s.rank)
            if finding.severity.rank < floor.rank:
                update["severity"] = floor
            finding = finding.model_copy(update=update)
    return finding


def _tainted_finding(
    ctx: Context,
    node: ast.AST,
    flow: Flow,
    kinds: tuple[SourceKind, ...],
    message: Callable[[str], str],
    *,
    evidence: dict[str, Any],
    fix: str,
    severity: Severity | None = None,
    autofix: Fix | None = None,
) -> Finding:
    """A `_finding` about a value that reaches a sink from a source of `kinds`: `message` is
    given what the value comes from (``request.args['next']``, "a parameter"), and the
    evidence ends with the flow's sources and steps of those kinds."""
    return _finding(
        ctx,
        node,
        message(_source_text(flow, kinds)),
        evidence={**evidence, **_flow_evidence(flow, kinds)},
        fix=fix,
        severity=severity,
        autofix=autofix,
    )


def safe_yaml_fix(callee: str, call: ast.Call) -> Fix | None:
    """``yaml.load(stream)`` -> ``yaml.safe_load(stream)`` (and ``load_all``) when no Loader
    is passed. Safe: since PyYAML 6 a call without Loader raises TypeError, and before it
    loaded with FullLoader, which PyYAML documents as unsafe for untrusted input; a call
    that names a Loader chose one, and stays a person's decision."""
    if callee not in {"yaml.load", "yaml.load_all"} or not isinstance(call.func, ast.Attribute):
        return None
    if _argument(call, 1, "Loader") is not None or any(k.arg is None for k in call.keywords):
        return None
    new = "safe_" + call.func.attr
    return renaming_attribute(call.func, new, f"Replace `{callee}` with `yaml.{new}`")
