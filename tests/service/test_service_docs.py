"""What the services tell their clients about themselves: a typed Report in OpenAPI, a
Swagger UI page that loads nothing from another host, and a description for every MCP tool
parameter."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from fastapi.testclient import TestClient

from assay.service.http import ServiceConfig, create_app
from assay.service.mcp import build_server

LOCAL = "http://127.0.0.1"
BAD = "import os\n\nparts = os.path.splitall('/a')\n"


def _client() -> TestClient:
    return TestClient(create_app(ServiceConfig(record=False)), base_url=LOCAL)


def test_openapi_describes_the_report_field_by_field() -> None:
    with _client() as client:
        schemas = client.get("/openapi.json").json()["components"]["schemas"]
    report = schemas["ReportResponse"]["properties"]["report"]
    assert report["$ref"] == "#/components/schemas/Report"
    assert {"findings", "files", "errors", "verdicts", "functions"} <= set(
        schemas["Report"]["properties"]
    )
    finding = schemas["Finding"]["properties"]
    assert {"rule", "severity", "line", "col", "evidence", "autofix"} <= set(finding)
    assert set(schemas["Severity"]["enum"]) == {"info", "warning", "error"}
    assert "sources" not in schemas["Report"]["properties"], "the texts are not sent"


def test_the_response_is_the_json_report_with_one_based_columns() -> None:
    with _client() as client:
        body = client.post("/v1/check", json={"source": BAD, "path": "p.py", "record": False})
    assert body.status_code == 200, body.text
    (finding,) = [f for f in body.json()["report"]["findings"] if f["rule"] == "AS102"]
    assert (finding["line"], finding["col"]) == (3, 9)


def test_docs_page_loads_only_from_this_server() -> None:
    with _client() as client:
        page = client.get("/docs")
        assert page.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url:\s*'([^']+)'""", page.text)
        found = [a or b for a, b in urls]
        assert found and all(url.startswith("/") and not url.startswith("//") for url in found)
        assert "http://" not in page.text and "https://" not in page.text
        for url in found:
            assert client.get(url).status_code == 200, url
    assert client.get("/redoc").status_code == 404, "ReDoc would load from a CDN"


def test_every_mcp_tool_parameter_has_a_description(tmp_path: Path) -> None:
    server = build_server(record=False, root=tmp_path)
    tools = asyncio.run(server.list_tools())
    assert {t.name for t in tools} == {
        "check_code",
        "check_files",
        "compare_candidates",
        "diff_behaviour",
        "edit_function",
        "generate_verified",
    }
    for tool in tools:
        for name, schema in tool.input_schema["properties"].items():
            assert schema.get("description", "").strip(), f"{tool.name}({name}) has none"
