"""How one item becomes one output line, on whichever worker runs it.

A line is ``{"id", "mode", "result", "measured"}``. ``result`` is the verdict and depends
only on the item and the `Options` (same seeds, same limits, a fixed ``PYTHONHASHSEED``):
for ``check`` and ``compare`` it is exactly the JSON report of ``assay check --format json``
and ``assay compare --format json``; for ``score`` it is whether the program passed its
tests, the status, a one-line reason and the sandbox outcome. ``measured`` holds what varies
from run to run (seconds, memory) and is never part of a comparison.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from assay.batch.items import Item
from assay.config import Settings
from assay.errors import InvalidArgument, SourceError
from assay.model import Report

if TYPE_CHECKING:
    # The sandbox is imported when an item runs: `import assay` (which exports `batch`)
    # does not pay for it.
    from assay.sandbox import Outcome, Sandbox

__all__ = ["MEASURED_KEYS", "Options", "Workbench", "result_line"]

#: outcome fields that vary between runs of the same program; a line keeps them apart
MEASURED_KEYS = ("wall_s", "cpu_s", "peak_memory_kb")


@dataclass(frozen=True, kw_only=True)
class Options:
    """Everything besides the items that decides a line: sent once to every worker."""

    mode: str
    #: seconds per score run (program + tests) or per compare call
    timeout: float
    #: code run before each scored program, e.g. ``"from typing import *"``
    preamble: str = ""
    #: check mode: the settings every file is checked with (loaded once, on the driver)
    settings: Settings | None = None
    offline: bool | None = None
    dynamic: bool | None = None
    #: compare mode: generated inputs beyond the examples, and their seed
    budget: int = 40
    seed: int = 0
    #: the sandbox's isolation, as `assay.sandbox.Sandbox` takes it
    isolation: str = "auto"
    allow_unsandboxed: bool | None = None


class Workbench:
    """What one worker keeps between chunks: for score mode, a warm one-worker sandbox
    opened on first use (so a worker without isolation fails on its first item, loudly)."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self._sandbox: Sandbox | None = None

    def open(self) -> Sandbox:
        """The sandbox, started now if it is not yet (raises `SandboxUnavailable` where no
        isolation works and running without it was not allowed)."""
        if self._sandbox is None:
            from assay.sandbox import Sandbox

            self._sandbox = Sandbox(
                workers=1,
                isolation=self.options.isolation,
                allow_unsandboxed=self.options.allow_unsandboxed,
            )
        return self._sandbox

    @property
    def degraded(self) -> tuple[str, ...]:
        """The sandbox's isolation gaps (empty before it is opened)."""
        return self._sandbox.degraded if self._sandbox is not None else ()

    def run(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        """One output line per item, in order."""
        return [self._one(item) for item in items]

    def _one(self, item: Item) -> dict[str, Any]:
        started = time.perf_counter()
        if item.mode == "score":
            return self._score(item)
        from assay.report.json import report_dict

        try:
            report = self._check(item) if item.mode == "check" else self._compare(item)
        except (InvalidArgument, SourceError) as error:
            # an unusable item (no entry point, a selector matching no rule) is that item's
            # result, not the end of the batch; a sandbox failure still stops it
            result: dict[str, Any] = {"error": str(error)}
        else:
            result = report_dict(report)
        return result_line(item, result, {"wall_s": round(time.perf_counter() - started, 6)})

    def _score(self, item: Item) -> dict[str, Any]:
        from assay.sandbox import Job, Limits

        payload = item.payload
        job = Job(
            source=f"{payload['program']}\n{payload['tests']}",
            limits=Limits(timeout_s=self.options.timeout),
            name=item.key,
            preamble=self.options.preamble,
        )
        return score_line(item, self.open().run(job).import_outcome, self.options.timeout)

    def _check(self, item: Item) -> Report:
        from assay.api import check_source

        return check_source(
            item.payload["source"],
            name=item.payload["name"],
            settings=self.options.settings,
            offline=self.options.offline,
            dynamic=self.options.dynamic,
        )

    def _compare(self, item: Item) -> Report:
        from assay.api import compare
        from assay.model import Candidate

        payload = item.payload
        return compare(
            payload["task"],
            [Candidate(code=c["code"], name=c["name"]) for c in payload["candidates"]],
            entry_point=payload["entry_point"],
            budget=self.options.budget,
            timeout=self.options.timeout,
            seed=self.options.seed,
        )

    def close(self) -> None:
        """Stop the sandbox's workers."""
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None


def score_line(item: Item, outcome: Outcome, timeout: float) -> dict[str, Any]:
    """The line for a scored program: passed, status, reason and the outcome's evidence,
    with its seconds and memory under ``measured``.

    A wall-clock timeout's message states the seconds it took to notice, which vary; the
    result states the limit (`timeout`) instead, and ``measured`` keeps the original.
    """
    from assay.benchmarks.scoring import SampleScore
    from assay.sandbox import Status

    measured: dict[str, Any] = {}
    info = outcome.exception
    if outcome.status is Status.TIMEOUT and info is not None and info.type == "Timeout":
        measured["message"] = info.message
        stable = f"no result within the wall-clock limit of {timeout:g} s"
        outcome = replace(outcome, exception=replace(info, message=stable))
    score = SampleScore(
        task_id=str(item.payload.get("task_id", item.key)),
        index=0,
        passed=outcome.status is Status.OK,
        status=outcome.status,
        outcome=outcome,
    )
    evidence = outcome.to_json()
    measured = {**{key: evidence.pop(key) for key in MEASURED_KEYS}, **measured}
    result = {
        "passed": score.passed,
        "status": score.status.value,
        "reason": score.reason,
        "outcome": evidence,
    }
    if "task_id" in item.payload:
        result = {"task_id": item.payload["task_id"], **result}
    return result_line(item, result, measured)


def result_line(item: Item, result: dict[str, Any], measured: dict[str, Any]) -> dict[str, Any]:
    """The output line of `item`."""
    return {"id": item.id, "mode": item.mode, "result": result, "measured": measured}
