"""Severity calibration of the static performance shapes and AS508's plumbing."""

from __future__ import annotations

import pytest

import assay
import assay.sandbox
from assay.errors import SandboxUnavailable
from assay.model import Severity
from assay.rules.performance import sqlite_full_scan_on_keyed_lookup as as508


def _findings(source: str, rule: str) -> list[tuple[int, Severity]]:
    report = assay.check_source(source, select=[rule], offline=True, dynamic=False)
    assert report.errors == []
    return [(f.line, f.severity) for f in report.findings]


def test_accumulator_membership_over_the_input_is_a_warning_and_products_are_info() -> None:
    source = (
        "def unique(items):\n"
        "    seen = []\n"
        "    for item in items:\n"
        "        if item not in seen:\n"
        "            seen.append(item)\n"
        "    return seen\n"
        "\n"
        "def common(left, right: list[int]):\n"
        "    return [x for x in left if x in right]\n"
    )
    assert _findings(source, "AS501") == [(4, Severity.WARNING), (9, Severity.INFO)]


def test_pop_front_is_a_warning_even_in_a_while_loop_over_a_local_queue() -> None:
    source = "def drain(start):\n    queue = [start]\n    while queue:\n        queue.pop(0)\n"
    assert _findings(source, "AS502") == [(4, Severity.WARNING)]


def test_string_building_is_info_for_str_and_a_warning_for_bytes() -> None:
    source = (
        "def to_csv(rows, columns):\n"
        "    out = ','.join(columns) + '\\n'\n"
        "    for row in rows:\n"
        "        out += ','.join(row)\n"
        "    return out\n"
        "\n"
        "def pack(frames):\n"
        "    data = b''\n"
        "    for frame in frames:\n"
        "        data += frame\n"
        "    return data\n"
    )
    assert _findings(source, "AS503") == [(4, Severity.INFO), (10, Severity.WARNING)]


def test_keyed_columns_come_from_the_where_clause_only() -> None:
    assert as508._keyed_columns("SELECT a FROM t WHERE email = ? ORDER BY b = 1") == ["email"]
    assert as508._keyed_columns("SELECT a FROM t WHERE t.id = :id AND kind = 'x'") == [
        "id",
        "kind",
    ]
    assert as508._keyed_columns("SELECT a FROM t WHERE total > 100") == []


SQLITE = (
    "import sqlite3\n"
    "db = sqlite3.connect(':memory:')\n"
    "db.execute('CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)')\n"
    "row = db.execute('SELECT id FROM users WHERE email = ?', ('a',)).fetchone()\n"
)


def test_sqlite_plans_are_not_made_without_dynamic_checks() -> None:
    assert _findings(SQLITE, "AS508") == []


def test_sqlite_planning_says_so_when_the_sandbox_cannot_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unavailable(**kwargs: object) -> None:
        raise SandboxUnavailable("no isolation mechanism here")

    monkeypatch.setattr(assay.sandbox, "Sandbox", unavailable)
    report = assay.check_source(SQLITE, select=["AS508"], offline=True, dynamic=True)
    assert report.findings == []
    assert report.warnings == ["SQLite query planning did not run: no isolation mechanism here"]


def test_a_full_scan_is_reported_at_the_call_in_its_function() -> None:
    source = SQLITE.replace(
        "row = db.execute(", "def find(email):\n    return db.execute("
    ).replace("('a',))", "(email,))")
    report = assay.check_source(source, select=["AS508"], offline=True, dynamic=True)
    [finding] = report.findings
    assert (finding.line, finding.col, finding.end_line, finding.end_col) == (5, 11, 5, 71)
    assert finding.function == "find" and finding.severity is Severity.WARNING
    assert finding.evidence["lookup_columns"] == ["email"]
    assert [step.split()[0] for step in finding.evidence["plan"]] == ["SCAN"]


def test_front_operations_on_one_list_in_one_loop_are_one_finding() -> None:
    source = (
        "def decode(parts):\n"
        "    words = []\n"
        "    while parts:\n"
        "        text = parts.pop(0)\n"
        "        if parts:\n"
        "            charset = parts.pop(0)\n"
        "            encoded = parts.pop(0)\n"
        "            words.append((text, charset, encoded))\n"
        "    return words\n"
    )
    report = assay.check_source(source, select=["AS502"], offline=True, dynamic=False)
    assert [(f.line, f.evidence["calls"]) for f in report.findings] == [(4, [4, 6, 7])]
    assert "2 more on parts" in report.findings[0].message
