"""The SARIF upload check: what GitHub code scanning documents it reads ("SARIF support for
code scanning", docs.github.com), field by field, on a log with taint paths, fixes, a file
that does not parse and every rule's metadata. The schema test (test_renderers) proves the
log is valid SARIF 2.1.0; this one proves GitHub gets what it ranks, tracks and shows
alerts by. docs/habits.md lists the same fields with what assay writes in each."""

from __future__ import annotations

import re
from typing import Any

from assay import check_source
from assay.report.sarif import sarif_dict

SOURCE = """import pickle
import subprocess
from flask import request


def run():
    name = request.args["name"]
    return subprocess.check_output("ls " + name, shell=True)


def load():
    return pickle.loads(request.data)
"""

#: Apart from SOURCE: resolving flask's names first can use up the offline look-up budget
#: that AS104's signature check needs.
FIXABLE = 'import os\n\n\ndef prepare():\n    os.makedirs("cache", exists_ok=True)\n'

#: GitHub's documented upload limits that a single assay run could approach.
MAX_RESULTS_PER_RUN = 25_000
MAX_RULES_PER_RUN = 25_000
MAX_TAGS_PER_RULE = 20
MAX_LOCATIONS_PER_RESULT = 1_000
MAX_THREAD_FLOW_LOCATIONS = 10_000


def _log(source: str = SOURCE) -> dict[str, Any]:
    report = check_source(source, name="service/app.py", dynamic=False, offline=True)
    return sarif_dict(report, root="/repo", cwd="/repo")


def test_top_level_and_run_objects() -> None:
    log = _log()
    assert log["version"] == "2.1.0" and log["$schema"].startswith("https://")
    assert len(log["runs"]) == 1
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "assay" and isinstance(driver["version"], str)
    assert 0 < len(driver["rules"]) <= MAX_RULES_PER_RUN
    assert 0 < len(run["results"]) <= MAX_RESULTS_PER_RUN


def test_every_rule_has_what_code_scanning_shows_and_ranks() -> None:
    rules = _log()["runs"][0]["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert re.fullmatch(r"AS\d{3}", rule["id"]) and rule["name"]
        assert rule["shortDescription"]["text"] and "\n" not in rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://") and rule["helpUri"].endswith(
            f"#{rule['id'].lower()}"
        )
        assert rule["defaultConfiguration"]["level"] in {"note", "warning", "error"}
        props = rule["properties"]
        assert isinstance(props["tags"], list) and len(props["tags"]) <= MAX_TAGS_PER_RULE
        assert props["precision"] in {"very-high", "high", "medium", "low"}
        assert props["problem.severity"] in {"error", "warning", "recommendation"}
        if "security" in props["tags"]:
            assert re.fullmatch(r"\d{1,2}\.\d", props["security-severity"])
            assert 0.0 < float(props["security-severity"]) <= 10.0


def test_every_result_can_be_placed_tracked_and_explained() -> None:
    run = _log()["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"note", "warning", "error"}
        assert result["message"]["text"]
        assert 1 <= len(result["locations"]) <= MAX_LOCATIONS_PER_RESULT
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": "service/app.py", "uriBaseId": "%SRCROOT%"}
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region.get("endLine", region["startLine"]) >= region["startLine"]
        (fingerprint,) = result["partialFingerprints"].values()
        assert re.fullmatch(r"[0-9a-f]{32}", fingerprint)
        for flow in result.get("codeFlows", []):
            steps = flow["threadFlows"][0]["locations"]
            assert 2 <= len(steps) <= MAX_THREAD_FLOW_LOCATIONS
            for step in steps:
                assert step["location"]["physicalLocation"]["region"]["startLine"] >= 1
                assert step["location"]["message"]["text"]


def test_the_log_carries_taint_paths_and_fixes() -> None:
    by_rule = {result["ruleId"]: result for result in _log()["runs"][0]["results"]}
    assert "codeFlows" in by_rule["AS302"], "the request field's path to the shell"
    (result,) = _log(FIXABLE)["runs"][0]["results"]
    (fix,) = result["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "service/app.py"
    (replacement,) = change["replacements"]
    assert replacement["insertedContent"]["text"] == "exist_ok"
    assert replacement["deletedRegion"]["startLine"] == 5


def test_an_unparsable_file_is_a_notification_not_a_silent_success() -> None:
    report = check_source("def broken(:\n", name="bad.py", dynamic=False, offline=True)
    (invocation,) = sarif_dict(report)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "bad.py" in note["message"]["text"]
