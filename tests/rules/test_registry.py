"""Every rule is declared once, documented, and its documented example really fires.

Fixture format (tests/rules/fixtures/<RULE_ID>.py): real snippets; a line that must make the
rule fire ends with ``# expect: <RULE_ID>``; every other line must stay silent for that rule.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import assay
import assay.config
from assay.model import Family
from assay.rules import all_rules
from assay.rules._registry import REQUIRED_SECTIONS

FIXTURES = Path(__file__).parent / "fixtures"
RULES = all_rules()
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
#: Rules that compare with a git revision (--base). Their Example is checked against the Use
#: instead code as the committed base, their Use instead against itself, and their fixture
#: against `<ID>.base.py`, each in a real temporary git repository.
NEEDS_GIT_BASE = frozenset({"AS407", "AS702", "AS703"})


def _ids_found(source: str, rule_id: str, name: str) -> list[int]:
    report = assay.check_source(source, select=[rule_id], name=name, offline=True)
    assert not [e for e in report.errors if e.kind == "rule"], report.errors
    return sorted(f.line for f in report.findings if f.rule == rule_id)


def _ids_found_against_base(
    base: str, current: str, rule_id: str, repo: Path, name: str = "module.py"
) -> list[int]:
    repo.mkdir(parents=True, exist_ok=True)
    path = repo / name

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    path.write_text(base, encoding="utf-8")
    git("add", name)
    git("-c", "user.name=assay", "-c", "user.email=assay@example.invalid", "commit", "-qm", "base")
    path.write_text(current, encoding="utf-8")
    settings = assay.config.Settings(base="HEAD", offline=True)
    report = assay.check(path, settings=settings, select=[rule_id])
    assert not [e for e in report.errors if e.kind == "rule"], report.errors
    return sorted(f.line for f in report.findings if f.rule == rule_id)


def test_rule_ids_are_unique_and_well_formed() -> None:
    ids = [r.id for r in RULES]
    names = [r.name for r in RULES]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))
    assert {r.family for r in RULES} <= set(Family)


def test_families_are_exactly_the_public_ones() -> None:
    assert [f.value for f in Family] == [
        "hallucination",
        "deprecated",
        "security",
        "silent-failure",
        "performance",
        "runtime",
        "disagreement",
    ]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_complete_docs(rule: assay.rules.Rule) -> None:  # type: ignore[name-defined]
    for section in REQUIRED_SECTIONS:
        assert rule.docs.sections.get(section, "").strip(), f"{rule.id} lacks {section}"
    assert rule.docs.example.strip(), f"{rule.id}: Example needs a ```python block"
    assert rule.docs.use_instead.strip(), f"{rule.id}: Use instead needs a ```python block"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_documented_example_fires_and_use_instead_is_silent(
    rule: assay.rules.Rule,  # type: ignore[name-defined]
    tmp_path: Path,
) -> None:
    if rule.id in NEEDS_GIT_BASE:
        docs = rule.docs
        assert _ids_found_against_base(docs.use_instead, docs.example, rule.id, tmp_path / "a")
        assert (
            _ids_found_against_base(docs.use_instead, docs.use_instead, rule.id, tmp_path / "b")
            == []
        )
        return
    assert _ids_found(rule.docs.example, rule.id, "example.py"), f"{rule.id} example did not fire"
    assert _ids_found(rule.docs.use_instead, rule.id, "use_instead.py") == [], (
        f"{rule.id} fired on its own 'use instead' code"
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_fixture_expectations(rule: assay.rules.Rule, tmp_path: Path) -> None:  # type: ignore[name-defined]
    fixture = FIXTURES / f"{rule.id}.py"
    assert fixture.is_file(), f"{rule.id} has no fixture at {fixture}"
    source = fixture.read_text(encoding="utf-8")
    expected = sorted(
        number
        for number, line in enumerate(source.splitlines(), start=1)
        if (m := _EXPECT.search(line)) and rule.id in {p.strip() for p in m.group(1).split(",")}
    )
    assert expected, f"{fixture} has no '# expect: {rule.id}' line"
    if rule.id in NEEDS_GIT_BASE:
        base = (FIXTURES / f"{rule.id}.base.py").read_text(encoding="utf-8")
        assert _ids_found_against_base(base, source, rule.id, tmp_path) == expected
        return
    assert _ids_found(source, rule.id, fixture.name) == expected
