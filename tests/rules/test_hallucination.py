"""Hallucination rules: messages, evidence, severities and the cases they must leave alone."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import assay
from assay.config import Settings
from assay.knowledge.resolve import is_installed
from assay.model import Finding, Severity

PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _findings(source: str, rule: str, **options: object) -> list[Finding]:
    report = assay.check_source(source, select=[rule], offline=True, dynamic=False, **options)  # type: ignore[arg-type]
    assert not report.errors, report.errors
    return report.findings


def test_missing_stdlib_function_message_and_evidence() -> None:
    (finding,) = _findings("import os.path\nos.path.splitall('/a/b')\n", "AS102")
    assert finding.message.startswith(
        f"`os.path.splitall` does not exist in Python {PYTHON}; closest: `os.path.split`, "
        "`os.path.splitext`"
    )
    assert finding.evidence["missing"] == "os.path.splitall"
    assert finding.evidence["module"] == "os.path"
    assert finding.evidence["closest"][:2] == ["os.path.split", "os.path.splitext"]
    assert finding.evidence["python"] == PYTHON
    assert finding.severity is Severity.ERROR


def test_newer_target_python_downgrades_stdlib_misses_to_info() -> None:
    source = "import itertools\nitertools.batched([1, 2], 2)\n"
    (finding,) = _findings(source, "AS102", python="3.99")
    assert finding.severity is Severity.INFO


def test_guarded_unknown_import_is_info_and_known_guarded_is_silent() -> None:
    source = "try:\n    import ujson_turbo_native\nexcept ImportError:\n    import json\n"
    (finding,) = _findings(source, "AS101")
    assert finding.severity is Severity.INFO
    assert _findings("try:\n    import cv2\nexcept ImportError:\n    cv2 = None\n", "AS105") == []


def test_invented_package_names_its_real_base_package() -> None:
    (finding,) = _findings("from pandas_smart_utils import clean\n", "AS101")
    assert finding.evidence["package"] == "pandas_smart_utils"
    assert "pandas" in finding.evidence["closest"]
    assert finding.message.startswith("cannot verify offline: `pandas_smart_utils`")
    assert "bundled index of 15,000 PyPI projects" in finding.message
    assert finding.severity is Severity.WARNING
    assert finding.evidence["verdict"] == "unverified"


def test_offline_unknown_is_a_warning_but_a_typo_of_a_popular_project_is_an_error() -> None:
    (unverified,) = _findings("import curio_tools\n", "AS101")
    (typo,) = _findings("import reqeusts\n", "AS101")
    assert unverified.severity is Severity.WARNING
    assert typo.severity is Severity.ERROR
    assert typo.evidence["verdict"] == "near-miss"
    assert typo.evidence["near_miss"] == "requests"
    assert "one typo away from the popular `requests`" in typo.message
    assert "cannot verify" not in typo.message


@pytest.mark.parametrize(
    ("module", "project"),
    [
        ("pywt", "pywavelets"),
        ("absl", "absl-py"),
        ("grpc_health", "grpcio-health-checking"),
        ("opensearchpy", "opensearch-py"),
        ("factory", "factory-boy"),
        ("argon2", "argon2-cffi"),
        ("jpype", "jpype1"),
        ("yaml", "pyyaml"),
        ("sklearn", "scikit-learn"),
        ("cv2", "opencv-python"),
        ("bs4", "beautifulsoup4"),
        ("dateutil", "python-dateutil"),
        ("jwt", "pyjwt"),
        ("google.cloud.storage", "google-cloud-storage"),
        ("azure.storage.blob", "azure-storage-blob"),
        ("sphinxcontrib.napoleon", "sphinxcontrib-napoleon"),
        ("nvidia.cudnn", "nvidia-cudnn-cu12"),
    ],
)
def test_import_names_of_differently_named_projects_are_known(module: str, project: str) -> None:
    source = f"import {module}\n"
    assert _findings(source, "AS101") == []
    if is_installed(module.split(".")[0]):
        return
    (finding,) = _findings(source, "AS105")
    assert finding.evidence["distribution"] == project


def test_runtime_provided_modules_are_not_packages() -> None:
    # urllib3.contrib.emscripten.fetch: Pyodide's `js` and `pyodide` exist only in the browser.
    source = "import js\nfrom pyodide.ffi import JsException\nfrom js import console\n"
    assert _findings(source, "AS101") == []
    assert _findings(source, "AS105") == []


def test_project_modules_are_not_packages_and_are_never_imported(tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    (tmp_path / "helpers_mod.py").write_text(
        f"open({str(marker)!r}, 'w').write('imported')\nVALUE = 1\n"
    )
    main = tmp_path / "main.py"
    main.write_text("import helpers_mod\nfrom helpers_mod import MISSING\nhelpers_mod.nothing\n")
    report = assay.check(main, select=["hallucination"], offline=True, dynamic=False)
    assert report.findings == []
    assert not marker.exists(), "assay imported the checked project's code"


def test_signature_mismatch_evidence() -> None:
    (finding,) = _findings("import os\nos.makedirs('x', exists_ok=True)\n", "AS104")
    assert "unexpected keyword argument 'exists_ok'" in finding.message
    assert "did you mean `exist_ok=`" in finding.message
    assert finding.evidence["parameters"] == ["name", "mode", "exist_ok"]
    assert finding.evidence["closest"] == {"exists_ok": ["exist_ok"]}


def test_method_on_builtin_names_the_python_equivalent() -> None:
    (finding,) = _findings("items = []\nitems.push(1)\n", "AS103")
    assert finding.evidence == {
        "missing": "list.push",
        "type": "list",
        "closest": [],
        "python": PYTHON,
        "python_equivalent": "append",
    }


def test_scopes_decorators_and_narrowing_stay_silent() -> None:
    source = """
class Box:
    @property
    def label(self) -> str:
        return ""

    @label.setter
    def label(self, label: dict) -> None:
        pass


def quote(name: str) -> object:
    if isinstance(name, bytes):
        return name.quote
    return None


def handler(re: str) -> None:
    try:
        pass
    except ValueError as re:
        print(re.argument)
"""
    assert _findings(source, "AS103") == []
    assert _findings("import re\n" + source, "AS102") == []


def test_annotations_and_platform_specific_names_are_not_checked() -> None:
    source = (
        "import sys\nimport zlib\nimport ctypes\n\n"
        "def f(x: zlib._Compress) -> sys.UnraisableHookArgs: ...\n\n"
        "def g():\n    return ctypes.HRESULT, ctypes.windll\n"
    )
    assert _findings(source, "AS102") == []


def test_online_settings_are_honoured_offline_by_default() -> None:
    settings = Settings(offline=True)
    report = assay.check_source("import ghost_pkg_xyz\n", settings=settings, select=["AS101"])
    assert [f.rule for f in report.findings] == ["AS101"]
    assert all("pypi.org" not in c for c in report.findings[0].evidence["checked"])


def test_method_on_inferred_receiver_names_the_type_and_the_release() -> None:
    source = "import httpx\n\n\ndef fetch(url):\n    r = httpx.get(url)\n    return r.json_data()\n"
    (finding,) = _findings(source, "AS103")
    owner = finding.evidence["type"]
    assert owner.startswith("httpx.") and owner.endswith(".Response")
    assert finding.evidence["missing"] == f"{owner}.json_data"
    assert finding.evidence["receiver"] == "r"
    assert finding.evidence["inferred_by"] == "jedi"
    assert finding.evidence["installed"].startswith("httpx ")
    assert f"(`r` is inferred to be a `{owner}`)" in finding.message
    assert "Python" not in finding.message.split(";")[0]


def test_signature_on_inferred_receiver_is_checked() -> None:
    source = "import httpx\n\nhttpx.Client().get('https://x.test', follow_redirect=True)\n"
    (finding,) = _findings(source, "AS104")
    assert "unexpected keyword argument 'follow_redirect'" in finding.message
    assert finding.evidence["closest"] == {"follow_redirect": ["follow_redirects"]}
    assert finding.evidence["inferred_by"] == "jedi"


def test_inferred_receiver_of_the_projects_own_class_is_not_asked() -> None:
    source = (
        "import httpx\n\n\nclass Api:\n    def get(self):\n        return self\n\n\n"
        "Api().get().anything()\n"
    )
    assert _findings(source, "AS103") == []


def test_a_name_bound_many_times_is_judged_once_for_inference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 40 names, each bound from all the others: following every binding of every name is
    # exponential; each name must be judged once per file.
    from assay.rules.hallucination import _common

    names = [f"v{i}" for i in range(40)]
    lines = ["import httpx", ""]
    lines += [f"{a} = {b}.attr" for a in names for b in names]
    lines.append("v0.anything()")
    judged: list[str] = []
    original = _common._name_seeded

    def counting(key: str, *args: Any, **kwargs: Any) -> bool:
        judged.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(_common, "_name_seeded", counting)
    report = assay.check_source(
        "\n".join(lines) + "\n", select=["AS103"], offline=True, dynamic=False
    )
    assert not report.errors and report.findings == []
    assert set(judged) == set(names)
    # Each binding is followed once, and each attribute of the file asks once (memo hits).
    assert len(judged) <= 2 * len(names) * len(names) + 1
