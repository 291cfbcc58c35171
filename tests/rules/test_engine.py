"""The static stage: parse errors and faulty rules are reported, never crash or vanish."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.config import Settings
from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._engine import check_source
from assay.rules._registry import Rule, parse_docs

_DOCS = parse_docs(
    """Flags every call.

    ## What it finds
    Calls.
    ## Why it matters for AI-written code
    Test only.
    ## Example
    ```python
    f()
    ```
    ## Use instead
    ```python
    x = 1
    ```
    """,
    rule_id="AS199",
)


def _every_call(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    yield ctx.finding(node, "a call", evidence={"call": ctx.segment(node)})


def _broken(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    raise KeyError("boom")
    yield  # pragma: no cover


def _rule(check: object, rule_id: str = "AS199") -> Rule:
    return Rule(
        id=rule_id,
        name=f"test-{rule_id.lower()}",
        family=Family.HALLUCINATION,
        severity=Severity.WARNING,
        docs=_DOCS,
        kind="ast",
        nodes=(ast.Call,),
        check=check,  # type: ignore[arg-type]
    )


def test_rule_findings_carry_location_and_evidence() -> None:
    findings, errors = check_source(
        "a = 1\nprint(a)\n", "m.py", Settings(), rules=[_rule(_every_call)]
    )
    assert errors == []
    assert [(f.rule, f.line, f.col, f.evidence) for f in findings] == [
        ("AS199", 2, 0, {"call": "print(a)"})
    ]


def test_syntax_error_is_a_file_error_with_position() -> None:
    findings, errors = check_source("def f(:\n", "bad.py", Settings(), rules=[_rule(_every_call)])
    assert findings == []
    assert len(errors) == 1 and errors[0].kind == "parse" and errors[0].line == 1


def test_a_crashing_rule_is_reported_once_and_other_rules_still_run() -> None:
    findings, errors = check_source(
        "f()\ng()\n", "m.py", Settings(), rules=[_rule(_broken, "AS198"), _rule(_every_call)]
    )
    assert [f.line for f in findings] == [1, 2]
    assert len(errors) == 1 and "AS198" in errors[0].message and errors[0].kind == "rule"


def test_inline_suppression_and_severity_override() -> None:
    source = "f()  # assay: ignore[AS199]\ng()  # assay: ignore\nh()  # assay: ignore[AS101]\n"
    settings = Settings(severity={"AS199": Severity.ERROR})
    findings, _ = check_source(source, "m.py", settings, rules=[_rule(_every_call)])
    assert [(f.line, f.severity) for f in findings] == [(3, Severity.ERROR)]
