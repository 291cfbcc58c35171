"""The frame of the dynamic stages (issue 19 item 2): one sandbox pool per run, started only
for stages with work; a sandbox that cannot start is one warning per stage that had work."""

from __future__ import annotations

from typing import ClassVar

import pytest

import assay
import assay.sandbox
from assay.behaviour.probes import OTHER_HASH_SEED
from assay.behaviour.stages._frame import Pool
from assay.errors import SandboxUnavailable

WRONG = '''def double(x: int) -> int:
    """Twice x.

    >>> double(4)
    8
    """
    return x + 2
'''

#: Only the growth and constant-output probes have work here: no hints, no examples.
CONSTANT = """def unit_price(sku):
    if not sku:
        raise ValueError("sku is required")
    return 9.99
"""


class _Fake:
    """A sandbox that starts nothing: what `Pool` asks for and when."""

    started: ClassVar[list[int]] = []

    def __init__(self, *, workers: int, hash_seed: int, warm: tuple[str, ...]) -> None:
        self.hash_seed = hash_seed
        self.closed = False
        self.degraded = ("no seccomp",)
        _Fake.started.append(hash_seed)

    def close(self) -> None:
        self.closed = True


def test_the_pool_starts_each_sandbox_on_first_use_and_afresh_after_close(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(assay.sandbox, "Sandbox", _Fake)
    _Fake.started = []
    pool = Pool(workers=1, warm=())
    assert _Fake.started == []
    assert not pool.degraded
    first = pool.sandbox()
    assert pool.sandbox() is first and _Fake.started == [0]
    pool.reseeded()
    assert _Fake.started == [0, OTHER_HASH_SEED] and pool.starts == 2
    pool.close()
    assert first.closed  # type: ignore[attr-defined]
    assert pool.sandbox() is not first and pool.starts == 3
    assert pool.degraded == ("no seccomp",)


class _Counting(assay.sandbox.Sandbox):
    seeds: ClassVar[list[int]] = []

    def __init__(self, **kwargs: object) -> None:
        _Counting.seeds.append(int(kwargs.get("hash_seed", 0)))  # type: ignore[call-overload]
        super().__init__(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "seeds"),
    [
        # The runtime probes, the growth probes and the constant-output probe all have work:
        # two sandboxes for the run (four before the shared pool).
        (WRONG + "\n\n" + CONSTANT, [0, OTHER_HASH_SEED]),
        # Without runtime probes, the reseeded sandbox is never started.
        (CONSTANT, [0]),
    ],
)
def test_one_pool_serves_every_stage_of_a_run(
    monkeypatch: pytest.MonkeyPatch, source: str, seeds: list[int]
) -> None:
    monkeypatch.setattr(assay.sandbox, "Sandbox", _Counting)
    _Counting.seeds = []
    report = assay.check_source(source, select=["runtime", "AS509", "AS408"], offline=True)
    assert _Counting.seeds == seeds
    assert ("AS601" in {f.rule for f in report.findings}) == ("double" in source)
    assert "AS408" in {f.rule for f in report.findings}


#: A keyed query on a column without an index (AS508), next to a function with an example.
SQLITE = """import sqlite3

db = sqlite3.connect(":memory:")
db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")


def find(email: str) -> int:
    return db.execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
"""


def test_sqlite_queries_are_planned_on_the_runs_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every sandbox, the pool's and any a stage might start itself (`run_job`).
    seeds: list[int] = []
    real = assay.sandbox.Sandbox.__init__

    def counting(self: assay.sandbox.Sandbox, **kwargs: object) -> None:
        seeds.append(int(kwargs.get("hash_seed", 0)))  # type: ignore[call-overload]
        real(self, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(assay.sandbox.Sandbox, "__init__", counting)
    report = assay.check_source(WRONG + "\n\n" + SQLITE, select=["AS601", "AS508"], offline=True)
    assert {f.rule for f in report.findings} == {"AS601", "AS508"}
    assert seeds == [0, OTHER_HASH_SEED]


def test_a_sandbox_that_cannot_start_is_one_warning_per_stage_with_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(**kwargs: object) -> None:
        raise SandboxUnavailable("no isolation here")

    monkeypatch.setattr(assay.sandbox, "Sandbox", refuse)
    report = assay.check_source(CONSTANT, offline=True)
    assert report.warnings == [
        "complexity and warning probes did not run: no isolation here",
        "constant-output probe did not run: no isolation here",
    ]
    assert report.errors == []
