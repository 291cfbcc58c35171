"""AS300 `bandit`: every Bandit result an assay rule does not already report."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from assay.model import Family, Finding, Fix, Severity
from assay.rules._context import Context
from assay.rules._registry import Rule, all_rules, iter_selected, rule
from assay.rules.security._bandit import _SUPERSEDED, _bandit_url, _covered_lines, bandit_issues
from assay.rules.security._common import _callee, safe_yaml_fix
from assay.rules.security._harmless import why_harmless

__all__: list[str] = []


#: Bandit (severity, confidence) -> assay severity. Every MEDIUM/HIGH result is at least a
#: warning (issue 21: never weaker than Bandit); confident HIGH results are errors; LOW
#: results are information (assay's own rules report LOW sinks their data flow confirms).
_SEVERITY = {
    ("HIGH", "HIGH"): Severity.ERROR,
    ("HIGH", "MEDIUM"): Severity.ERROR,
}


_BANDIT_FIXES = {
    "B105": "Read the secret from the environment or a secret store instead of the source.",
    "B106": "Read the secret from the environment or a secret store instead of the source.",
    "B107": "Read the secret from the environment or a secret store instead of the source.",
    "B108": "Use tempfile.mkstemp()/TemporaryDirectory() instead of a fixed /tmp path.",
    "B113": "Pass timeout= so a stalled server cannot hang the caller forever.",
    "B310": "Check the URL scheme (http/https only) before urlopen, or use requests/httpx.",
    "B314": "Parse untrusted XML with defusedxml.",
    "B320": "Parse untrusted XML with defusedxml.",
    "B405": "Parse untrusted XML with defusedxml.",
    "B404": "Make sure every subprocess call takes a list of arguments and no shell.",
    "B403": "Do not unpickle data you did not produce; use json for data from outside.",
    "B603": "Make sure the program and arguments cannot be chosen by an untrusted user.",
    "B607": "Call the program by its absolute path, or resolve it with shutil.which().",
    "B701": "Create the Environment with autoescape=select_autoescape() (or True).",
}


def _active(ctx: Context) -> dict[str, Rule]:
    return {r.id: r for r in iter_selected(all_rules(), ctx.settings.select, ctx.settings.ignore)}


def _lines_reported_by(ctx: Context, candidate: Rule) -> set[int]:
    """Every line `candidate` speaks for in this file (runs its check over the tree)."""
    lines: set[int] = set()
    if candidate.check is None:
        return lines
    for node in ast.walk(ctx.tree):
        if isinstance(node, candidate.nodes):
            for finding in candidate.check(node, ctx):
                lines |= _covered_lines(finding)
    return lines


@rule(id="AS300", name="bandit", family=Family.SECURITY, severity=Severity.WARNING, kind="module")
def bandit(ctx: Context) -> Iterator[Finding]:
    """A Bandit check failed (test id, CWE and Bandit's severity in the evidence).

    ## What it finds
    Everything Bandit (PyCQA's security linter, run in-process) reports, except B101
    (`assert` anywhere; AS406 reports the asserts that actually validate input) and the
    import-only and list-form subprocess notices. Each finding carries Bandit's test id
    (`B602`), test name, message, CWE id, severity and confidence. Never weaker than Bandit:
    a MEDIUM or HIGH result is at least a warning (an error when HIGH at medium or high
    confidence), a LOW result is information. Where an assay rule reports the same issue on
    the same line (e.g. AS302 for B602 `shell=True`), only the assay finding is shown, with
    Bandit's result attached and at least Bandit's floor. Where the assay rule for that sink
    checked the line and did not fire (`checked_by`), or the flagged expression's own syntax
    shows it harmless (`Markup` of text built only from constants and escaped parts,
    "0.0.0.0" only compared), the result is shown at the floor, a warning, never less; the
    latter at low confidence with the reason in `assay_assessment`. `# nosec` and
    `# nosec B602,B607` are honoured exactly as Bandit honours them.

    ## Why it matters for AI-written code
    Assistants reproduce the insecure idioms of their training data (`yaml.load`, hard-coded
    passwords, `tempfile` paths in `/tmp`, `urlopen` on arbitrary schemes). Bandit's
    checks are mature; assay keeps their ids so teams that already triage Bandit can map
    findings one to one.

    ## Example
    ```python
    import xml.etree.ElementTree as ET

    def parse(payload):
        return ET.fromstring(payload)
    ```

    ## Use instead
    ```python
    import defusedxml.ElementTree as ET

    def parse(payload):
        return ET.fromstring(payload)
    ```
    """
    active = _active(ctx)
    reported: dict[str, set[int]] = {}
    for issue in bandit_issues(ctx):
        owners = [active[r] for r in _SUPERSEDED.get(issue.test_id, ()) if r in active]
        for owner in owners:
            if owner.id not in reported:
                reported[owner.id] = _lines_reported_by(ctx, owner)
        if any(issue.line in reported[owner.id] for owner in owners):
            continue
        more = _bandit_url(issue.test_id)
        evidence: dict[str, Any] = {**issue.evidence(), "more_info": more}
        severity = _SEVERITY.get((issue.severity, issue.confidence), issue.floor)
        confidence = issue.confidence.lower()
        if owners:
            # The assay rule for this sink asks a narrower question (a password? request
            # data?) and answered no here: that is evidence, not a reason to show less than
            # Bandit. Shown at Bandit's floor: a warning for MEDIUM/HIGH, never less.
            evidence["checked_by"] = [owner.id for owner in owners]
            evidence["assay_checked"] = (
                f"{', '.join(f'{o.id} ({o.name})' for o in owners)} checked this line and did "
                "not fire; Bandit's broader pattern stands"
            )
            severity = issue.floor
        harmless = why_harmless(ctx, issue)
        if harmless:
            # The flagged expression's own syntax shows it cannot be exploited: still never
            # below Bandit's floor, but at low confidence and with the reason.
            evidence["assay_assessment"] = f"probably harmless: {harmless}"
            severity, confidence = issue.floor, "low"
        finding = ctx.finding(
            None,
            f"Bandit {issue.test_id} ({issue.test}): {issue.text}",
            evidence=evidence,
            fix=_BANDIT_FIXES.get(
                issue.test_id, f"See Bandit's guidance for {issue.test_id}: {more}"
            ),
            severity=severity,
            line=issue.line,
            col=issue.col,
            autofix=_yaml_fix_on_line(ctx, issue.line) if issue.test_id == "B506" else None,
        )
        yield finding.model_copy(update={"confidence": confidence})


def _yaml_fix_on_line(ctx: Context, line: int) -> Fix | None:
    """B506 (`yaml.load`) names a line, not a call: the fix of the one yaml.load call that
    starts there (AS307 offers the same fix where it reports the call itself)."""
    fixes = [
        fix
        for node in ast.walk(ctx.tree)
        if isinstance(node, ast.Call) and node.lineno == line
        for fix in [safe_yaml_fix(_callee(ctx, node), node)]
        if fix is not None
    ]
    return fixes[0] if len(fixes) == 1 else None
