"""`Sandbox`: a pool of warm workers that runs jobs one per worker at a time."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType

from assay.errors import InvalidArgument, SandboxError
from assay.sandbox._model import DoctorReport, Job, JobResult, Limits
from assay.sandbox._policy import doctor_report, policy_for
from assay.sandbox._worker import Worker

__all__ = ["Sandbox", "doctor", "run_job"]


class Sandbox:
    """A context manager owning `workers` warm, isolated worker processes.

    Args:
        workers: how many jobs run at once (each in its own sandboxed worker).
        limits: used for jobs whose `Job.limits` is the default ``Limits()``.
        isolation: "auto" (bubblewrap when it works, else assay's own namespaces),
            "bubblewrap" or "namespaces" (raise `SandboxUnavailable` if that one does not
            work), or "none" (rlimits only; every gap is listed in `JobResult.degraded`).
        allow_unsandboxed: where no isolation works, "auto" raises `SandboxUnavailable`
            (reason and remedy in its message) unless this is True, which runs candidate
            code with rlimits only, every gap in `JobResult.degraded`; None reads
            ``ASSAY_ALLOW_UNSANDBOXED``.
        hash_seed: ``PYTHONHASHSEED`` of the workers (fixed, so that results repeat); a
            sandbox with another seed shows which results depend on the order of sets of
            strings.
        warm: modules every worker imports once before it forks jobs, beyond the standard
            ones (``("hypothesis",)`` for jobs that draw inputs there): each job then finds
            them imported instead of paying for the import.

    Example::

        with Sandbox(workers=2) as box:
            result = box.run(Job(source="def f(x): return x * 2", calls=(Call.expr("f(21)"),)))
            result.outcomes[0].value  # 42
    """

    def __init__(
        self,
        *,
        workers: int = 2,
        limits: Limits | None = None,
        isolation: str = "auto",
        hash_seed: int = 0,
        allow_unsandboxed: bool | None = None,
        warm: tuple[str, ...] = (),
    ) -> None:
        if not isinstance(workers, int) or workers < 1:
            raise InvalidArgument(f"workers={workers!r} must be a positive integer")
        self.policy = policy_for(isolation, allow_unsandboxed)
        if hash_seed != 0:
            self.policy = self.policy.with_hash_seed(hash_seed)
        self.hash_seed = hash_seed
        if warm:
            self.policy = self.policy.with_warm(warm)
        self.limits = limits
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._all: list[Worker] = []
        self._cancelled = threading.Event()
        self._closed = False
        try:
            for _ in range(workers):
                self._all.append(Worker(self.policy))
            for worker in self._all:
                worker.wait_ready()
                self._idle.put(worker)
        except SandboxError:
            self.close()
            raise

    @property
    def workers(self) -> int:
        """Number of workers."""
        return len(self._all)

    @property
    def degraded(self) -> tuple[str, ...]:
        """Isolation gaps on this machine (empty when every mechanism is active)."""
        return self.policy.degraded

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _limits_for(self, job: Job) -> Limits:
        if self.limits is not None and job.limits == Limits():
            return self.limits
        return job.limits

    def run(self, job: Job) -> JobResult:
        """Run one job on the next idle worker and return its result (blocks)."""
        if self._closed:
            raise SandboxError("this Sandbox is closed; create a new one")
        worker = self._idle.get()
        try:
            worker.cancelled.clear()
            return worker.run(
                job, self._limits_for(job), self.policy.isolation, self.policy.degraded
            )
        finally:
            self._idle.put(worker)

    def map(self, jobs: Iterable[Job], *, progress: bool = False) -> Iterator[JobResult]:
        """Run many jobs over the workers; yield results in input order.

        After `cancel`, running jobs end as ``killed`` and the rest are not started: the
        iterator stops after the last finished job.
        """
        self._cancelled.clear()
        job_list = list(jobs)
        bar = _Progress(len(job_list)) if progress else None
        with ThreadPoolExecutor(
            max_workers=self.workers, thread_name_prefix="assay-sandbox"
        ) as pool:
            futures: list[Future[JobResult | None]] = [
                pool.submit(self._run_unless_cancelled, job) for job in job_list
            ]
            try:
                for future in futures:
                    result = future.result()
                    if result is None:
                        break
                    if bar is not None:
                        bar.advance()
                    yield result
            finally:
                for future in futures:
                    future.cancel()
                if bar is not None:
                    bar.close()

    def _run_unless_cancelled(self, job: Job) -> JobResult | None:
        if self._cancelled.is_set():
            return None
        return self.run(job)

    def cancel(self) -> None:
        """Stop the current batch: kill running jobs, start no new ones."""
        self._cancelled.set()
        for worker in self._all:
            worker.cancelled.set()
            worker.kill_current()

    def close(self) -> None:
        """Stop every worker and remove everything they created."""
        self._closed = True
        for worker in self._all:
            worker.close()


class _Progress:
    """A rich progress bar on stderr."""

    def __init__(self, total: int) -> None:
        from rich.progress import Progress

        self._progress = Progress(transient=True)
        self._progress.start()
        self._task = self._progress.add_task("sandbox", total=total)

    def advance(self) -> None:
        self._progress.advance(self._task)

    def close(self) -> None:
        self._progress.stop()


def run_job(
    job: Job, *, isolation: str = "auto", allow_unsandboxed: bool | None = None
) -> JobResult:
    """Run one job in a fresh one-worker sandbox (convenient; use `Sandbox` for many jobs)."""
    with Sandbox(workers=1, isolation=isolation, allow_unsandboxed=allow_unsandboxed) as box:
        return box.run(job)


def doctor(isolation: str = "auto", allow_unsandboxed: bool | None = None) -> DoctorReport:
    """Which isolation backend and mechanisms are active on this machine, which are
    degraded, and why; backend "refused" where no isolation works and running candidate
    code without it was not allowed (`Sandbox` then raises `SandboxUnavailable`)."""
    return doctor_report(isolation, allow_unsandboxed)
