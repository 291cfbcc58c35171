"""Trust tiers: classification from the AST, findings raising tiers, and rendering."""

from __future__ import annotations

import ast

from assay.model import Family, Finding, Report, Severity, TrustTier
from assay.report.markdown import render_markdown
from assay.report.text import render_text
from assay.rules._tiers import CHECKLISTS, review_functions, with_reviews

SOURCE = """
import subprocess
import numpy as np


class Config:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


def run(command):
    return subprocess.run(command, check=True)


def pairs(items):
    out = []
    for a in items:
        for b in items:
            out.append((a, b))
    return out


def norm(values):
    return np.sqrt(np.sum(np.square(values)))


def clamp(value, low, high):
    if value < low:
        return low
    return min(value, high)


def check_login(username, password):
    return username == "admin"
"""


def _tiers(source: str, findings: list[Finding] | None = None) -> dict[str, TrustTier]:
    reviews = review_functions(ast.parse(source), "m.py", findings or [])
    return {r.function: r.tier for r in reviews}


def test_each_tier_is_recognised_from_the_ast() -> None:
    assert _tiers(SOURCE) == {
        "__init__": TrustTier.BOILERPLATE,
        "get_name": TrustTier.BOILERPLATE,
        "run": TrustTier.SECURITY_SENSITIVE,
        "pairs": TrustTier.PERFORMANCE_CRITICAL,
        "norm": TrustTier.PERFORMANCE_CRITICAL,
        "clamp": TrustTier.LOGIC,
        "check_login": TrustTier.SECURITY_SENSITIVE,
    }


def test_reviews_carry_reasons_and_the_tier_checklist() -> None:
    reviews = {r.function: r for r in review_functions(ast.parse(SOURCE), "m.py")}
    assert reviews["run"].reasons == ["calls subprocess.run (subprocess)"]
    assert reviews["pairs"].checklist == list(CHECKLISTS[TrustTier.PERFORMANCE_CRITICAL])
    assert any("data flow" in item.lower() or "trace" in item.lower()
               for item in reviews["run"].checklist)  # fmt: skip


def test_findings_raise_the_tier_of_their_function() -> None:
    finding = Finding(
        rule="AS301", family=Family.SECURITY, severity=Severity.ERROR, path="m.py", line=29,
        col=0, message="m", function="clamp",
    )  # fmt: skip
    assert _tiers(SOURCE, [finding])["clamp"] is TrustTier.SECURITY_SENSITIVE


def test_reports_show_tiers_in_text_and_markdown() -> None:
    report = with_reviews(Report(files=["m.py"], sources={"m.py": SOURCE}))
    assert len(report.functions) == 7
    assert "Review by trust tier" not in render_text(report), "the tier block is opt-in"
    text = render_text(report, tiers=True)
    assert "Review by trust tier (7 functions: 2 security-sensitive" in text
    assert "m.py:14 run() — calls subprocess.run" in text
    markdown = render_markdown(report)
    assert "## Review by trust tier" in markdown
    assert "2 boilerplate function(s) not listed." in markdown
    assert "- [ ] State the complexity in the input size" in markdown


def test_unparsable_sources_have_no_reviews() -> None:
    report = with_reviews(Report(files=["bad.py"], sources={"bad.py": "def ("}))
    assert report.functions == []
