"""GitLab Code Quality: every entry has the fields GitLab documents as required, with the
documented types and values (https://docs.gitlab.com/ci/testing/code_quality/ , "Code
Quality report format"), and paths relative to the repository root."""

from __future__ import annotations

import json

from tests.report.html_sample import sample_report

from assay import check_source
from assay.report import render

#: GitLab's documented severities.
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_every_entry_has_the_documented_required_fields() -> None:
    entries = json.loads(render(sample_report(), "gitlab"))
    assert isinstance(entries, list) and entries
    for entry in entries:
        assert isinstance(entry["description"], str) and entry["description"]
        assert "\n" not in entry["description"]
        assert isinstance(entry["check_name"], str) and entry["check_name"].startswith("AS")
        assert isinstance(entry["fingerprint"], str) and entry["fingerprint"]
        assert entry["severity"] in SEVERITIES
        location = entry["location"]
        assert isinstance(location["path"], str) and not location["path"].startswith("/")
        assert isinstance(location["lines"]["begin"], int) and location["lines"]["begin"] >= 1
    fingerprints = [entry["fingerprint"] for entry in entries]
    assert len(set(fingerprints)) == len(fingerprints), "GitLab needs unique fingerprints"


def test_paths_are_relative_to_the_repository_root() -> None:
    report = check_source(
        "import os\nos.path.splitall('x')\n", name="app.py", offline=True, dynamic=False
    )
    (entry,) = json.loads(render(report, "gitlab", root="/repo", cwd="/repo/service"))
    assert entry["location"] == {"path": "service/app.py", "lines": {"begin": 2}}
    assert entry["severity"] == "critical" and entry["check_name"] == "AS102"


def test_nothing_found_is_an_empty_array() -> None:
    report = check_source("x = 1\n", name="ok.py", offline=True, dynamic=False)
    assert render(report, "gitlab") == "[]\n"
