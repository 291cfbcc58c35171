"""The HTTP API in-process (FastAPI's TestClient), and `assay serve` as a real server."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from assay.errors import InvalidArgument
from assay.service.http import (
    ServiceConfig,
    _Limiter,
    create_app,
    is_loopback,
    require_key_beyond_loopback,
)

BAD = "import os\n\n\ndef parts(p):\n    return os.path.splitall(p)\n"
KEY = "k" * 24
# The services answer only to allowed Host names; TestClient's default "testserver" is not one.
LOCAL = "http://127.0.0.1"


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    with TestClient(
        create_app(ServiceConfig(ledger_url=sqlite_url)), base_url=LOCAL
    ) as test_client:
        yield test_client


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"


def test_health_and_openapi(client: TestClient, sqlite_url: str) -> None:
    health = client.get("/v1/health").json()
    assert health["status"] == "ok" and health["ledger"] == sqlite_url
    assert health["limits"]["max_body_bytes"] == 1_000_000
    spec = client.get("/openapi.json").json()
    assert {"/v1/check", "/v1/compare", "/v1/health", "/v1/ledger/runs", "/v1/ledger/stats"} <= set(
        spec["paths"]
    )
    assert "CheckRequest" in spec["components"]["schemas"]


def test_check_returns_the_report_and_records_it(client: TestClient) -> None:
    response = client.post("/v1/check", json={"source": BAD, "path": "parts.py"})
    assert response.status_code == 200, response.text
    body = response.json()
    report = body["report"]
    assert report["files"] == ["parts.py"]
    [finding] = [f for f in report["findings"] if f["line"] == 5]
    assert "splitall" in finding["message"]
    assert body["rendered"] is None and body["ledger_error"] is None
    run = client.get(f"/v1/ledger/runs/{body['run_id']}").json()
    assert run["candidates"][0]["code"] == BAD and run["task"] == "parts.py"
    assert [r["id"] for r in client.get("/v1/ledger/runs").json()] == [body["run_id"]]

    marked = client.post(
        f"/v1/ledger/runs/{body['run_id']}/outcomes",
        json={"description": "AttributeError in production", "detected_after_s": 7200},
    )
    assert marked.status_code == 201
    stats = client.get("/v1/ledger/stats").json()
    assert stats["failures"]["total"] == 1
    assert client.get("/v1/ledger/runs?failed=true").json()[0]["id"] == body["run_id"]


def test_rendered_formats_and_no_record(client: TestClient) -> None:
    body = client.post("/v1/check", json={"source": BAD, "format": "html", "record": False}).json()
    assert body["run_id"] is None
    assert body["rendered"].startswith("<!DOCTYPE html>")
    sarif = client.post("/v1/check", json={"source": BAD, "format": "sarif", "record": False})
    assert '"version": "2.1.0"' in sarif.json()["rendered"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"source": "x = 1\n", "format": "pdf"}, 422),
        ({"source": "x = 1\n", "unknown": 1}, 422),
        ({"source": "x = 1\n", "select": ["NOPE999"]}, 422),
        ({"path": "a.py"}, 422),
    ],
)
def test_bad_requests_are_422_with_a_reason(
    client: TestClient, payload: dict[str, object], status: int
) -> None:
    response = client.post("/v1/check", json=payload)
    assert response.status_code == status
    assert response.json()["detail"]


def test_unknown_run_is_404(client: TestClient) -> None:
    assert client.get("/v1/ledger/runs/4242").status_code == 404
    response = client.post("/v1/ledger/runs/4242/outcomes", json={"description": "x"})
    assert response.status_code == 404


def test_body_size_limit(sqlite_url: str) -> None:
    app = create_app(ServiceConfig(ledger_url=sqlite_url, max_body_bytes=2_000))
    with TestClient(app, base_url=LOCAL) as small:
        response = small.post("/v1/check", json={"source": "x = 1\n" * 1000})
        assert response.status_code == 413
        assert small.post("/v1/check", json={"source": "x = 1\n"}).status_code == 200


def test_api_keys_guard_everything_but_health(sqlite_url: str) -> None:
    app = create_app(ServiceConfig(ledger_url=sqlite_url, api_keys=(KEY,)))
    with TestClient(app, base_url=LOCAL) as keyed:
        assert keyed.get("/v1/health").status_code == 200
        assert keyed.post("/v1/check", json={"source": "x = 1\n"}).status_code == 401
        wrong = keyed.get("/v1/ledger/runs", headers={"X-API-Key": "w" * 24})
        assert wrong.status_code == 401
        assert keyed.get("/v1/ledger/runs", headers={"X-API-Key": KEY}).status_code == 200
        bearer = {"Authorization": f"Bearer {KEY}"}
        assert (
            keyed.post("/v1/check", json={"source": "x = 1\n"}, headers=bearer).status_code == 200
        )


def test_without_a_ledger_checks_work_and_ledger_routes_are_404(sqlite_url: str) -> None:
    with TestClient(create_app(ServiceConfig(record=False)), base_url=LOCAL) as bare:
        body = bare.post("/v1/check", json={"source": "x = 1\n"}).json()
        assert body["run_id"] is None
        assert bare.get("/v1/ledger/runs").status_code == 404


def test_loopback_rules() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.4", "::", "example.org"))
    require_key_beyond_loopback("127.0.0.1", ())
    require_key_beyond_loopback("0.0.0.0", (KEY,))
    with pytest.raises(InvalidArgument, match="requires an API key"):
        require_key_beyond_loopback("0.0.0.0", ())


def _blocked_limiter(
    running: int, queue: int, timeout_s: float
) -> tuple[_Limiter, threading.Event]:
    return _Limiter(running, queue, timeout_s), threading.Event()


def test_limiter_times_out_and_keeps_the_slot_until_the_thread_ends() -> None:
    async def scenario() -> list[int]:
        limiter, release = _blocked_limiter(1, 4, 0.05)
        statuses = []
        for _ in range(2):
            try:
                await limiter.run(lambda: release.wait(30))
            except HTTPException as error:
                statuses.append(error.status_code)
        release.set()
        assert await _eventually_runs(limiter) == "done"
        limiter.pool.shutdown(wait=True)
        return statuses

    # First: the work outlives the limit (504). Second: the slot is still held (503).
    assert asyncio.run(scenario()) == [504, 503]


async def _eventually_runs(limiter: _Limiter) -> str:
    limiter.timeout_s = 30
    return await limiter.run(lambda: "done")


def test_limiter_rejects_beyond_the_queue() -> None:
    async def scenario() -> int:
        limiter, release = _blocked_limiter(1, 0, 30)
        first = asyncio.ensure_future(limiter.run(lambda: release.wait(30)))
        for _ in range(10_000):
            if limiter.slots.locked():
                break
            await asyncio.sleep(0)
        assert limiter.slots.locked(), "the first job should hold the only slot"
        try:
            await limiter.run(lambda: None)
        except HTTPException as error:
            status = error.status_code
        else:
            status = 200
        release.set()
        await first
        limiter.pool.shutdown(wait=True)
        return status

    assert asyncio.run(scenario()) == 503


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_assay_serve_answers_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "ASSAY_LEDGER_URL": f"sqlite:///{tmp_path / 'l.sqlite3'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "assay", "serve", "--port", str(port), "--api-key", KEY],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            health = None
            for _ in range(600):
                try:
                    health = http.get("/v1/health")
                    break
                except httpx.TransportError:
                    if server.poll() is not None:
                        pytest.fail(f"assay serve exited: {server.communicate()[1]}")
                    threading.Event().wait(0.05)
            assert health is not None and health.status_code == 200
            checked = http.post("/v1/check", json={"source": BAD}, headers={"X-API-Key": KEY})
            assert checked.status_code == 200 and checked.json()["run_id"] == 1
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def test_assay_serve_refuses_to_listen_beyond_loopback_without_a_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ASSAY_API_KEY"}
    done = subprocess.run(
        [sys.executable, "-m", "assay", "serve", "--host", "0.0.0.0", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "requires an API key" in done.stderr


@pytest.mark.slow
def test_compare_clusters_candidates_and_records_their_code(client: TestClient) -> None:
    task = 'def add(a, b):\n    """Add two numbers.\n\n    >>> add(1, 2)\n    3\n    """\n'
    right = "def add(a, b):\n    return a + b\n"
    wrong = "def add(a, b):\n    return a - b\n"
    response = client.post(
        "/v1/compare",
        json={
            "task": task,
            "candidates": [{"code": right, "name": "plus"}, {"code": wrong, "name": "minus"}],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    verdicts = {v["candidate"]: v for v in body["report"]["verdicts"]}
    assert verdicts["plus"]["accepted"] and verdicts["plus"]["selected"]
    assert not verdicts["minus"]["accepted"]
    assert body["report"]["clusters"][0]["members"] == ["plus"]
    run = client.get(f"/v1/ledger/runs/{body['run_id']}").json()
    assert run["kind"] == "compare" and run["verdict"] == "accepted"
    assert {c["name"]: c["code"] for c in run["candidates"]} == {"plus": right, "minus": wrong}


@pytest.mark.slow
def test_generate_returns_verified_code_and_records_the_run(
    tmp_path: Path, sqlite_url: str
) -> None:
    from tests.ledger.gen_samples import STUB, record_samples

    samples = record_samples(tmp_path / "samples.jsonl")
    spec = f"replay:{samples}"
    app = create_app(ServiceConfig(ledger_url=sqlite_url, backends=(spec,)))
    with TestClient(app, base_url=LOCAL) as test_client:
        assert test_client.get("/v1/health").json()["backends"] == [spec]
        refused = test_client.post(
            "/v1/generate", json={"prompt": STUB, "backend": "openai:http://x"}
        )
        assert refused.status_code == 422 and "not offered by this server" in refused.text
        response = test_client.post("/v1/generate", json={"prompt": STUB, "n": 2})
        assert response.status_code == 200, response.text
        body = response.json()
        # two candidates: the right one is selected, but two cannot make it verified
        assert body["verdict"] == "plausible" and not body["verified"] and body["missing"]
        assert "best = x if best is None" in body["code"]
        assert body["lessons"] == []
        run = test_client.get(f"/v1/ledger/runs/{body['run_id']}").json()
        assert run["kind"] == "gen" and run["verdict"] == "accepted"
        assert any(c["selected"] and c["code"] == body["code"] for c in run["candidates"])


def test_a_prompt_naming_a_server_file_is_text_never_read(
    client: TestClient, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("def hidden_function_name():\n    return 1\n", encoding="utf-8")
    response = client.post("/v1/generate", json={"prompt": str(secret)})
    # The path is the request's text: it names no function, and the file is never opened.
    assert response.status_code == 422, response.text
    assert "hidden_function_name" not in response.text


DIFF_OLD = "def mean(xs: list[float]) -> float | None:\n    if not xs:\n        return None\n    return sum(xs) / len(xs)\n"
DIFF_NEW = "def mean(xs: list[float]) -> float | None:\n    return sum(xs) / len(xs)\n"


def test_diff_returns_the_counterexample(client: TestClient) -> None:
    response = client.post(
        "/v1/diff",
        json={"old": DIFF_OLD, "new": DIFF_NEW, "budget": 12, "performance": False},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["exit_code"] == 1
    (pair,) = body["diff"]["pairs"]
    assert pair["counterexamples"][0]["input"] == "mean([])"
    declared = client.post(
        "/v1/diff",
        json={
            "old": DIFF_OLD,
            "new": DIFF_NEW,
            "allow_change": ["mean"],
            "budget": 12,
            "performance": False,
        },
    )
    assert declared.json()["exit_code"] == 0
    assert client.post("/v1/diff", json={"old": DIFF_OLD}).status_code == 422
