"""The HTTP API: `assay.check`, `compare` and `generate` over JSON, plus the ledger.

    POST /v1/check        {"source": "...", "path": "tool.py"}         -> report (+ rendering)
    POST /v1/compare      {"task": "...", "candidates": [{"code": ...}]} -> report with clusters
    POST /v1/generate     {"prompt": "...", "n": 4}                    -> report + selected code
    POST /v1/diff         {"old": "...", "new": "..."}                 -> behaviour diff (pairs)
    POST /v1/edit         {"source": "...", "function": "f", "instruction": "..."} -> rewrite + diff
    GET  /v1/ledger/runs, /v1/ledger/runs/{id}, /v1/ledger/stats;  POST /v1/ledger/runs/{id}/outcomes
    GET  /v1/health       (no key needed)                            OpenAPI: /openapi.json, /docs

Client fields are data, never paths: ``source``, ``task``, ``old``/``new`` and candidates are source text,
whatever they say. Server files are read only when the operator names a folder
(``assay serve --root DIR``), and then only through ``files`` paths resolved inside it.
Only the Host names the operator allows are served (loopback names by default: a web page
cannot reach a loopback server through DNS rebinding).

Every request is bounded: the body by `ServiceConfig.max_body_bytes` (413) and
`body_timeout_s` (408), the work by
`timeout_s` (`generate_timeout_s` for generation, which runs a model; 504), the number running at once by `max_concurrent`, with at most
`max_queue` waiting (503 + Retry-After beyond that). A request that times out keeps its
worker slot until its thread really finishes, so the bound holds. API keys (``Authorization:
Bearer KEY`` or ``X-API-Key: KEY``) are required whenever the server listens beyond
loopback; `assay serve` refuses to start otherwise.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations at
# runtime, and they refer to names local to `create_app`.
import asyncio
import contextlib
import hmac
import ipaddress
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator

from assay._version import __version__
from assay.config import Settings, load_settings
from assay.errors import AssayError, InvalidArgument, LedgerError, SourceError
from assay.ledger import Ledger, OutcomeRecord, RunRecord, open_ledger, record_report
from assay.model import Candidate, Report
from assay.report import render
from assay.report.json import report_dict
from assay.service._generate import Backends
from assay.service._guard import RequestGuard, allowed_hosts_for

__all__ = ["ServiceConfig", "create_app", "is_loopback", "require_key_beyond_loopback"]

_T = TypeVar("_T")
Format = Literal["json", "sarif", "markdown", "html", "text"]


@dataclass(frozen=True)
class ServiceConfig:
    """Limits and identity of one running service (see `assay serve --help`)."""

    host: str = "127.0.0.1"
    api_keys: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000
    body_timeout_s: float = 30.0
    timeout_s: float = 60.0
    generate_timeout_s: float = 900.0
    max_concurrent: int = 2
    max_queue: int = 32
    ledger_url: str | None = None
    record: bool = True
    backends: tuple[str, ...] = ("local",)
    model: str | None = None
    root: Path | None = None
    allowed_hosts: tuple[str, ...] = ()
    settings: Settings | None = field(default=None, compare=False)

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every Host header name served: loopback names, the bound address, and the
        operator's `allowed_hosts`."""
        return allowed_hosts_for(self.host, self.allowed_hosts)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_key_beyond_loopback(host: str, api_keys: Sequence[str]) -> None:
    """Refuse to serve beyond loopback without an API key.

    Raises:
        InvalidArgument: `host` is not loopback and `api_keys` is empty.
    """
    if not is_loopback(host) and not any(api_keys):
        raise InvalidArgument(
            f"--host {host} makes assay reachable from other machines; it then requires an API "
            "key: pass --api-key KEY or set ASSAY_API_KEY (several: comma-separated)"
        )


# --- API documentation served locally -----------------------------------------------------

_DOCS_ASSETS = "/docs/assets"


def _serve_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from the `swagger_ui_bundle` package's files: every URL the page
    loads is on this server."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount(_DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{_DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{_DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{_DOCS_ASSETS}/favicon-32x32.png",
        )


# --- request and response shapes -------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class CheckRequest(_Body):
    """Source text to check as one file, or (on a server started with ``--root``) files
    under the server's root."""

    source: str | None = Field(
        None, description="Python source code: always text, never opened as a path."
    )
    files: list[Annotated[str, Field(max_length=1000)]] | None = Field(
        None,
        max_length=200,
        description="Paths relative to the server's --root (only when it was started with one).",
    )
    path: str = Field("snippet.py", max_length=300, description="Name shown in the report.")
    select: list[str] | None = Field(None, description="Rules to run (ids, prefixes, families).")
    ignore: list[str] | None = Field(None, description="Rules not to run.")
    dynamic: bool = Field(False, description="Also run sandboxed probes (slower).")
    python: str | None = Field(None, description="Target Python version, e.g. 3.12.")
    format: Format = Field("json", description="Also render the report in this format.")
    record: bool = Field(True, description="Record the run in the server's ledger.")

    @model_validator(mode="after")
    def _one_target(self) -> "CheckRequest":
        if (self.source is None) == (self.files is None):
            raise ValueError("send exactly one of 'source' (text) or 'files' (paths under --root)")
        return self


class CandidateIn(_Body):
    """One implementation to compare."""

    code: str
    name: str | None = Field(None, max_length=200)


class CompareRequest(_Body):
    """N implementations of one task, to run on the same inputs and cluster."""

    task: str = Field(description="The prompt or stub (signature + docstring).")
    candidates: list[CandidateIn] = Field(min_length=1, max_length=64)
    entry_point: str | None = None
    extra_tests: list[str] = Field(default_factory=list, max_length=200)
    budget: int = Field(40, ge=0, le=500, description="Generated inputs beyond the examples.")
    timeout: float = Field(2.0, gt=0, le=30, description="Seconds per call in the sandbox.")
    seed: int = 0
    format: Format = "json"
    record: bool = True


class GenerateRequest(_Body):
    """A task to generate verified code for."""

    prompt: str = Field(description="The request, or a stub (signature + docstring).")
    entry_point: str | None = Field(None, description="The function to write.")
    n: int = Field(4, ge=1, le=16, description="Candidates to draft.")
    repair: int = Field(1, ge=0, le=3, description="Repair rounds when nothing is verified.")
    backend: str | None = Field(
        None,
        description="One of the backends the server offers (see /v1/health); default: its first.",
    )
    criteria: list[str] = Field(default_factory=list, max_length=50)
    use_ledger: bool = Field(True, description="Add criteria learnt from past failures.")
    format: Format = "json"
    record: bool = True


class DiffRequest(_Body):
    """Two versions of one module: each changed function runs old and new on the same inputs."""

    old: str = Field(description="The old version's source: always text, never a path.")
    new: str = Field(description="The new version's source: always text, never a path.")
    entry_points: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list, max_length=100, description="Compare only these functions."
    )
    allow_change: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list, max_length=100, description="Functions whose change is intended."
    )
    budget: int = Field(48, ge=1, le=500, description="Inputs per pair of functions.")
    timeout: float = Field(2.0, gt=0, le=30, description="Seconds per call in the sandbox.")
    seed: int = 0
    symbolic: bool = Field(True, description="Ask the symbolic engine where random inputs agree.")
    performance: bool = Field(True, description="Also time both versions at growing sizes.")


class EditRequest(_Body):
    """One function of a module to rewrite; only a rewrite that behaves like the original
    (or whose change is declared) is accepted."""

    source: str = Field(description="The module's source: always text, never a path.")
    function: str = Field(max_length=300, description="The function: name or Class.method.")
    instruction: str = Field(
        min_length=1, max_length=5000, description="What to do, e.g. 'make it faster'."
    )
    path: str = Field("snippet.py", max_length=300, description="Name shown in the diff.")
    allow_change: bool = Field(
        False, description="The behaviour may change: differences are shown, not rejected."
    )
    n: int = Field(3, ge=1, le=8, description="Rewrites to draft at most.")
    repair: int = Field(1, ge=0, le=3, description="Repairs of each rejected rewrite.")
    backend: str | None = Field(
        None,
        description="One of the backends the server offers (see /v1/health); default: its first.",
    )


class EditResponse(BaseModel):
    """The rewrite: its verdict, the new module and its unified diff, every candidate."""

    verdict: str = Field(description="verified, plausible (see missing) or rejected.")
    accepted: bool
    source: str | None = Field(None, description="The whole new module.")
    diff: str = Field("", description="The unified diff of the module.")
    result: dict[str, Any] = Field(
        description="Everything `assay gen --edit --format json` prints: reasons, missing, "
        "advice, candidates with their evidence (inputs, engines, counterexamples), cost."
    )
    duration_s: float


class DiffResponse(BaseModel):
    """The behaviour diff (the schema of `assay diff --format json`) and its exit code."""

    diff: dict[str, Any]
    exit_code: int = Field(
        description="0 every pair equivalent or declared, 1 a behaviour changed, 2 assay failed."
    )
    duration_s: float


class ReportResponse(BaseModel):
    """A report as JSON (the schema of `assay check --format json`), optionally rendered."""

    report: Report = Field(
        description="The report, as `assay check --format json` writes it: findings with their "
        "evidence and fixes, files, errors, warnings, notes, verdicts, trust tiers. Lines and "
        "columns are 1-based."
    )
    rendered: str | None = Field(
        None, description="The report in the requested `format`, unless that is json."
    )
    run_id: int | None = Field(None, description="The ledger run id, when recorded.")
    ledger_error: str | None = None
    duration_s: float


class GenerateResponse(ReportResponse):
    """A generation run: the report plus the selected code and the criteria used."""

    code: str | None = None
    selected: str | None = None
    verified: bool = False
    verdict: str = Field(
        "rejected", description="verified, plausible (thin evidence: see missing) or rejected."
    )
    missing: list[str] = Field(default_factory=list, description="Evidence a verdict lacks.")
    advice: list[str] = Field(default_factory=list, description="What the user could add.")
    criteria: list[str] = Field(default_factory=list, description="Every criterion used.")
    lessons: list[str] = Field(
        default_factory=list, description="The criteria learnt from past failures."
    )


class MarkRequest(_Body):
    """What happened to a run's code later."""

    failed: bool = True
    description: str = Field(min_length=1, max_length=5000)
    family: str | None = None
    detected_after_s: float | None = Field(None, ge=0)
    fix_code: str | None = None


class Health(BaseModel):
    """Liveness and what this server is."""

    status: Literal["ok"]
    version: str
    ledger: str | None
    backends: list[str]
    limits: dict[str, float]


# --- the application -------------------------------------------------------------------------


class _Limiter:
    """At most `running` jobs in worker threads, `queue` waiting, each bounded in time."""

    def __init__(self, running: int, queue: int, timeout_s: float) -> None:
        self.slots = asyncio.Semaphore(running)
        self.queue = queue
        self.waiting = 0
        self.timeout_s = timeout_s
        self.pool = ThreadPoolExecutor(max_workers=running, thread_name_prefix="assay-http")

    async def run(self, work: Callable[[], _T], *, timeout_s: float | None = None) -> _T:
        if self.slots.locked() and self.waiting >= self.queue:
            raise HTTPException(503, "server busy: too many requests waiting", {"Retry-After": "1"})
        limit = self.timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + limit
        self.waiting += 1
        try:
            await asyncio.wait_for(self.slots.acquire(), timeout=limit)
        except asyncio.TimeoutError:
            raise HTTPException(
                503, "server busy: no worker free in time", {"Retry-After": "5"}
            ) from None
        finally:
            self.waiting -= 1
        future = asyncio.get_running_loop().run_in_executor(self.pool, work)
        # The slot is released when the thread ends, not when the client gives up.
        future.add_done_callback(lambda _done: self.slots.release())
        try:
            return await asyncio.wait_for(
                asyncio.shield(future), timeout=max(0.0, deadline - time.monotonic())
            )
        except asyncio.TimeoutError:
            raise HTTPException(
                504, f"the request took longer than the server's {limit:g}s limit"
            ) from None


class _Ledgers:
    """One ledger per server, opened on first use (a broken ledger never breaks a check)."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._ledger: Ledger | None = None
        self._lock = threading.Lock()

    def get(self) -> Ledger:
        with self._lock:
            if self._ledger is None:
                self._ledger = open_ledger(self.url)
            return self._ledger

    def close(self) -> None:
        with self._lock:
            if self._ledger is not None:
                self._ledger.close()
                self._ledger = None


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The FastAPI application for `config` (default: loopback, no key, default limits)."""
    config = config or ServiceConfig()
    settings = config.settings or load_settings()
    limiter = _Limiter(config.max_concurrent, config.max_queue, config.timeout_s)
    ledgers = _Ledgers(config.ledger_url)
    backends = Backends(config.backends, model=config.model)
    keys = tuple(k for k in config.api_keys if k)
    bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
    header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key")

    def authenticate(
        token: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        key: Annotated[str | None, Depends(header)],
    ) -> None:
        if not keys:
            return
        offered = key or (token.credentials if token else None)
        # Compared as bytes: a header with non-ASCII characters is a wrong key, not a 500.
        offered_bytes = offered.encode("utf-8", "surrogateescape") if offered else None
        if offered_bytes is None or not any(
            hmac.compare_digest(offered_bytes, k.encode("utf-8")) for k in keys
        ):
            raise HTTPException(401, "missing or wrong API key", {"WWW-Authenticate": "Bearer"})

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        ledgers.close()
        backends.close()
        limiter.pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        lifespan=lifespan,
        title="assay",
        version=__version__,
        description="Tell correct AI-written Python from plausible AI-written Python, with evidence.",
        # FastAPI's own pages load Swagger UI and ReDoc from a CDN: blank offline and a
        # third party told of every visit. /docs is served from the installed bundle below.
        docs_url=None,
        redoc_url=None,
    )
    _serve_docs(app)
    app.add_middleware(
        RequestGuard,
        allowed_hosts=config.hosts,
        max_body_bytes=config.max_body_bytes,
        body_timeout_s=config.body_timeout_s,
    )
    guarded = [Depends(authenticate)]

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"detail": _json_safe(error.errors()), "error": "InvalidRequest"}, status_code=422
        )

    @app.exception_handler(AssayError)
    async def _assay_error(_request: Request, error: AssayError) -> JSONResponse:
        status = 422 if isinstance(error, (InvalidArgument, SourceError)) else 500
        return JSONResponse(
            {"detail": str(error), "error": type(error).__name__}, status_code=status
        )

    @app.get("/v1/health", response_model=Health, tags=["service"])
    async def health() -> Health:
        """Liveness, version, the ledger in use and the request limits."""
        return Health(
            status="ok",
            version=__version__,
            ledger=ledgers.url if config.record else None,
            backends=list(config.backends),
            limits={
                "max_body_bytes": config.max_body_bytes,
                "timeout_s": config.timeout_s,
                "generate_timeout_s": config.generate_timeout_s,
                "max_concurrent": config.max_concurrent,
                "max_queue": config.max_queue,
            },
        )

    def finish(
        report: Report,
        *,
        fmt: str,
        record: bool,
        kind: str,
        started: float,
        **ledger_fields: Any,
    ) -> ReportResponse:
        run_id, ledger_error = None, None
        duration = time.perf_counter() - started
        if record and config.record:
            try:
                run_id = record_report(
                    report, kind=kind, ledger=ledgers.get(), duration_s=duration, **ledger_fields
                )
            except LedgerError as error:
                ledger_error = str(error)
        return ReportResponse(
            # The JSON form (1-based columns) read back into the typed model, so the
            # response is validated against the schema OpenAPI publishes.
            report=Report.model_validate(report_dict(report)),
            rendered=None if fmt == "json" else render(report, fmt),
            run_id=run_id,
            ledger_error=ledger_error,
            duration_s=duration,
        )

    @app.post("/v1/check", response_model=ReportResponse, dependencies=guarded, tags=["verify"])
    async def check(body: CheckRequest) -> ReportResponse:
        """Check one file's source: static rules, and sandboxed probes with ``dynamic``."""
        from assay.api import check_source as api_check_source
        from assay.api import check_under_root as api_check_under_root

        if body.files is not None and config.root is None:
            raise HTTPException(
                422,
                "this server checks source text only; its operator can allow checking files "
                "under one folder with `assay serve --root DIR`",
            )

        def work() -> ReportResponse:
            started = time.perf_counter()
            if body.files is not None and config.root is not None:
                report = api_check_under_root(
                    config.root,
                    body.files,
                    settings=settings,
                    select=body.select,
                    ignore=body.ignore,
                    python=body.python,
                    dynamic=body.dynamic,
                )
            else:
                report = api_check_source(
                    body.source or "",
                    name=body.path,
                    settings=settings,
                    select=body.select,
                    ignore=body.ignore,
                    python=body.python,
                    dynamic=body.dynamic,
                )
            return finish(
                report,
                fmt=body.format,
                record=body.record,
                kind="check",
                started=started,
                task=body.path,
            )

        return await limiter.run(work)

    @app.post("/v1/compare", response_model=ReportResponse, dependencies=guarded, tags=["verify"])
    async def compare(body: CompareRequest) -> ReportResponse:
        """Run the candidates on the same inputs, cluster them by behaviour, select one."""
        from assay.api import compare as api_compare

        candidates = [
            Candidate(code=c.code, name=c.name or f"candidate-{i}")
            for i, c in enumerate(body.candidates)
        ]

        def work() -> ReportResponse:
            started = time.perf_counter()
            report = api_compare(
                body.task,
                candidates,
                entry_point=body.entry_point,
                extra_tests=body.extra_tests,
                budget=body.budget,
                timeout=body.timeout,
                seed=body.seed,
            )
            return finish(
                report,
                fmt=body.format,
                record=body.record,
                kind="compare",
                started=started,
                task=body.task,
                candidates=candidates,
            )

        return await limiter.run(work)

    @app.post("/v1/diff", response_model=DiffResponse, dependencies=guarded, tags=["verify"])
    async def diff(body: DiffRequest) -> DiffResponse:
        """Run each changed function of ``old`` and ``new`` on the same inputs in the sandbox:
        per pair, equivalent on N inputs or the counterexamples (input, old, new)."""
        from assay.api import diff as api_diff

        def work() -> DiffResponse:
            started = time.perf_counter()
            result = api_diff(
                body.old,
                body.new,
                entry_points=body.entry_points,
                allow_change=body.allow_change,
                seed=body.seed,
                budget=body.budget,
                symbolic=body.symbolic,
                performance=body.performance,
                timeout=body.timeout,
            )
            return DiffResponse(
                diff=result.to_json(),
                exit_code=result.exit_code,
                duration_s=time.perf_counter() - started,
            )

        return await limiter.run(work)

    @app.post(
        "/v1/generate", response_model=GenerateResponse, dependencies=guarded, tags=["verify"]
    )
    async def generate(body: GenerateRequest) -> GenerateResponse:
        """Generate candidates with a model, verify them (static rules, sandboxed runs,
        cross-check), repair with the evidence, and return the selected code."""
        from assay.service._generate import run_generate

        def work() -> GenerateResponse:
            started = time.perf_counter()
            outcome = run_generate(
                body.prompt,
                backends=backends,
                backend=body.backend,
                n=body.n,
                repair=body.repair,
                criteria=body.criteria,
                entry_point=body.entry_point,
                ledger=ledgers.get() if body.use_ledger and config.record else None,
            )
            base = finish(
                outcome.report,
                fmt=body.format,
                record=body.record,
                kind="gen",
                started=started,
                task=outcome.result.task.prompt,
                candidates=outcome.candidates,
            )
            return GenerateResponse(
                **base.model_dump(),
                code=outcome.result.code,
                selected=outcome.result.selected,
                verified=outcome.result.verified,
                verdict=outcome.result.verdict.level.value,
                missing=outcome.result.verdict.missing,
                advice=outcome.result.verdict.advice,
                criteria=outcome.result.criteria,
                lessons=outcome.lessons,
            )

        return await limiter.run(work, timeout_s=config.generate_timeout_s)

    @app.post("/v1/edit", response_model=EditResponse, dependencies=guarded, tags=["verify"])
    async def edit(body: EditRequest) -> EditResponse:
        """Have a model rewrite one function of ``source`` as instructed; accept only a
        rewrite whose behaviour diff against the original is empty (or declared), repairing
        with the counterexample otherwise."""
        from assay.service._generate import run_edit

        def work() -> EditResponse:
            started = time.perf_counter()
            result = run_edit(
                body.source,
                body.function,
                body.instruction,
                backends=backends,
                backend=body.backend,
                path=body.path,
                allow_change=body.allow_change,
                n=body.n,
                repair=body.repair,
            )
            return EditResponse(
                verdict=result.verdict.level.value,
                accepted=result.accepted,
                source=result.source,
                diff=result.diff,
                result=result.model_dump(mode="json", exclude={"original"}),
                duration_s=time.perf_counter() - started,
            )

        return await limiter.run(work, timeout_s=config.generate_timeout_s)

    @app.get(
        "/v1/ledger/runs", response_model=list[RunRecord], dependencies=guarded, tags=["ledger"]
    )
    async def ledger_runs(
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
        kind: Annotated[str | None, Query(pattern="^(check|compare|gen)$")] = None,
        failed: bool = False,
    ) -> list[RunRecord]:
        """Recent runs, newest first (without code, findings or outcomes)."""
        return await limiter.run(
            lambda: open_or_404().runs(limit=limit, offset=offset, kind=kind, failed_only=failed)
        )

    @app.get(
        "/v1/ledger/runs/{run_id}", response_model=RunRecord, dependencies=guarded, tags=["ledger"]
    )
    async def ledger_run(run_id: int) -> RunRecord:
        """One run with its candidates' code, findings and outcomes."""
        try:
            return await limiter.run(lambda: open_or_404().get(run_id))
        except InvalidArgument as error:
            raise HTTPException(404, str(error)) from error

    @app.post(
        "/v1/ledger/runs/{run_id}/outcomes",
        response_model=OutcomeRecord,
        dependencies=guarded,
        tags=["ledger"],
        status_code=201,
    )
    async def ledger_mark(run_id: int, body: MarkRequest) -> OutcomeRecord:
        """Record what happened to a run's code later (``assay ledger mark`` over HTTP)."""
        try:
            return await limiter.run(
                lambda: open_or_404().mark(
                    run_id,
                    description=body.description,
                    failed=body.failed,
                    family=body.family,
                    detected_after_s=body.detected_after_s,
                    fix_code=body.fix_code,
                )
            )
        except InvalidArgument as error:
            raise HTTPException(404, str(error)) from error

    @app.get("/v1/ledger/stats", dependencies=guarded, tags=["ledger"])
    async def ledger_stats() -> dict[str, Any]:
        """Counts by failure family, rule, model, task kind and detection delay."""
        return await limiter.run(lambda: open_or_404().stats())

    def open_or_404() -> Ledger:
        if not config.record:
            raise HTTPException(404, "this server runs without a ledger (--no-ledger)")
        return ledgers.get()

    return app


def _json_safe(value: Any) -> Any:
    """`value` with everything JSON cannot carry (NaN, infinities, exceptions, bytes) as text,
    so that describing a bad request never fails in turn."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return repr(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)[:1000]
