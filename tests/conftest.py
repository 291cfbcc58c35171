"""Hermetic test defaults: no network look-ups, a private cache directory, a clean environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

_LEAKY_VARIABLES = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ASSAY_INDEX_URL", "PIP_INDEX_URL")


@pytest.fixture(autouse=True)
def _hermetic(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    monkeypatch.setenv("ASSAY_OFFLINE", "1")
    # The CLI's result cache would carry results from one test into another.
    monkeypatch.setenv("ASSAY_NO_CACHE", "1")
    monkeypatch.setenv("ASSAY_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "assay-cache"))
    ledger = tmp_path_factory.getbasetemp() / "assay-ledger.sqlite3"
    monkeypatch.setenv("ASSAY_LEDGER_URL", f"sqlite:///{ledger}")
    for name in _LEAKY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a file under tmp_path and return its path: write("pkg/a.py", "code")."""

    def _write(relative: str, text: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files (tests/**/golden/*, docs/rules.md) from the current output.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with --update-golden."""
    return bool(request.config.getoption("--update-golden"))
