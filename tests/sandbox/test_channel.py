"""The trusted side validates every reply field by field: whatever shape a reply frame has,
the parent builds an Outcome (or a crashed one) and never raises."""

from __future__ import annotations

import pytest

from assay.sandbox import Limits, Status
from assay.sandbox._worker import _death_outcome, _outcome_from_reply


@pytest.mark.parametrize(
    "reply",
    [
        {},
        {"status": ["ok"]},
        {
            "status": "ok",
            "warnings": 5,
            "exception": "boom",
            "cpu_s": "x",
            "peak_memory_kb": float("nan"),
        },
        {
            "status": "error",
            "exception": {"type": 1, "message": None},
            "warnings": [1, {"lineno": "7"}],
        },
        {"status": "ok", "stdout": "x" * 10**6, "value_repr": 3},
    ],
)
def test_malformed_replies_become_outcomes(reply: dict[str, object]) -> None:
    outcome = _outcome_from_reply(reply, 0.5, Limits(output_bytes=100))
    assert outcome.status in (Status.OK, Status.ERROR, Status.CRASHED)
    assert len(outcome.stdout) <= 200
    assert outcome.wall_s == 0.5
    assert isinstance(outcome.cpu_s, float)


@pytest.mark.parametrize(
    ("exit_info", "timed_out", "cancelled", "status", "kind"),
    [
        ({"exitcode": -11}, False, False, Status.CRASHED, "SIGSEGV"),
        ({"exitcode": -24}, False, False, Status.TIMEOUT, "CPULimit"),
        ({"exitcode": -15}, False, False, Status.KILLED, "SIGTERM"),
        ({"exitcode": -9}, True, False, Status.TIMEOUT, "Timeout"),
        ({"exitcode": -9}, False, True, Status.KILLED, "Cancelled"),
        ({"exitcode": 0}, False, False, Status.CRASHED, "ProcessExited"),
    ],
)
def test_how_a_child_died_maps_to_a_status(
    exit_info: dict[str, object], timed_out: bool, cancelled: bool, status: Status, kind: str
) -> None:
    outcome = _death_outcome(exit_info, 1.0, timed_out=timed_out, cancelled=cancelled)
    assert outcome.status is status
    assert outcome.exception is not None and outcome.exception.type == kind
