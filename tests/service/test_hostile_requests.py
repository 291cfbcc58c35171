"""Requests an attacker would send to a running service: a field that names a server file, a
rebinding Host header, a body that never ends, NaN, a non-ASCII key. None may read a server
file, pass the host check, hold a worker or answer 500."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import assay
from assay.service._guard import RequestGuard, allowed_hosts_for, host_allowed
from assay.service.http import ServiceConfig, create_app
from assay.service.mcp import build_server

LOCAL = "http://127.0.0.1"
SECRET = "hostile-test-secret-7f3a9c"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServiceConfig(record=False)), base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "credentials.py"
    path.write_text(f'PASSWORD = "{SECRET}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["json", "html", "markdown", "text"])
def test_a_source_naming_a_server_file_is_checked_as_text(
    client: TestClient, secret_file: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("ASSAY_HOSTILE_ENV", SECRET)
    for named in ("/proc/self/environ", str(secret_file), str(secret_file.parent), "-"):
        response = client.post("/v1/check", json={"source": named, "format": fmt})
        assert response.status_code == 200, response.text
        assert SECRET not in response.text
        assert response.json()["report"]["files"] == ["snippet.py"]


def test_a_task_naming_a_server_file_is_text(client: TestClient, secret_file: Path) -> None:
    response = client.post(
        "/v1/compare",
        json={"task": str(secret_file), "candidates": [{"code": "def f():\n    return 1\n"}]},
    )
    assert SECRET not in response.text
    assert response.status_code in (200, 422), response.text


def test_files_are_refused_without_a_root(client: TestClient, secret_file: Path) -> None:
    response = client.post("/v1/check", json={"files": [str(secret_file)]})
    assert response.status_code == 422
    assert "--root" in response.json()["detail"] and SECRET not in response.text


def test_files_under_the_root_are_checked_and_nothing_outside(
    tmp_path: Path, secret_file: Path
) -> None:
    root = tmp_path / "served"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("import os\nos.path.splitall('a')\n", encoding="utf-8")
    (root / "pkg" / "leak.py").symlink_to(secret_file)
    app = create_app(ServiceConfig(record=False, root=root))
    with TestClient(app, base_url=LOCAL) as served:
        inside = served.post("/v1/check", json={"files": ["pkg"], "select": ["AS102"]})
        assert inside.status_code == 200, inside.text
        report = inside.json()["report"]
        assert "pkg/mod.py" in report["files"]
        assert [f["rule"] for f in report["findings"]] == ["AS102"]
        assert [e["path"] for e in report["errors"]] == ["pkg/leak.py"]
        assert SECRET not in inside.text and str(tmp_path) not in inside.text
        for outside in ("../credentials.py", str(secret_file), "/etc/passwd", "pkg/leak.py"):
            refused = served.post("/v1/check", json={"files": [outside]})
            assert refused.status_code == 422, (outside, refused.text)
            assert SECRET not in refused.text


@pytest.mark.parametrize(
    ("host", "served"),
    [
        ("127.0.0.1:8765", True),
        ("localhost", True),
        ("[::1]:8765", True),
        ("attacker.example:8765", False),
        ("127.0.0.1.attacker.example", False),
    ],
)
def test_only_loopback_host_names_are_served_by_default(host: str, served: bool) -> None:
    app = create_app(ServiceConfig(record=False))
    with TestClient(app, base_url=LOCAL) as test_client:
        response = test_client.get("/v1/health", headers={"Host": host})
        assert (response.status_code == 200) is served, response.text
        if not served:
            assert response.status_code == 400 and response.json()["error"] == "HostNotAllowed"


def test_the_operator_can_allow_more_host_names() -> None:
    hosts = allowed_hosts_for("0.0.0.0", ["assay.internal", "*.corp.example"])
    assert host_allowed("assay.internal:80", hosts)
    assert host_allowed("ci.corp.example", hosts)
    assert not host_allowed("corp.example.attacker.example", hosts)
    assert not host_allowed("0.0.0.0", hosts)
    assert not host_allowed(None, hosts)
    assert host_allowed("anything", allowed_hosts_for("127.0.0.1", ["*"]))


def test_nan_and_infinity_are_a_4xx_with_a_json_body(client: TestClient) -> None:
    candidates = [{"code": "def f():\n    return 1\n"}]
    for value in ("NaN", "Infinity", "-Infinity"):
        body = f'{{"task": "def f():\\n    pass\\n", "candidates": {json.dumps(candidates)}, "timeout": {value}}}'
        response = client.post(
            "/v1/compare", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "InvalidRequest"


def test_a_non_ascii_api_key_is_a_wrong_key_not_a_crash() -> None:
    app = create_app(ServiceConfig(record=False, api_keys=("k" * 24,)))
    with TestClient(app, base_url=LOCAL) as keyed:
        response = keyed.get("/v1/ledger/stats", headers={"X-API-Key": "clé-é".encode()})
        assert response.status_code == 401


def test_the_body_limit_holds_without_a_content_length(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"source": "'
        for _ in range(200):
            yield b"x" * 10_000
        yield b'"}'

    response = client.post("/v1/check", content=chunks())
    assert response.status_code == 413
    assert response.json()["error"] == "BodyTooLarge"


def _run_guard(messages: list[dict[str, Any]], *, hang: bool) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    reached: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append((await receive())["body"])

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        if hang:
            await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    guard = RequestGuard(app, allowed_hosts=("localhost",), max_body_bytes=100, body_timeout_s=0.2)
    scope = {"type": "http", "method": "POST", "headers": [(b"host", b"localhost")]}
    asyncio.run(guard(scope, receive, send))
    return sent or [{"type": "reached", "body": reached[0]}]


def test_a_body_that_never_finishes_is_408_within_the_read_timeout() -> None:
    sent = _run_guard([{"type": "http.request", "body": b"{", "more_body": True}], hang=True)
    assert sent[0]["status"] == 408
    assert json.loads(sent[1]["body"])["error"] == "BodyTimeout"


def test_a_whole_body_reaches_the_route_at_once() -> None:
    parts = [
        {"type": "http.request", "body": b'{"a":', "more_body": True},
        {"type": "http.request", "body": b" 1}", "more_body": False},
    ]
    assert _run_guard(parts, hang=False) == [{"type": "reached", "body": b'{"a": 1}'}]


def test_mcp_offers_check_files_only_under_a_root(tmp_path: Path, secret_file: Path) -> None:
    def tools(server: Any) -> set[str]:
        return {tool.name for tool in asyncio.run(server.list_tools())}

    assert "check_files" not in tools(build_server(record=False))
    rooted = build_server(record=False, root=tmp_path / "none")
    assert "check_files" in tools(rooted)


def test_mcp_check_code_reads_no_file(secret_file: Path) -> None:
    server = build_server(record=False)
    result = asyncio.run(server.call_tool("check_code", {"source": str(secret_file)}))
    assert SECRET not in str(result)


def test_mcp_columns_are_one_based_like_the_json_report() -> None:
    from assay.report.json import report_dict

    source = "import os\n\nparts = os.path.splitall('a/b')\n"
    server = build_server(record=False)
    structured = asyncio.run(server.call_tool("check_code", {"source": source})).structured_content
    assert structured is not None
    mcp_cols = {(f["rule"], f["col"]) for f in structured["findings"]}
    report = report_dict(assay.check_source(source, name="snippet.py", dynamic=False))
    assert mcp_cols == {(f["rule"], f["col"]) for f in report["findings"]}
    assert ("AS102", 9) in mcp_cols


def test_a_diff_of_server_file_names_is_a_diff_of_text(
    client: TestClient, secret_file: Path
) -> None:
    response = client.post(
        "/v1/diff",
        json={"old": str(secret_file), "new": "/proc/self/environ", "performance": False},
    )
    assert SECRET not in response.text
    assert response.status_code == 200, response.text
    # Two one-line "modules" that are not Python: an error, never a file read.
    assert response.json()["exit_code"] == 2


def test_mcp_diff_behaviour_reads_no_file(secret_file: Path) -> None:
    server = build_server(record=False)
    result = asyncio.run(
        server.call_tool("diff_behaviour", {"old": str(secret_file), "new": str(secret_file)})
    )
    assert SECRET not in str(result)
