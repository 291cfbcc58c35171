"""Silent-failure family: severities, evidence and what counts as test code."""

from __future__ import annotations

from pathlib import Path

import assay
from assay.model import Severity
from assay.rules._support.naming import is_secret_name, is_test_path


def _findings(source: str, select: list[str], name: str = "module.py") -> list[assay.model.Finding]:  # type: ignore[name-defined]
    report = assay.check_source(source, select=select, name=name, offline=True, dynamic=False)
    assert not report.errors, report.errors
    return report.findings


def test_unreported_fake_success_is_an_error_logged_one_a_warning() -> None:
    source = (
        "import logging\n"
        "log = logging.getLogger()\n"
        "def a(x):\n"
        "    try:\n"
        "        return int(x)\n"
        "    except Exception:\n"
        "        return None\n"
        "def b(x):\n"
        "    try:\n"
        "        return int(x)\n"
        "    except Exception as error:\n"
        "        log.warning('bad %s', error)\n"
        "        return None\n"
    )
    findings = _findings(source, ["AS401"])
    assert [(f.line, f.severity, f.evidence["reported"]) for f in findings] == [
        (6, Severity.ERROR, False),
        (11, Severity.WARNING, True),
    ]
    assert findings[0].evidence["result"] == "None"


def test_boundary_that_reports_is_not_fake_success() -> None:
    source = (
        "import sys\n"
        "def main():\n"
        "    try:\n"
        "        run()\n"
        "    except Exception as error:\n"
        "        print(error, file=sys.stderr)\n"
        "        return None\n"
    )
    assert _findings(source, ["AS401"]) == []


def test_loop_handler_is_reported_once_by_as402_not_as401() -> None:
    source = "def f(rows):\n    for r in rows:\n        try:\n            r.save()\n        except Exception:\n            continue\n"
    assert [f.rule for f in _findings(source, ["silent-failure"])] == ["AS402"]


def test_asserts_and_stubs_in_test_files_are_fine() -> None:
    source = "def helper(x):\n    assert x > 0\n    return x\n\ndef later():\n    pass\n"
    assert _findings(source, ["AS403", "AS406"], name="tests/test_x.py") == []
    assert {f.rule for f in _findings(source, ["AS403", "AS406"])} == {"AS403", "AS406"}


def test_test_paths_and_sample_folders() -> None:
    assert is_test_path("tests/test_api.py")
    assert is_test_path("pkg/tests/helpers.py")
    assert is_test_path("conftest.py")
    assert not is_test_path("tests/corpus/security/app.py")
    assert not is_test_path("tests/rules/fixtures/AS401.py")
    assert not is_test_path("src/pkg/testing_utils.py")


def test_secret_names_are_read_as_words() -> None:
    assert is_secret_name("apiKey") and is_secret_name("client_secret")
    assert not is_secret_name("max_tokens") and not is_secret_name("password_field")


def test_asserts_in_a_private_module_count_only_when_the_package_re_exports_it(
    tmp_path: Path,
) -> None:
    source = "def consume(name, rules):\n    assert name in rules, f'unknown {name!r}'\n"
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "__init__.py").write_text("from .api import parse\n", encoding="utf-8")
    exported = tmp_path / "exported"
    exported.mkdir()
    (exported / "__init__.py").write_text("from ._impl import consume\n", encoding="utf-8")

    assert _findings(source, ["AS406"], name=str(hidden / "_impl.py")) == []
    assert [f.line for f in _findings(source, ["AS406"], name=str(exported / "_impl.py"))] == [2]
    assert [f.line for f in _findings(source, ["AS406"], name=str(hidden / "impl.py"))] == [2]
