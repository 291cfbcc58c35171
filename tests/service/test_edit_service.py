"""The rewrite-one-function tool of the services: MCP ``edit_function`` and ``POST /v1/edit``,
on answers recorded from a scripted backend and replayed through the real `ReplayBackend`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi.testclient import TestClient
from tests.llm.helpers import ScriptedBackend

from assay.gen.edit import EDIT_TEMPLATE, REPAIR_TEMPLATE, edit_function
from assay.llm.replay import RecordingBackend
from assay.service.http import ServiceConfig, create_app
from assay.service.mcp import build_server

SOURCE = (
    "def last(xs: list[int]) -> int | None:\n"
    "    if len(xs) == 0:\n        return None\n    return xs[len(xs) - 1]\n"
)
WRONG = "def last(xs: list[int]) -> int | None:\n    return xs[-1]\n```"
RIGHT = "def last(xs: list[int]) -> int | None:\n    return xs[-1] if xs else None\n```"


def _recorded(tmp_path: Path) -> str:
    """A replay spec whose first rewrite raises on [] and whose repair is right."""
    samples = tmp_path / "samples.jsonl"
    scripted = ScriptedBackend(
        lambda request, params: {EDIT_TEMPLATE: WRONG, REPAIR_TEMPLATE: RIGHT}[request.template]
    )
    edit_function(
        SOURCE,
        "last",
        "simplify",
        [RecordingBackend(scripted, samples)],
        path="snippet.py",
        n=3,
        symbolic=False,
        performance=False,
        budget=8,
    )
    return f"replay:{samples}"


def test_mcp_edit_function_repairs_with_the_counterexample(tmp_path: Path) -> None:
    server = build_server(record=False, backends=(_recorded(tmp_path),))
    answer = asyncio.run(
        server.call_tool(
            "edit_function", {"source": SOURCE, "function": "last", "instruction": "simplify"}
        )
    )
    result = answer.structured_content
    assert result is not None
    assert result["verdict"] == "verified" and result["accepted"]
    assert result["summary"].startswith("VERIFIED: e0-r1 of last; is equivalent to the original")
    assert "+    return xs[-1] if xs else None" in result["diff"]
    assert result["source"].endswith("    return xs[-1] if xs else None\n")
    first, repaired = result["candidates"]
    assert first["verdict"]["level"] == "rejected" and repaired["name"] == "e0-r1"
    [counterexample] = first["evidence"]["counterexamples"]
    assert counterexample["input"] == "last([])" and "IndexError" in counterexample["new"]


def test_http_edit_returns_the_rewrite_and_its_evidence(tmp_path: Path) -> None:
    spec = _recorded(tmp_path)
    app = create_app(ServiceConfig(record=False, backends=(spec,)))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        refused = client.post(
            "/v1/edit",
            json={"source": SOURCE, "function": "last", "instruction": "x", "backend": "local"},
        )
        assert refused.status_code == 422 and "not offered by this server" in refused.text
        missing = client.post(
            "/v1/edit", json={"source": SOURCE, "function": "first", "instruction": "simplify"}
        )
        assert missing.status_code == 422 and "names no function" in missing.text
        response = client.post(
            "/v1/edit", json={"source": SOURCE, "function": "last", "instruction": "simplify"}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verdict"] == "verified" and body["accepted"]
    assert body["diff"].startswith("--- a/snippet.py\n+++ b/snippet.py\n")
    assert body["result"]["selected"] == "e0-r1" and "original" not in body["result"]
    assert body["result"]["candidates"][0]["evidence"]["counterexamples"][0]["input"] == "last([])"


def test_a_source_naming_a_server_file_is_text_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("def hidden_function_name():\n    return 'hunter2'\n", encoding="utf-8")
    app = create_app(ServiceConfig(record=False, backends=(_recorded(tmp_path),)))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        response = client.post(
            "/v1/edit",
            json={"source": str(secret), "function": "hidden_function_name", "instruction": "x"},
        )
    # The path is the module's text: not Python, so nothing to edit; the file is never opened.
    assert response.status_code == 422 and "does not parse" in response.text
    assert "hunter2" not in response.text
