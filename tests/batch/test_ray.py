"""`assay batch --ray ADDRESS` on a real Ray cluster started from this checkout: a head node on
127.0.0.1 and a second node process, one CPU each. The output equals the local executor's;
a worker process killed mid-batch and a driver killed and resumed still give every id
once, with the same results; a node without isolation refuses work; nothing is left
running afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.batch.programs import results, same_results, score_rows, write_jsonl
from tests.batch.ray_cluster import ROOT, LocalRayCluster

import assay
from assay.benchmarks.humaneval import load_humaneval

pytest.importorskip("ray", reason="the Ray tests need the ray package: pip install -e '.[ray]'")

pytestmark = [pytest.mark.slow, pytest.mark.ray, pytest.mark.timeout(240)]

#: a few hundred programs: enough that a kill lands mid-batch, two of them hang
_ITEMS = 240
_TIMEOUT = "1.0"


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalRayCluster]:
    started = LocalRayCluster(workers=1, cpus=1).start()
    try:
        yield started
    finally:
        stragglers = started.stop()
    assert stragglers == [], f"processes outlived the cluster: {stragglers}"
    assert started.processes() == []


@pytest.fixture(scope="module")
def batch_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ray-batch")
    return write_jsonl(folder / "in.jsonl", score_rows(_ITEMS, seed=11, hangs=2))


@pytest.fixture(scope="module")
def local_results(batch_input: Path) -> dict[str, Any]:
    out = batch_input.with_name("local.jsonl")
    assay.batch(batch_input, out, jobs=2, timeout=float(_TIMEOUT))
    return results(out)


def _driver(
    cluster: LocalRayCluster, source: Path, out: Path, *extra: str
) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "assay", "batch", str(source), "--out", str(out)]
    command += ["--ray", cluster.address, "--timeout", _TIMEOUT, "--no-progress", *extra]
    return subprocess.Popen(
        command,
        env=cluster.env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(driver: subprocess.Popen[str]) -> dict[str, Any]:
    stdout, stderr = driver.communicate(timeout=180)
    assert driver.returncode == 0, stderr[-3000:]
    # the last line: Ray's driver prints its own notices (a task retried) on stdout too
    summary: dict[str, Any] = json.loads(stdout.splitlines()[-1])
    return summary


def _wait_for_lines(out: Path, count: int, driver: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and driver.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{out} never reached {count} lines (driver: {driver.poll()})")


def test_the_ray_output_equals_the_local_executors(
    cluster: LocalRayCluster, batch_input: Path, local_results: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "ray.jsonl"
    summary = _finish(_driver(cluster, batch_input, out))
    assert (summary["executor"], summary["workers"], summary["written"]) == ("ray", 2, _ITEMS)
    assert summary["chunks"] < _ITEMS  # chunked, not sent one by one
    assert results(out) == local_results
    workers = {json.loads(line)["id"] for line in out.read_text().splitlines()}
    assert len(workers) == _ITEMS


def test_a_worker_process_killed_mid_batch_changes_nothing(
    cluster: LocalRayCluster, batch_input: Path, local_results: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "ray.jsonl"
    driver = _driver(cluster, batch_input, out)
    _wait_for_lines(out, _ITEMS // 5, driver)
    victims = cluster.actor_processes()
    assert victims, "no batch actor process found"
    os.kill(victims[0], signal.SIGKILL)
    summary = _finish(driver)
    assert summary["written"] == _ITEMS
    assert results(out) == local_results
    assert victims[0] not in cluster.actor_processes()


def test_a_killed_driver_resumes_without_duplicates(
    cluster: LocalRayCluster, batch_input: Path, local_results: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "ray.jsonl"
    driver = _driver(cluster, batch_input, out)
    _wait_for_lines(out, _ITEMS // 4, driver)
    driver.send_signal(signal.SIGKILL)
    driver.wait(timeout=30)
    done = out.read_bytes().count(b"\n")
    assert 0 < done < _ITEMS
    # as if the kill had landed mid-write: a partial line of an id not yet written
    written = {json.loads(line)["id"] for line in out.read_text().splitlines()}
    pending = next(
        row["id"]
        for row in map(json.loads, batch_input.read_text().splitlines())
        if row["id"] not in written
    )
    with out.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": pending, "mode": "score"})[:20])
    summary = _finish(_driver(cluster, batch_input, out, "--resume"))
    assert summary["skipped"] == done
    assert summary["written"] == _ITEMS - done
    assert results(out) == local_results


def test_check_and_compare_lines_on_ray_equal_the_local_ones(
    cluster: LocalRayCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the driver below runs there: the same [tool.assay] settings
    checks = write_jsonl(
        tmp_path / "check.jsonl",
        [
            {"id": "import", "source": "import os\nos.path.splitall('a')\n"},
            {
                "id": "probed",
                # no type hints: probed on its example only, so a loaded machine cannot turn
                # a generated input's slow call into another result
                "source": 'def inc(x):\n    """>>> inc(1)\n    3\n    """\n    return x + 1\n',
            },
        ],
    )
    task = 'def inc(x):\n    """>>> inc(1)\n    2\n    """\n'
    compares = write_jsonl(
        tmp_path / "compare.jsonl",
        [
            {
                "id": 1,
                "task": task,
                "candidates": ["def inc(x):\n    return x + 1\n", "def inc(x):\n    return 2\n"],
            }
        ],
    )
    for mode, source in (("check", checks), ("compare", compares)):
        local = tmp_path / f"{mode}-local.jsonl"
        assay.batch(source, local, mode=mode, jobs=1, budget=8, timeout=float(_TIMEOUT))
        remote = tmp_path / f"{mode}-ray.jsonl"
        _finish(_driver(cluster, source, remote, "--mode", mode, "--budget", "8"))
        difference = same_results(results(remote), results(local))
        assert not difference, difference
    checked = results(tmp_path / "check-ray.jsonl")
    assert [f["rule"] for f in checked["import"]["result"]["findings"]] == ["AS102"]
    assert [f["rule"] for f in checked["probed"]["result"]["findings"]] == ["AS601"]
    verdicts = results(tmp_path / "compare-ray.jsonl")[1]["result"]["verdicts"]
    assert [v["accepted"] for v in verdicts] == [True, False]


def test_a_node_without_isolation_refuses_work(batch_input: Path, tmp_path: Path) -> None:
    # the head offers no CPU, so every actor lands on the node without user namespaces
    bare = LocalRayCluster(workers=1, cpus=1, head_cpus=0, isolated_workers=False).start()
    try:
        driver = _driver(bare, batch_input, tmp_path / "out.jsonl")
        stdout, stderr = driver.communicate(timeout=180)
    finally:
        stragglers = bare.stop()
    assert stragglers == [] and bare.processes() == []
    assert driver.returncode == 2, stderr[-3000:]
    assert "assay: error: a Ray worker refuses to run candidate code" in stderr
    assert "no isolation" in stderr
    assert not (tmp_path / "out.jsonl").read_text()
    assert stdout == ""


def test_bench_scores_samples_on_ray_as_it_does_locally(
    cluster: LocalRayCluster, tmp_path: Path
) -> None:
    problems = load_humaneval()
    rows = []
    for number in range(6):
        problem = problems[f"HumanEval/{number}"]
        rows.append({"task_id": problem.task_id, "completion": problem.canonical_solution})
        rows.append({"task_id": problem.task_id, "completion": "    return None\n"})
    samples = write_jsonl(tmp_path / "samples.jsonl", rows)
    summaries = []
    command = [sys.executable, "-m", "assay", "bench", "humaneval", "--samples", str(samples)]
    for extra in ([], ["--ray", cluster.address]):
        done = subprocess.run(
            [*command, "--format", "json", "-j", "2", *extra],
            env=cluster.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        summary = json.loads(done.stdout[done.stdout.index("{") :])
        summaries.append(summary)
    local, on_ray = summaries
    assert on_ray["executor"] == "ray"
    for key in ("tasks", "samples", "pass_at_1", "pass_at_k", "statuses"):
        assert on_ray[key] == local[key]
    assert local["pass_at_1"] == 0.5


def test_a_cluster_that_fails_to_start_leaves_nothing_running() -> None:
    # Ray refuses an object store this small: the head node exits at once
    broken = LocalRayCluster(workers=1, object_store_mb=1)
    with pytest.raises(RuntimeError, match="exited early"):
        broken.start()
    assert broken.processes() == []
    assert not broken.temp_dir.exists()
