"""The MCP server through the official SDK's real client: stdio (spawning `assay mcp`) and
streamable HTTP (`assay mcp --transport http`, behind an API key)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from tests.ledger.gen_samples import STUB, record_samples

from assay.ledger import open_ledger

BAD = "import os\n\n\ndef parts(p):\n    return os.path.splitall(p)\n"
TASK = 'def add(a, b):\n    """Add two numbers.\n\n    >>> add(1, 2)\n    3\n    """\n'
KEY = "m" * 24


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ASSAY_LEDGER_URL": f"sqlite:///{tmp_path / 'mcp-ledger.sqlite3'}"}


async def _tools_and_calls(client: Client) -> tuple[dict[str, Any], Any, Any]:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    checked = await client.call_tool("check_code", {"source": BAD, "path": "parts.py"})
    compared = await client.call_tool(
        "compare_candidates",
        {
            "task": TASK,
            "candidates": [
                "def add(a, b):\n    return a + b\n",
                "def add(a, b):\n    return a - b\n",
            ],
            "names": ["plus", "minus"],
        },
    )
    return tools, checked, compared


@pytest.mark.slow
def test_stdio_client_spawning_assay_mcp(tmp_path: Path) -> None:
    samples = record_samples(tmp_path / "samples.jsonl")
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "assay", "mcp", "--backend", f"replay:{samples}"],
        env=_env(tmp_path),
        cwd=str(tmp_path),
    )

    async def scenario() -> tuple[dict[str, Any], Any, Any, Any]:
        async with Client(params, read_timeout_seconds=300) as client:
            tools, checked, compared = await _tools_and_calls(client)
            generated = await client.call_tool("generate_verified", {"prompt": STUB, "n": 2})
            return tools, checked, compared, generated

    tools, checked, compared, generated = anyio.run(scenario)
    assert {"check_code", "compare_candidates", "generate_verified"} <= set(tools)
    schema = tools["check_code"].output_schema
    assert schema is not None and "findings" in schema["properties"]
    assert tools["check_code"].input_schema["required"] == ["source"]

    assert not checked.is_error
    result = checked.structured_content
    assert result["verdict"] == "findings"
    [finding] = [f for f in result["findings"] if f["line"] == 5]
    assert "splitall" in finding["message"] and finding["evidence"]
    assert result["run_id"] == 1

    assert not compared.is_error, compared.content
    comparison = compared.structured_content
    assert comparison["selected"] == "plus"
    assert {v["candidate"]: v["accepted"] for v in comparison["verdicts"]} == {
        "plus": True,
        "minus": False,
    }

    assert not generated.is_error, generated.content
    result = generated.structured_content
    # every sample is the same program: the right code, but too little evidence to verify
    assert "best = x if best is None" in result["code"]
    assert result["verdict"] == "plausible" and not result["accepted"] and result["missing"]
    assert result["summary"].startswith("PLAUSIBLE: ")
    assert result["lessons"] == [] and result["criteria"]

    with open_ledger(_env(tmp_path)["ASSAY_LEDGER_URL"]) as ledger:
        assert [run.kind for run in ledger.runs()] == ["gen", "compare", "check"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assay",
            "mcp",
            "--transport",
            "http",
            "--port",
            str(port),
            "--api-key",
            KEY,
        ],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        for _ in range(600):
            try:
                httpx.get(url, timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None:
                    pytest.fail(f"assay mcp exited: {server.communicate()[1]}")
                threading.Event().wait(0.05)
        yield url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


@pytest.mark.slow
def test_streamable_http_with_api_key(http_server: str) -> None:
    assert httpx.post(http_server, json={}, timeout=10).status_code == 401

    async def scenario() -> Any:
        async with httpx2.AsyncClient(
            headers={"Authorization": f"Bearer {KEY}"}, timeout=300
        ) as http:
            transport = streamable_http_client(http_server, http_client=http)
            async with Client(transport) as client:
                return await client.call_tool("check_code", {"source": BAD})

    checked = anyio.run(scenario)
    assert not checked.is_error, checked.content
    assert checked.structured_content["verdict"] == "findings"


def test_diff_behaviour_tool_gives_the_counterexample() -> None:
    import asyncio

    from assay.service.mcp import build_server

    old = "def first(xs: list[int]) -> int | None:\n    return xs[0] if xs else None\n"
    new = "def first(xs: list[int]) -> int | None:\n    return xs[0]\n"
    server = build_server(record=False)
    result = asyncio.run(server.call_tool("diff_behaviour", {"old": old, "new": new}))
    structured = result.structured_content
    assert structured is not None
    assert structured["verdict"] == "changed" and "first" in structured["summary"]
    (pair,) = structured["pairs"]
    assert pair["counterexamples"][0]["input"] == "first([])"
    assert "IndexError" in pair["counterexamples"][0]["new"]
    declared = asyncio.run(
        server.call_tool("diff_behaviour", {"old": old, "new": new, "allow_change": ["first"]})
    ).structured_content
    assert declared is not None and declared["verdict"] == "declared"
