"""Version-awareness and data integrity of the deprecated family (AS201, AS202)."""

from __future__ import annotations

import pytest

import assay
from assay.errors import ConfigError
from assay.knowledge.deprecations import (
    ApiRecord,
    assess,
    build_table,
    installed_marker,
    load_table,
    parse_version,
)
from assay.model import Severity


def _as201(source: str, python: str) -> list[tuple[int, Severity, str]]:
    report = assay.check_source(
        source, select=["AS201"], python=python, offline=True, dynamic=False
    )
    assert report.errors == []
    return [(f.line, f.severity, f.message) for f in report.findings]


UTCNOW = "import datetime\nstamp = datetime.datetime.utcnow()\n"


def test_deprecated_at_target_python_is_a_warning_even_when_running_older() -> None:
    [(line, severity, message)] = _as201(UTCNOW, "3.12")
    assert (line, severity) == (2, Severity.WARNING)
    assert "since Python 3.12" in message and "target Python 3.12" in message


def test_deprecation_newer_than_target_is_info_about_the_upgrade() -> None:
    [(_, severity, message)] = _as201(UTCNOW, "3.11")
    assert severity is Severity.INFO
    assert "deprecated in Python 3.12: will warn after the upgrade" in message


def test_removed_at_target_is_an_error_and_before_removal_a_warning() -> None:
    source = "import imp\n"
    [(_, removed, message)] = _as201(source, "3.12")
    assert removed is Severity.ERROR and "removed in Python 3.12" in message
    [(_, deprecated, _)] = _as201(source, "3.11")
    assert deprecated is Severity.WARNING


def test_evidence_names_versions_replacement_and_source() -> None:
    report = assay.check_source(
        UTCNOW, select=["AS201"], python="3.13", offline=True, dynamic=False
    )
    evidence = report.findings[0].evidence
    assert evidence["deprecated_in"] == "3.12"
    assert "timezone.utc" in evidence["replacement"]
    assert evidence["source"].startswith("https://docs.python.org/")
    assert report.findings[0].fix is not None


def test_aliases_and_from_imports_resolve_to_the_table_symbol() -> None:
    source = (
        "from datetime import datetime as moment\n"
        "import numpy as numeric\n"
        "a = moment.utcnow()\n"
        "b = numeric.product([1, 2])\n"
    )
    lines = [line for line, _, _ in _as201(source, "3.12")]
    assert lines == [3, 4]


def test_max_severity_caps_style_deprecations() -> None:
    [(_, severity, _)] = _as201("from typing import List\n", "3.13")
    assert severity is Severity.INFO


def _record(**overrides: str) -> ApiRecord:
    fields: dict[str, str] = {
        "symbol": "lib.thing",
        "kind": "attribute",
        "package": "python",
        "deprecated_in": "3.9",
        "replacement": "other",
        "source": "https://example.invalid",
    }
    fields.update(overrides)
    return ApiRecord(**fields)  # type: ignore[arg-type]


def test_assess_restored_name_is_not_reported() -> None:
    record = _record(
        package="no-such-distribution-xyz", deprecated_in="1.0", removed_in="1.2", restored_in="2.0"
    )
    assert assess(record, target_python=(3, 12)) is None


def test_assess_uninstalled_library_is_judged_against_latest_with_medium_confidence() -> None:
    record = _record(package="no-such-distribution-xyz", deprecated_in="1.0", removed_in="2.0")
    verdict = assess(record, target_python=(3, 12))
    assert verdict is not None
    assert verdict.severity is Severity.ERROR and verdict.confidence == "medium"
    assert "not installed" in verdict.message


def test_parse_version_keeps_the_numeric_release() -> None:
    assert parse_version("1.26.4rc1") == (1, 26, 4)
    assert parse_version("2.0") == (2, 0)
    assert parse_version("0") == (0,)


def test_shipped_table_is_valid_and_covers_the_required_areas() -> None:
    table = load_table()
    symbols = {r.symbol for r in table.records}
    for required in (
        "datetime.datetime.utcnow", "distutils", "numpy.float", "pandas.DataFrame.append",
        "sklearn.datasets.load_boston", "sqlalchemy.orm.Query.get", "pydantic.BaseModel.dict",
        "openai.ChatCompletion", "google.generativeai", "urllib3.util.retry.Retry",
    ):  # fmt: skip
        assert required in symbols
    assert all(r.source.startswith("https://") for r in table.records)


def test_table_rejects_unknown_kinds_and_keys() -> None:
    base = {"symbol": "a.b", "package": "python", "deprecated-in": "3.9",
            "replacement": "c", "source": "https://x"}  # fmt: skip
    with pytest.raises(ConfigError, match="kind"):
        build_table({"api": [{**base, "kind": "method"}], "type": []})
    with pytest.raises(ConfigError, match="unknown keys"):
        build_table({"api": [{**base, "kind": "call", "sinse": "1"}], "type": []})
    with pytest.raises(ConfigError, match="no \\[\\[type\\]\\] entry"):
        build_table({"api": [{**base, "symbol": "a.B.m", "kind": "method-on-receiver"}],
                     "type": []})  # fmt: skip


def test_installed_marker_reads_pep702_decorators_without_importing() -> None:
    marker = installed_marker("pydantic.parse_obj_as")
    assert marker is not None
    assert marker.how == "@deprecated" and "TypeAdapter" in marker.message
    assert installed_marker("json.dumps") is None


def test_receiver_inference_ignores_unrelated_receivers() -> None:
    source = (
        "import pandas as pd\n"
        "rows = []\n"
        "rows.append(1)\n"
        "frame = pd.DataFrame()\n"
        "frame = frame.append(rows)\n"
    )
    assert [line for line, _, _ in _as201(source, "3.12")] == [5]


@pytest.mark.parametrize(
    ("urllib3", "reported"), [("2.0.4", True), ("2.0.5", False), ("2.7.0", False)]
)
def test_urllib3_pyopenssl_deprecation_ends_where_urllib3_withdrew_it(
    urllib3: str, reported: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests does `from urllib3.contrib import pyopenssl`; urllib3 2.0.5 withdrew the warning.
    monkeypatch.setattr(
        "assay.knowledge.deprecations.installed_version",
        lambda distribution: urllib3 if distribution == "urllib3" else None,
    )
    (record,) = load_table().import_records("urllib3.contrib.pyopenssl")
    verdict = assess(record, target_python=(3, 12))
    assert (verdict is not None) is reported
    if verdict is not None:
        assert verdict.severity is Severity.WARNING
