"""Executors: where chunks of items run. One small interface, two implementations.

`LocalExecutor` runs chunks on this machine, one thread per warm sandbox worker;
`assay.batch.on_ray.RayExecutor` runs them on Ray actors that each own a warm sandbox. Both
evaluate items with the same `Workbench`, so a line does not depend on where it ran.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from assay.batch.items import Item
from assay.batch.work import Options, Workbench
from assay.errors import InvalidArgument

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["Chunk", "ChunkResult", "Chunker", "Executor", "LocalExecutor"]


@dataclass(frozen=True, kw_only=True)
class Chunk:
    """Items sent to one worker together (one round trip), numbered in sending order."""

    index: int
    items: tuple[Item, ...]


@dataclass(frozen=True, kw_only=True)
class ChunkResult:
    """A chunk's lines (in its items' order), the seconds the worker spent on them, and
    which worker that was."""

    index: int
    lines: tuple[dict[str, Any], ...]
    seconds: float
    worker: str


class Executor(Protocol):
    """Runs chunks and yields their results as they arrive (in any order).

    `run` pulls the next chunk from `chunks` only when a worker can take it, so a chunk
    sized after earlier results sees their measured cost.
    """

    @property
    def name(self) -> str:
        """What the summary calls this executor ("local", "ray")."""
        ...

    @property
    def slots(self) -> int:
        """How many items run at once (the chunk sizing spreads work over them)."""
        ...

    @property
    def degraded(self) -> list[str]:
        """Isolation gaps of the workers' sandboxes (empty when fully isolated)."""
        ...

    def run(self, chunks: Iterator[Chunk]) -> Iterator[ChunkResult]:
        """Run every chunk; yield each result once."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


class Chunker:
    """Cuts items into chunks sized from the measured cost per item.

    A chunk should take about `target_s` on a worker: long enough that the per-chunk round
    trip is small beside it, short enough that a lost worker costs little and that the
    last chunks do not leave workers idle. Until a result is measured, chunks hold
    `first` items; after, ``target_s / seconds per item``, never more than an even share
    of what is left per slot.
    """

    def __init__(
        self,
        items: Sequence[Item],
        *,
        slots: int,
        target_s: float = 1.5,
        first: int = 2,
        largest: int = 256,
    ) -> None:
        if target_s <= 0 or first < 1 or largest < first:
            raise InvalidArgument(
                f"chunk sizing needs target_s > 0 and 1 <= first <= largest; got "
                f"target_s={target_s}, first={first}, largest={largest}"
            )
        self._items = list(items)
        self._slots = max(1, slots)
        self.target_s = target_s
        self._first = first
        self._largest = largest
        self._spent = 0.0
        self._measured = 0
        self.sizes: list[int] = []

    @property
    def per_item_s(self) -> float | None:
        """Measured worker seconds per item, or None before any result."""
        return self._spent / self._measured if self._measured else None

    def observe(self, result: ChunkResult) -> None:
        """Account a finished chunk's cost."""
        self._spent += result.seconds
        self._measured += len(result.lines)

    def size(self, remaining: int) -> int:
        """The next chunk's size, given `remaining` items not yet sent."""
        cost = self.per_item_s
        wanted = self._first if cost is None else round(self.target_s / max(cost, 1e-6))
        fair = -(-remaining // self._slots)
        return max(1, min(wanted, self._largest, fair))

    def __iter__(self) -> Iterator[Chunk]:
        start = 0
        while start < len(self._items):
            size = self.size(len(self._items) - start)
            self.sizes.append(size)
            yield Chunk(index=len(self.sizes) - 1, items=tuple(self._items[start : start + size]))
            start += size


class LocalExecutor:
    """Chunks on this machine: `workers` threads, each with its own warm one-worker sandbox
    (the sandbox pool of `assay.sandbox`, one zygote per worker).

    Args:
        options: how items are evaluated.
        workers: items run at once; default: the machine's CPUs.
    """

    name = "local"

    def __init__(self, options: Options, *, workers: int | None = None) -> None:
        count = workers if workers is not None else (os.cpu_count() or 1)
        if not isinstance(count, int) or count < 1:
            raise InvalidArgument(f"workers={workers!r} must be a positive integer")
        self._benches = [Workbench(options) for _ in range(count)]
        self._idle = list(self._benches)
        # imported here: `import assay` (which exports `batch`) does not pay for it
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="assay-batch")

    @property
    def slots(self) -> int:
        """Items that run at once."""
        return len(self._benches)

    @property
    def degraded(self) -> list[str]:
        """Isolation gaps of the sandboxes started so far."""
        return sorted({gap for bench in self._benches for gap in bench.degraded})

    def run(self, chunks: Iterator[Chunk]) -> Iterator[ChunkResult]:
        """Run chunks on idle workers; yield each result as it finishes."""
        from concurrent.futures import FIRST_COMPLETED, wait

        running: dict[Future[ChunkResult], Workbench] = {}
        exhausted = False
        while True:
            while self._idle and not exhausted:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                bench = self._idle.pop()
                running[self._pool.submit(_evaluate, bench, chunk)] = bench
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: f.result().index):
                self._idle.append(running.pop(future))
                yield future.result()

    def close(self) -> None:
        """Stop the threads and every sandbox."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        for bench in self._benches:
            bench.close()

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _evaluate(bench: Workbench, chunk: Chunk) -> ChunkResult:
    started = time.perf_counter()
    lines = bench.run(chunk.items)
    return ChunkResult(
        index=chunk.index,
        lines=tuple(lines),
        seconds=time.perf_counter() - started,
        worker=f"local-{os.getpid()}",
    )
