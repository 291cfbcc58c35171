"""Batch throughput on this machine: the local executor vs Ray with one and with two worker
nodes, same programs, same run; Ray's fixed start cost; the break-even batch size.

    python bench/batch_scaling.py                       # 1,200 programs
    python bench/batch_scaling.py --samples 4920 --json bench/results/batch_scaling.json

Programs: the 164 HumanEval canonical solutions plus the first real LLM samples of
../shared/data/humaneval-results-murdza (as bench/sandbox_throughput.py loads them), each
scored against HumanEval's hidden tests (3 s limit), through `assay.batch`'s executors.

What is measured, per configuration (every one on the same 2 CPUs):

* ``programs_per_s``: items / wall time of the run (executor already started);
* ``worker_s_per_item``: seconds a worker spends evaluating one item (the chunks' own clock);
* ``overhead_s_per_item``: wall x slots / items - worker_s_per_item: what each slot loses
  per item to everything but evaluation (driver, transport, scheduling, writing);
* ``chunk_overhead_s``: the same loss per chunk (``wall x slots - worker seconds`` / chunks);
* ``output_bytes_per_item``: the size of an output line; ``input_bytes_per_item``: of an
  item as sent to a worker (program and tests);
* ``driver_cpu_s_per_item``: the driver process's CPU per item (receiving, writing each line
  to a file as `assay batch` does; on Ray the evaluation runs in other processes, so this is
  the driver's own cost and bounds how many items one driver can take per second);
* ``start_s``: the fixed cost before the first item can run: for Ray, starting the nodes
  (``ray start``) and, separately, joining them and starting the actors with their sandboxes.

The local sandbox pool without the batch layer (`score_samples`) is the baseline.
``break_even`` models, from those per-item costs, the batch size above which Ray on K such
nodes beats the local executor on one, its fixed start cost included (see `break_even`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox_throughput import load_rows  # noqa: E402 - a sibling bench script
from tests.batch.ray_cluster import LocalRayCluster  # noqa: E402 - the tests' cluster

from assay.batch import Chunker, Item, Options, make_executor, run_items  # noqa: E402
from assay.batch.items import OutputLog  # noqa: E402
from assay.benchmarks.humaneval import load_humaneval  # noqa: E402
from assay.benchmarks.scoring import Sample, score_samples  # noqa: E402
from assay.sandbox import Limits  # noqa: E402

TIMEOUT_S = 3.0


def _items(count: int) -> tuple[list[Item], list[Sample]]:
    problems = load_humaneval()
    rows = load_rows(max(0, count - len(problems)))[:count]
    items, samples = [], []
    for index, row in enumerate(rows):
        problem = problems[row["task_id"]]
        program = problem.prompt + row["completion"]
        items.append(
            Item(
                id=index,
                mode="score",
                payload={
                    "program": program,
                    "tests": problem.test_call(),
                    "task_id": problem.task_id,
                },
            )
        )
        samples.append(Sample(task_id=problem.task_id, index=index, program=program))
    return items, samples


def _run(items: list[Item], *, ray: str | None, jobs: int | None, out: Path) -> dict[str, Any]:
    options = Options(mode="score", timeout=TIMEOUT_S)
    started = time.perf_counter()
    executor = make_executor(options, jobs=jobs, ray=ray)
    try:
        # warm every slot (zygotes started, code imported) before the clock starts
        warm = Chunker(items[: executor.slots * 2], slots=executor.slots, first=1, largest=1)
        list(run_items(executor, warm))
        ready_s = time.perf_counter() - started
        chunker = Chunker(items, slots=executor.slots)
        log = OutputLog(out, mode="score", resume=False)
        began, cpu = time.perf_counter(), time.process_time()
        lines = []
        for line in run_items(executor, chunker):
            log.write(line)
            lines.append(line)
        wall = time.perf_counter() - began
        # the driver's own CPU (on Ray the evaluation runs in other processes)
        driver_cpu = time.process_time() - cpu
        log.close()
        line_bytes = out.stat().st_size / len(items)
        out.unlink()
        slots = executor.slots
    finally:
        executor.close()
    ids = [line["id"] for line in lines]
    if sorted(ids) != list(range(len(items))):
        raise SystemExit(f"{len(ids)} lines for {len(items)} items, or an id twice")
    worker_s = chunker.per_item_s or 0.0
    spent = worker_s * len(items)
    return {
        "slots": slots,
        "items": len(items),
        "wall_s": round(wall, 3),
        "programs_per_s": round(len(items) / wall, 1),
        "worker_s_per_item": round(worker_s, 5),
        "overhead_s_per_item": round(wall * slots / len(items) - worker_s, 5),
        "chunks": len(chunker.sizes),
        "median_chunk": sorted(chunker.sizes)[len(chunker.sizes) // 2],
        "chunk_overhead_s": round((wall * slots - spent) / len(chunker.sizes), 4),
        "executor_ready_s": round(ready_s, 2),
        "driver_cpu_s_per_item": round(driver_cpu / len(items), 6),
        "output_bytes_per_item": round(line_bytes),
        "passed": sum(1 for line in lines if line["result"]["passed"]),
    }


def _ray_config(
    items: list[Item], *, workers: int, cpus: int, head_cpus: int, out: Path
) -> dict[str, Any]:
    cluster = LocalRayCluster(workers=workers, cpus=cpus, head_cpus=head_cpus, object_store_mb=100)
    os.environ.update({k: cluster.env()[k] for k in ("RAY_USAGE_STATS_ENABLED", "RAY_AUTH_MODE")})
    cluster.start()
    try:
        result = _run(items, ray=cluster.address, jobs=None, out=out)
    finally:
        stragglers = cluster.stop()
    if stragglers:
        raise SystemExit(f"processes outlived the cluster: {stragglers}")
    return {"nodes": workers + 1, "cluster_start_s": round(cluster.start_s, 2), **result}


def break_even(local: dict[str, Any], ray: dict[str, Any]) -> dict[str, Any]:
    """Batch sizes above which Ray on K nodes like this one finishes sooner than the local
    executor on one, counting Ray's fixed start cost.

    A model from measured per-item costs, not from the two rates: on one machine both use
    the same CPUs, so their rates differ by the load of the moment as much as by the
    executor. Per slot, an item costs the worker time `w` (the local run's, the same
    programs) plus the executor's overhead (`o_local`, `o_ray`); K nodes of `s` slots run
    K x s at once: wall(N) = F + N (w + o_ray) / (K s) against N (w + o_local) / s. Where
    the measured `o_ray` comes out below `o_local` (both are below the noise of a loaded
    machine) the larger is used; on one node (K = 1) Ray does the same work plus its
    overhead on the same CPUs, so it never breaks even (None).
    """
    w = local["worker_s_per_item"]
    slots = local["slots"]
    local_overhead = max(local["overhead_s_per_item"], 0.0)
    ray_overhead = max(ray["overhead_s_per_item"], local_overhead)
    per_local = (w + local_overhead) / slots
    fixed = ray["fixed_start_s"]
    by_nodes: dict[str, int | None] = {"1": None}
    for nodes in (2, 4, 10, 100):
        gain = per_local - (w + ray_overhead) / (slots * nodes)
        by_nodes[str(nodes)] = round(fixed / gain) if gain > 0 else None
    return {
        "fixed_start_s": fixed,
        "worker_s_per_item": w,
        "overhead_s_per_item": ray_overhead,
        "items_by_nodes": by_nodes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=1200, help="programs per configuration")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    items, samples = _items(args.samples)
    problems = load_humaneval()
    input_bytes = sum(len(json.dumps(dict(item.payload))) for item in items) / len(items)
    out = Path(tempfile.mkdtemp(prefix="batch-scaling-")) / "out.jsonl"

    began = time.perf_counter()
    pool = score_samples(samples, problems, workers=2, limits=Limits(timeout_s=TIMEOUT_S))
    pool_wall = time.perf_counter() - began
    figures: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_before": os.getloadavg(),
        "samples": len(items),
        "input_bytes_per_item": round(input_bytes),
        "sandbox_pool": {
            "slots": 2,
            "wall_s": round(pool_wall, 3),
            "programs_per_s": round(len(items) / pool_wall, 1),
            "passed": sum(1 for s in pool if s.passed),
        },
        "local": _run(items, ray=None, jobs=2, out=out),
        # the same 2 CPUs as one Ray node, then as two
        "ray_1_node": _ray_config(items, workers=0, cpus=2, head_cpus=2, out=out),
        "ray_2_nodes": _ray_config(items, workers=1, cpus=1, head_cpus=1, out=out),
    }
    local = figures["local"]
    for name in ("ray_1_node", "ray_2_nodes"):
        ray = figures[name]
        if ray["passed"] != local["passed"]:
            raise SystemExit(f"{name} passed {ray['passed']} programs, local {local['passed']}")
        ray["fixed_start_s"] = round(ray["cluster_start_s"] + ray["executor_ready_s"], 2)
    figures["break_even"] = break_even(local, figures["ray_2_nodes"])
    figures["load_after"] = os.getloadavg()
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
