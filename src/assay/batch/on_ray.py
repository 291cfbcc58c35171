"""`RayExecutor`: chunks on a Ray cluster (the optional ``assay[ray]`` extra).

One actor per CPU of the cluster; each owns a warm one-worker sandbox (the same bubblewrap
or namespace isolation as on this machine) and runs the chunks sent to it one at a time. An
actor whose node has no isolation fails its start-up check, and the executor refuses to run
rather than run candidate code unisolated there (unless ``allow_unsandboxed`` says so, as
for a local `Sandbox`).

A worker process that dies is restarted by Ray and its unfinished calls are retried
(``max_restarts``/``max_task_retries``); a chunk whose actor is gone for good is sent to
another one. Evaluation is a pure function of the item, so running a chunk twice is
harmless, and the driver writes each id once.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from assay._extras import require
from assay.batch.executors import Chunk, ChunkResult
from assay.batch.work import Options, Workbench
from assay.errors import BatchError, InvalidArgument, SandboxUnavailable

__all__ = ["RayExecutor", "import_ray"]

#: chunks queued per actor: one running and one waiting, so an actor never idles for a
#: driver round trip between chunks
_QUEUED_PER_ACTOR = 2
#: how often a chunk is sent again after its actor died for good
_RESUBMISSIONS = 3


def import_ray() -> Any:
    """The `ray` module, or a `MissingExtra` that says how to install it."""
    return require("ray", extra="ray")


class _BatchWorker:
    """The actor body: a `Workbench` whose sandbox `ready` starts."""

    def __init__(self, options: Options) -> None:
        self._bench = Workbench(options)

    def ready(self) -> dict[str, Any]:
        """Start the sandbox (whatever the mode: check and compare items run candidate code
        too) and say where this actor runs and which isolation gaps it has. Raises
        `SandboxUnavailable` on a node without isolation: a method's exception reaches the
        driver as itself, where a failed ``__init__`` would reach it only as text."""
        sandbox = self._bench.open()
        return {
            "node": socket.gethostname(),
            "pid": os.getpid(),
            "degraded": list(sandbox.degraded),
        }

    def run(self, chunk: Chunk) -> ChunkResult:
        """Evaluate one chunk."""
        started = time.perf_counter()
        lines = self._bench.run(chunk.items)
        return ChunkResult(
            index=chunk.index,
            lines=tuple(lines),
            seconds=time.perf_counter() - started,
            worker=f"ray-{socket.gethostname()}-{os.getpid()}",
        )


class RayExecutor:
    """Chunks on Ray actors.

    Args:
        options: how items are evaluated.
        address: ``"auto"`` starts a local Ray runtime for this batch (stopped on close);
            otherwise the address of a running cluster to join (``HOST:PORT`` or
            ``ray://HOST:PORT``). A process already connected (its own ``ray.init``) uses
            that connection and keeps it.
        workers: actors to start; default: one per CPU the cluster has.

    Raises:
        BatchError: ray is not installed, or the cluster cannot be reached.
        SandboxUnavailable: an actor's node has no working isolation.
    """

    name = "ray"

    def __init__(self, options: Options, *, address: str, workers: int | None = None) -> None:
        if workers is not None and (not isinstance(workers, int) or workers < 1):
            raise InvalidArgument(f"workers={workers!r} must be a positive integer")
        ray = import_ray()
        self._ray = ray
        # a caller already connected (its own ray.init) keeps its connection after the batch
        self._connected = not ray.is_initialized()
        try:
            if self._connected and address == "auto":
                ray.init(include_dashboard=False, logging_level="WARNING", log_to_driver=False)
            elif self._connected:
                ray.init(address=address, logging_level="WARNING", log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise BatchError(
                f"cannot join the Ray cluster at {address!r}: {error}; start one with "
                "`ray start --head` or pass --ray auto"
            ) from error
        try:
            count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=-1)(_BatchWorker)
            self._actors = [actor.remote(options) for _ in range(count)]
            self.nodes = self._ready()
        except BaseException:
            self.close()
            raise

    def _ready(self) -> list[dict[str, Any]]:
        ray = self._ray
        try:
            return list(ray.get([a.ready.remote() for a in self._actors]))
        except ray.exceptions.RayError as error:
            cause = _cause(error)
            if isinstance(cause, SandboxUnavailable):
                raise SandboxUnavailable(
                    f"a Ray worker refuses to run candidate code: {cause}"
                ) from error
            raise BatchError(f"a Ray worker could not start: {error}") from error

    @property
    def slots(self) -> int:
        """Actors (each runs one item at a time)."""
        return len(self._actors)

    @property
    def degraded(self) -> list[str]:
        """Isolation gaps of any actor's node."""
        return sorted({gap for node in self.nodes for gap in node["degraded"]})

    def run(self, chunks: Iterator[Chunk]) -> Iterator[ChunkResult]:
        """Send chunks to the actors with the fewest queued; yield results as they come."""
        ray = self._ray
        queued = {index: 0 for index in range(len(self._actors))}
        pending: dict[Any, tuple[int, Chunk, int]] = {}
        exhausted = False
        while True:
            while not exhausted and min(queued.values()) < _QUEUED_PER_ACTOR:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                self._send(chunk, queued, pending, attempt=0)
            if not pending:
                return
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                actor, chunk, attempt = pending.pop(ref)
                queued[actor] -= 1
                try:
                    result = ray.get(ref)
                except ray.exceptions.RayActorError as error:
                    if attempt >= _RESUBMISSIONS:
                        raise BatchError(
                            f"chunk {chunk.index} lost its worker {attempt + 1} times: {error}"
                        ) from error
                    self._send(chunk, queued, pending, attempt=attempt + 1, avoid=actor)
                    continue
                except ray.exceptions.RayTaskError as error:
                    cause = _cause(error)
                    if isinstance(cause, Exception):
                        raise cause from error
                    raise BatchError(f"chunk {chunk.index} failed on Ray: {error}") from error
                yield result

    def _send(
        self,
        chunk: Chunk,
        queued: dict[int, int],
        pending: dict[Any, tuple[int, Chunk, int]],
        *,
        attempt: int,
        avoid: int | None = None,
    ) -> None:
        choices = [i for i in queued if i != avoid] or list(queued)
        actor = min(choices, key=lambda i: (queued[i], i))
        queued[actor] += 1
        pending[self._actors[actor].run.remote(chunk)] = (actor, chunk, attempt)

    def close(self) -> None:
        """End the actors; disconnect if this executor connected (and so stop the runtime
        ``"auto"`` started)."""
        ray = self._ray
        for actor in getattr(self, "_actors", []):
            ray.kill(actor, no_restart=True)
        if self._connected and ray.is_initialized():
            ray.shutdown()

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _cause(error: BaseException) -> BaseException | None:
    """The exception an actor raised, as Ray wraps it (`RayTaskError.cause`, or the
    creation error inside an `ActorDiedError`)."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, BaseException):
        return _cause(cause) or cause
    return None
