"""`assay serve` (HTTP API) and `assay mcp` (MCP server for coding agents)."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.config import read_environment
from assay.errors import InvalidArgument

__all__ = ["api_keys", "register"]

_BACKEND_HELP = (
    "LLM backend clients may generate with (repeatable; default: local, the embedded model). "
    "Only these are offered: a client cannot name files or URLs."
)


_ROOT_HELP = (
    "Let clients check files under this folder (paths relative to it, never outside). "
    "Without it, clients send source text only and no server file is ever read."
)
_HOST_HELP = (
    "Another Host header name to serve (repeatable; '*' any). Default: the loopback names and "
    "the --host address; other names are refused (DNS rebinding)."
)


def _root(option: Path | None) -> Path | None:
    if option is None:
        return None
    if not option.is_dir():
        raise InvalidArgument(f"--root {option} is not a directory; name the folder to serve")
    return option.resolve()


def api_keys(option: str | None) -> tuple[str, ...]:
    """API keys from ``--api-key`` or else ``ASSAY_API_KEY`` (comma-separated for several)."""
    raw = option if option is not None else (read_environment().api_key or "")
    keys = tuple(part.strip() for part in raw.split(",") if part.strip())
    short = [k for k in keys if len(k) < 16]
    if short:
        raise InvalidArgument(
            f"an API key of {len(short[0])} characters is too easy to guess; use at least 16 "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return keys


def serve_command(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (beyond loopback needs an API key)."
    ),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="TCP port."),
    api_key: str | None = typer.Option(
        None, "--api-key", help="Required key(s), comma-separated; default: $ASSAY_API_KEY."
    ),
    max_body: int = typer.Option(
        1_000_000, "--max-body", min=1, help="Largest request body in bytes (413 beyond)."
    ),
    body_timeout: float = typer.Option(
        30.0,
        "--body-timeout",
        min=0.1,
        max=3600,
        help="Seconds a client may take to send its request body (408 beyond).",
    ),
    root: Path | None = typer.Option(None, "--root", help=_ROOT_HELP),
    allowed_host: list[str] | None = typer.Option(None, "--allowed-host", help=_HOST_HELP),
    timeout: float = typer.Option(
        60.0, "--timeout", min=0.1, help="Seconds a request may take (504 beyond)."
    ),
    generate_timeout: float = typer.Option(
        900.0, "--generate-timeout", min=0.1, help="Seconds a /v1/generate request may take."
    ),
    concurrency: int = typer.Option(2, "--concurrency", min=1, help="Requests worked on at once."),
    queue: int = typer.Option(
        32, "--queue", min=0, help="Requests allowed to wait for a worker (503 beyond)."
    ),
    ledger: str | None = typer.Option(
        None,
        "--ledger",
        help="Ledger URL or SQLite path (default: $ASSAY_LEDGER_URL, else the user data dir).",
    ),
    no_ledger: bool = typer.Option(
        False, "--no-ledger", help="Do not record runs; /v1/ledger answers 404."
    ),
    backend: list[str] | None = typer.Option(None, "--backend", "-b", help=_BACKEND_HELP),
    model: str | None = typer.Option(
        None, "--model", "-m", help="Model name or .gguf path for the backends."
    ),
) -> int:
    """Serve the HTTP API (OpenAPI at /docs and /openapi.json)."""
    import uvicorn

    from assay.ledger import ledger_disabled
    from assay.service.http import ServiceConfig, create_app, require_key_beyond_loopback

    keys = api_keys(api_key)
    require_key_beyond_loopback(host, keys)
    config = ServiceConfig(
        host=host,
        api_keys=keys,
        max_body_bytes=max_body,
        body_timeout_s=body_timeout,
        timeout_s=timeout,
        generate_timeout_s=generate_timeout,
        max_concurrent=concurrency,
        max_queue=queue,
        ledger_url=ledger,
        record=not (no_ledger or ledger_disabled()),
        backends=tuple(backend or ["local"]),
        model=model,
        root=_root(root),
        allowed_hosts=tuple(allowed_host or ()),
    )
    typer.echo(
        f"assay serve: http://{host}:{port}/v1  (docs: /docs; "
        f"{'API key required' if keys else 'no API key: loopback only'})",
        err=True,
    )
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", access_log=False)
    return 0


def mcp_command(
    transport: str = typer.Option(
        "stdio",
        "--transport",
        help="stdio (for agents that spawn assay) or http (streamable HTTP).",
    ),
    host: str = typer.Option(
        "127.0.0.1", "--host", help="With --transport http: address to listen on."
    ),
    port: int = typer.Option(
        8766, "--port", min=0, max=65535, help="With --transport http: TCP port."
    ),
    api_key: str | None = typer.Option(
        None,
        "--api-key",
        help="With --transport http beyond loopback: required key(s); default: $ASSAY_API_KEY.",
    ),
    no_ledger: bool = typer.Option(
        False, "--no-ledger", help="Do not record tool calls in the ledger."
    ),
    backend: list[str] | None = typer.Option(None, "--backend", "-b", help=_BACKEND_HELP),
    model: str | None = typer.Option(
        None, "--model", "-m", help="Model name or .gguf path for the backends."
    ),
    root: Path | None = typer.Option(None, "--root", help=_ROOT_HELP),
    allowed_host: list[str] | None = typer.Option(None, "--allowed-host", help=_HOST_HELP),
) -> int:
    """Run the MCP server exposing check_code, compare_candidates and generate_verified."""
    from assay.ledger import ledger_disabled
    from assay.service.mcp import run_server

    if transport not in {"stdio", "http"}:
        raise InvalidArgument(f"--transport {transport!r} must be stdio or http")
    keys = api_keys(api_key) if transport == "http" else ()
    if transport == "http":
        from assay.service.http import require_key_beyond_loopback

        require_key_beyond_loopback(host, keys)
    run_server(
        transport=transport,
        host=host,
        port=port,
        api_keys=keys,
        record=not (no_ledger or ledger_disabled()),
        backends=tuple(backend or ["local"]),
        model=model,
        root=_root(root),
        allowed_hosts=tuple(allowed_host or ()),
    )
    return 0


def register(app: typer.Typer) -> None:
    """Add `assay serve` and `assay mcp` to `app`."""
    app.command("serve")(serve_command)
    app.command("mcp")(mcp_command)
