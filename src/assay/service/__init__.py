"""assay as a service: the HTTP API (`assay.service.http`) and the MCP server
(`assay.service.mcp`). Both call the public API in `assay.api` and add only transport,
limits and authentication."""
