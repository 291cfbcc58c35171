"""assay as a service: the HTTP API (`assay.service.http`) and the MCP server
(`assay.service.mcp`). Both call the public API in `assay.api` and add only transport,
limits and authentication.

Both need the ``service`` extra (FastAPI, uvicorn, the MCP SDK): importing this package
without it raises `MissingExtra` with the install command.
"""

from assay._extras import require

for _module in ("fastapi", "uvicorn", "mcp", "swagger_ui_bundle"):
    require(_module, extra="service")
