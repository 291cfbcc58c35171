"""Ledger test fixtures: a ledger per backend (SQLite file, real PostgreSQL server).

PostgreSQL comes from ``ASSAY_TEST_POSTGRES_URL`` (set by .ci/run through
scripts/start_postgres.sh); when it is absent, the session starts its own server with the
same script and stops it at the end. With ``CI=true`` a missing server is a failure, never
a skip.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from assay.ledger import Ledger, open_ledger

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "start_postgres.sh"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL of a PostgreSQL server's maintenance database (``.../assay``)."""
    url = os.environ.get("ASSAY_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    try:
        started = subprocess.run(
            ["bash", str(_SCRIPT)], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        started = subprocess.CompletedProcess([], 1, "", str(error))
    if started.returncode != 0:
        message = f"cannot start PostgreSQL with {_SCRIPT}: {started.stderr.strip()[-2000:]}"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    exported = dict(
        shlex.split(line.removeprefix("export "))[0].split("=", 1)
        for line in started.stdout.splitlines()
        if line.startswith("export ")
    )
    try:
        yield exported["ASSAY_TEST_POSTGRES_URL"]
    finally:
        subprocess.run(
            ["bash", str(_SCRIPT), "--stop", exported["ASSAY_TEST_POSTGRES_DIR"]],
            capture_output=True,
            timeout=120,
            check=False,
        )


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped after the test."""
    name = f"assay_test_{uuid.uuid4().hex[:12]}"
    admin_url = sa.engine.make_url(postgres_server).set(drivername="postgresql+psycopg")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite ledger file under tmp_path (not created yet)."""
    return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty ledger on each supported backend."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    """An open, migrated, empty ledger on each supported backend."""
    with open_ledger(ledger_url) as opened:
        yield opened
