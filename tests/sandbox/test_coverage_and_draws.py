"""Line arcs of the entry point (`Job.cover`), inputs drawn with Hypothesis in the sandbox
(`draw.py`, issue 20 items 1 and 5) and workers that pre-import modules (`Sandbox(warm=)`)."""

from __future__ import annotations

import json

import pytest

from assay.errors import InvalidArgument
from assay.sandbox import Call, Job, Limits, Sandbox
from assay.sandbox._policy import policy_for

BRANCHES = """
def parse_int(s):
    try:
        return int(s)
    except ValueError:
        return 0

def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)

def spin(n):
    total = 0
    for i in range(n):
        total += i
    return total
"""


def _arcs(box: Sandbox, entry: str, *values: object, cover: bool = True) -> list[object]:
    job = Job(
        source=BRANCHES,
        calls=tuple(Call.function(entry, v) for v in values),
        entry_point=entry,
        cover=cover,
    )
    return [o.arcs for o in box.run(job).outcomes]


def test_each_input_brings_back_the_arcs_of_the_entry_points_own_lines(box: Sandbox) -> None:
    failed, parsed = _arcs(box, "parse_int", "a", "42")
    assert failed == ((0, 3), (3, 4), (4, 5), (5, 6), (6, 0))
    assert parsed == ((0, 3), (3, 4), (4, 0))


def test_recursive_frames_keep_their_own_arcs(box: Sandbox) -> None:
    (base,) = _arcs(box, "fact", 0)
    (deep,) = _arcs(box, "fact", 3)
    assert base == ((0, 9), (9, 10), (10, 0))
    # the inner frames' base case and the outer frames' recursion, never 10 -> 11
    assert deep == ((0, 9), (9, 10), (9, 11), (10, 0), (11, 0))


def test_tracing_stops_on_a_hot_loop_and_says_so(box: Sandbox) -> None:
    (arcs,) = _arcs(box, "spin", 100_000)
    assert arcs is not None and (-1, -1) in arcs


def test_without_cover_no_arcs_are_recorded(box: Sandbox) -> None:
    assert _arcs(box, "parse_int", "7", cover=False) == [None]


DRAWN = """
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


class Account:
    def __init__(self, owner: str, balance: int) -> None:
        self.owner, self.balance = owner, balance

    def __repr__(self) -> str:
        return f"Account({self.owner!r}, {self.balance!r})"


class Socket:
    def __init__(self, fd):
        self.fd = fd


def move(source: Account, amount: int, *, note: Optional[str]) -> int:
    return source.balance - amount


def plug(socket: Socket) -> int:
    return socket.fd
"""


def _drawn(box: Sandbox, entry: str, count: int) -> list[object]:
    calls = tuple(
        Call.expr(f"__import__('_assay_draw').call({entry}, 0, {index})") for index in range(count)
    )
    result = box.run(Job(source=DRAWN, calls=calls, limits=Limits(timeout_s=10)))
    return [
        json.loads(o.stdout.split("\n", 1)[0].split(":", 1)[1]) if o.ok else o.exception
        for o in result.outcomes
    ]


def test_drawn_inputs_resolve_string_annotations_and_pass_keyword_only_arguments() -> None:
    with Sandbox(workers=1, warm=("hypothesis",)) as warm:
        drawn = _drawn(warm, "move", 8)
    assert all(isinstance(d, list) for d in drawn), drawn
    for args, kwargs in drawn:  # type: ignore[misc]
        assert args[0].startswith("Account(") and not args[1].startswith("None")
        assert [name for name, _ in kwargs] == ["note"]
    assert len({json.dumps(d) for d in drawn}) >= 6


def test_the_same_seed_draws_the_same_inputs_in_another_process_and_hash_seed(
    box: Sandbox,
) -> None:
    with Sandbox(workers=1, hash_seed=1) as other:
        assert _drawn(box, "move", 6) == _drawn(other, "move", 6)


def test_a_class_hypothesis_cannot_build_is_named(box: Sandbox) -> None:
    (error,) = _drawn(box, "plug", 1)
    assert error is not None
    assert error.type == "_assay_draw.CannotBuild"  # type: ignore[attr-defined]
    assert error.message.startswith("`Socket` (")  # type: ignore[attr-defined]


def test_warm_workers_have_the_module_imported_before_the_job() -> None:
    probe = Job(source="", calls=(Call.expr("'hypothesis' in __import__('sys').modules"),))
    with Sandbox(workers=1, warm=("hypothesis",)) as warm:
        assert warm.run(probe).outcomes[0].value is True


def test_warm_names_must_be_module_names() -> None:
    with pytest.raises(InvalidArgument, match="dotted module names"):
        policy_for("none", allow_unsandboxed=True).with_warm(("os; rm -rf /",))
