"""Reports meet the habits of the tools next to them: 1-based columns everywhere, counts that
mean what they say, lines that are not wrapped, and SARIF that GitHub code scanning uses."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from tests.report.test_renderers import sample_report

from assay import check_source
from assay.model import SCHEMA_VERSION, FileError, Report
from assay.report import render
from assay.report.sarif import sarif_dict
from assay.report.text import render_text
from assay.rules._registry import REPOSITORY_URL

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib


def test_json_columns_are_one_based_like_text_and_sarif() -> None:
    report = sample_report()
    data = json.loads(render(report, "json"))
    assert data["schema_version"] == SCHEMA_VERSION == "2.1"
    first = report.findings[0]
    as_json = next(f for f in data["findings"] if f["rule"] == first.rule)
    assert as_json["col"] == first.col + 1
    sarif = json.loads(render(report, "sarif"))["runs"][0]["results"]
    region = next(r for r in sarif if r["ruleId"] == first.rule)["locations"][0]
    assert as_json["col"] == region["physicalLocation"]["region"]["startColumn"]
    assert f"{first.line}:{first.col + 1} {first.rule}" in render_text(report)
    assert data["errors"][0]["col"] == report.errors[0].col + 1  # type: ignore[operator]


def test_files_that_could_not_be_read_or_parsed_are_not_counted_as_checked() -> None:
    report = sample_report()
    assert len(report.files) == 3 and len(report.errors) == 1
    assert "in 2 file(s) checked; 1 file(s) could not be checked" in render_text(report)
    rule_failed = report.model_copy(
        update={
            "errors": [
                *report.errors,
                FileError(path="app/other.py", message="rule AS501 failed", kind="rule"),
            ]
        }
    )
    summary = render_text(rule_failed).splitlines()[-1]
    assert "in 2 file(s) checked" in summary and "1 file(s) only partly checked" in summary


def test_text_lines_are_not_wrapped_at_a_fixed_width() -> None:
    report = sample_report()
    long = report.findings[0].model_copy(update={"message": "x" * 300})
    text = render_text(report.model_copy(update={"findings": [long]}))
    assert any(line.endswith("x" * 300) for line in text.splitlines())


# --- SARIF: the fields GitHub code scanning documents ------------------------------------

_TAINTED = """import subprocess
from flask import request


def run():
    name = request.args["name"]
    cmd = "ls " + name
    return subprocess.check_output(cmd, shell=True)


def twice(text):
    import pickle
    pickle.loads(text)
    pickle.loads(text)
"""

ROOT = Path(__file__).resolve().parents[2]


def _checked(source: str) -> Report:
    return check_source(source, name="app/views.py", dynamic=False, offline=True)


def _run(report: Report, **where: str) -> dict[str, Any]:
    run: dict[str, Any] = sarif_dict(report, **where)["runs"][0]
    return run


def test_sarif_rules_carry_what_code_scanning_ranks_alerts_by() -> None:
    rules = {r["id"]: r for r in _run(sample_report())["tool"]["driver"]["rules"]}
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    repository = urls["Repository"]
    assert repository == REPOSITORY_URL and repository.startswith("https://")
    for entry in rules.values():
        props = entry["properties"]
        assert props["precision"] in {"very-high", "high", "medium", "low"}
        assert props["problem.severity"] in {"error", "warning", "recommendation"}
        short = entry["shortDescription"]["text"]
        assert "\n" not in short and 0 < len(short) <= 1024, entry["id"]
        assert len(props["tags"]) == len(set(props["tags"])) <= 20
        assert entry["helpUri"] == f"{repository}/blob/main/docs/rules.md#{entry['id'].lower()}"
        if props["family"] == "security":
            score = float(props["security-severity"])
            assert 0.1 <= score <= 10.0 and "security" in props["tags"], entry["id"]
        else:
            assert "security-severity" not in props, entry["id"]
    assert float(rules["AS302"]["properties"]["security-severity"]) >= 9.0, "critical"
    assert 7.0 <= float(rules["AS313"]["properties"]["security-severity"]) < 9.0, "high"
    assert "external/cwe/cwe-78" in rules["AS302"]["properties"]["tags"]
    headings = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "\n## AS302\n" in headings, "helpUri's anchor is a section of docs/rules.md"


def test_sarif_results_have_the_fields_github_requires() -> None:
    run = _run(_checked(_TAINTED))
    assert run["results"]
    for result in run["results"]:
        assert result["ruleId"] and result["message"]["text"]
        assert 1 <= len(result["locations"]) <= 10
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "app/views.py", "uriBaseId": "%SRCROOT%"}
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
        assert set(result["partialFingerprints"]) == {"assayFindingHash/v1"}


def test_sarif_fingerprints_survive_unrelated_edits_above_and_tell_twins_apart() -> None:
    before = _run(_checked(_TAINTED))["results"]
    edited = _TAINTED.replace("import subprocess\n", "import subprocess\nimport sys\n\n\n", 1)
    edited = edited.replace("    pickle.loads", "    # comment\n    pickle.loads", 1)
    after = _run(_checked(edited))["results"]

    def keys(results: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return sorted(
            (r["ruleId"], r["partialFingerprints"]["assayFindingHash/v1"]) for r in results
        )

    assert keys(before) == keys(after)
    lines_before = sorted(
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before
    )
    lines_after = sorted(
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after
    )
    assert lines_before != lines_after, "the findings did move"
    twins = [r for r in before if r["ruleId"] == "AS307"]
    assert len(twins) == 2
    assert len({r["partialFingerprints"]["assayFindingHash/v1"] for r in twins}) == 2
    changed = _run(_checked(_TAINTED.replace("shell=True)", "shell=True, text=True)")))["results"]
    assert keys(changed) != keys(before), "editing the flagged line changes its identity"


def test_sarif_uris_are_relative_to_the_repository_root() -> None:
    report = sample_report()
    finding = report.findings[0].model_copy(update={"path": "/repo/src/app/util.py"})
    outside = report.findings[0].model_copy(update={"path": "/elsewhere/x.py"})
    relative = report.findings[0].model_copy(update={"path": "app/util.py"})
    run = _run(
        report.model_copy(update={"findings": [finding, outside, relative], "errors": []}),
        root="/repo",
        cwd="/repo/src",
    )
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert uris == [
        {"uri": "src/app/util.py", "uriBaseId": "%SRCROOT%"},
        {"uri": "file:///elsewhere/x.py"},
        {"uri": "src/app/util.py", "uriBaseId": "%SRCROOT%"},
    ]


def test_sarif_code_flows_follow_the_taint_path() -> None:
    run = _run(_checked(_TAINTED))
    (shell,) = [r for r in run["results"] if r["ruleId"] == "AS302"]
    (flow,) = shell["codeFlows"]
    steps = flow["threadFlows"][0]["locations"]
    lines = [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps]
    assert lines[0] == 6 and lines[-1] == 8 and 7 in lines
    assert "request.args" in steps[0]["location"]["message"]["text"]
    for result in run["results"]:
        for flow in result.get("codeFlows", []):
            assert len(flow["threadFlows"][0]["locations"]) >= 2


_FIXABLE = """import base64 as b64
import os


def save(path, data):
    os.makedirs(path, exists_ok=True)
    return b64.encodestring(data)


def ambiguous(path):
    os.makedirs(path, mod=0o755, exists_ok=True)
"""


def _apply(source: str, fix: dict[str, Any]) -> str:
    lines = source.splitlines(keepends=True)
    ((replacement,),) = [c["replacements"] for c in fix["artifactChanges"]]
    region = replacement["deletedRegion"]
    assert region["startLine"] == region["endLine"]
    line = lines[region["startLine"] - 1]
    start, end = region["startColumn"] - 1, region["endColumn"] - 1
    lines[region["startLine"] - 1] = (
        line[:start] + replacement["insertedContent"]["text"] + line[end:]
    )
    return "".join(lines)


def test_sarif_fixes_are_the_mechanical_replacements_and_nothing_else() -> None:
    report = check_source(_FIXABLE, name="app/save.py", dynamic=False, offline=True)
    results = _run(report)["results"]
    fixed = {r["ruleId"]: _apply(_FIXABLE, r["fixes"][0]) for r in results if "fixes" in r}
    assert "os.makedirs(path, exist_ok=True)" in fixed["AS104"]
    assert "return b64.encodebytes(data)" in fixed["AS201"]
    assert all(r["ruleId"] in {"AS104", "AS201"} for r in results if "fixes" in r)
    two_typos = [
        r for r in results if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    ]
    assert two_typos and all("fixes" not in r for r in two_typos), "no guess between two edits"
    for result in results:
        for fix in result.get("fixes", []):
            assert fix["description"]["text"].startswith(("Rename `", "Replace `"))
            assert fix["properties"]["applicability"] == "safe"
