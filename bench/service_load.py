"""Load test of `POST /v1/check` on loopback: requests per second and latency percentiles.

    python bench/service_load.py                       # 200 requests, 4 clients, 120 s cap
    python bench/service_load.py --requests 500 --clients 8 --file path/to/typical.py

Starts `assay serve` on a free loopback port (its own temporary ledger, so recording is part
of what is measured; ``--no-ledger`` to leave it out), waits for /v1/health, sends
``--warmup`` requests that are not counted, then ``--requests`` requests from ``--clients``
concurrent clients. Bounded: it stops at ``--max-seconds`` whatever the count. Then, as a
baseline measured in the same run, ``--baseline`` in-process `assay.check` calls on the same
text, one at a time. The file
checked defaults to ``src/assay/config.py`` (about 150 lines: a typical module). Prints one
JSON object: throughput, p50/p95/p99 latency, errors, and the machine's CPU count.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(client: httpx.Client, server: subprocess.Popen[str], deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"assay serve exited early: {server.communicate()[1]}")
        try:
            if client.get("/v1/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("assay serve did not become healthy in time")


def _in_process_baseline(source: str, name: str, dynamic: bool, count: int) -> dict[str, float]:
    """assay.check on the same text in this process, one call at a time (after one warm-up):
    what the service adds is measured against this, on the same machine, in the same run."""
    import assay

    assay.check_source(source, name=name, dynamic=dynamic)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        assay.check_source(source, name=name, dynamic=dynamic)
        times.append(time.perf_counter() - started)
    return {
        "calls": count,
        "p50_ms": round(1000 * statistics.median(times), 1),
        "serial_requests_per_s": round(count / sum(times), 2),
    }


def main() -> int:
    """Run the load test and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--concurrency", type=int, default=2, help="server worker slots")
    parser.add_argument("--file", type=Path, default=ROOT / "src" / "assay" / "config.py")
    parser.add_argument("--dynamic", action="store_true", help="also run sandboxed probes")
    parser.add_argument("--no-ledger", action="store_true", help="do not record runs")
    parser.add_argument(
        "--baseline", type=int, default=10, help="in-process assay.check calls for the baseline"
    )
    args = parser.parse_args()

    source = args.file.read_text(encoding="utf-8")
    port = _free_port()
    workdir = Path(tempfile.mkdtemp(prefix="assay-load-"))
    env = {**os.environ, "ASSAY_LEDGER_URL": f"sqlite:///{workdir / 'ledger.sqlite3'}"}
    command = [
        sys.executable,
        "-m",
        "assay",
        "serve",
        "--port",
        str(port),
        "--concurrency",
        str(args.concurrency),
        "--queue",
        str(args.clients * 2),
    ]
    if args.no_ledger:
        command.append("--no-ledger")
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    payload = {"source": source, "path": args.file.name, "dynamic": args.dynamic}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            _wait_healthy(client, server, time.monotonic() + 60)
            for _ in range(args.warmup):
                client.post("/v1/check", json=payload).raise_for_status()
        stop_at = time.monotonic() + args.max_seconds
        remaining = iter(range(args.requests))

        def worker() -> None:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                while time.monotonic() < stop_at:
                    with lock:
                        if next(remaining, None) is None:
                            return
                    started = time.perf_counter()
                    try:
                        response = client.post("/v1/check", json=payload)
                        outcome = str(response.status_code)
                    except httpx.HTTPError as error:
                        outcome = type(error).__name__
                    elapsed = time.perf_counter() - started
                    with lock:
                        if outcome == "200":
                            latencies.append(elapsed)
                        else:
                            errors[outcome] = errors.get(outcome, 0) + 1

        began = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    baseline = _in_process_baseline(source, args.file.name, args.dynamic, args.baseline)
    ordered = sorted(latencies)

    def percentile(q: float) -> float | None:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None

    result = {
        "endpoint": "POST /v1/check",
        "file": str(args.file.relative_to(ROOT) if args.file.is_relative_to(ROOT) else args.file),
        "file_lines": len(source.splitlines()),
        "dynamic": args.dynamic,
        "ledger": not args.no_ledger,
        "clients": args.clients,
        "server_concurrency": args.concurrency,
        "completed": len(latencies),
        "errors": errors,
        "wall_s": round(wall, 3),
        "requests_per_s": round(len(latencies) / wall, 2) if wall else None,
        "latency_ms": {
            "p50": round(1000 * statistics.median(ordered), 1) if ordered else None,
            "p95": round(1000 * (percentile(0.95) or 0), 1) if ordered else None,
            "p99": round(1000 * (percentile(0.99) or 0), 1) if ordered else None,
            "max": round(1000 * ordered[-1], 1) if ordered else None,
        },
        "baseline_in_process": baseline,
        "p50_over_in_process_p50": round(statistics.median(ordered) / baseline["p50_ms"] * 1000, 2)
        if ordered and baseline["p50_ms"]
        else None,
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result, indent=2))
    return 0 if latencies and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
