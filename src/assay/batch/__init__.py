"""Batch verification: many items from a JSONL file, one verdict line each, on this machine
or on a Ray cluster.

::

    from assay.batch import batch

    summary = batch("samples.jsonl", "scores.jsonl", mode="score", jobs=2)
    summary = batch("samples.jsonl", "scores.jsonl", ray="auto", resume=True)

Layout: `items` (input lines and the output log), `work` (one item to one line, the same
on every worker), `executors` (the `Executor` interface, the chunk sizing and
`LocalExecutor`), `on_ray` (`RayExecutor`, needs ``assay[ray]``), `run` (the driver).
"""

from __future__ import annotations

from assay.batch.executors import Chunk, Chunker, ChunkResult, Executor, LocalExecutor
from assay.batch.items import MODES, Item
from assay.batch.run import BatchSummary, batch, make_executor, run_items
from assay.batch.work import Options

__all__ = [
    "MODES",
    "BatchSummary",
    "Chunk",
    "ChunkResult",
    "Chunker",
    "Executor",
    "Item",
    "LocalExecutor",
    "Options",
    "batch",
    "make_executor",
    "run_items",
]
