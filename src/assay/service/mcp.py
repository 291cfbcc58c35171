"""The MCP server: assay as tools a coding agent can call while it writes code.

Tools (each returns structured content, with a JSON schema the agent can read):

* ``check_code``         check source text; findings with evidence, trust tiers, a verdict.
* ``compare_candidates`` run N implementations of one task on the same inputs; clusters,
                         the selected one, and the inputs that tell them apart.
* ``generate_verified``  generate candidates, verify them, return the selected code; past
                         failures on similar tasks (the ledger) become acceptance criteria.
* ``diff_behaviour``     run each changed function of two versions of a module on the same
                         inputs: equivalent on N inputs, or the counterexamples.
* ``edit_function``      have the model rewrite one function of a module as instructed;
                         only a rewrite that behaves like the original (or whose change was
                         declared) is accepted, returned as the new source and a unified diff.

Transports: stdio (``assay mcp``, what agents spawn) and streamable HTTP
(``assay mcp --transport http``, at ``/mcp``; an API key is required beyond loopback, sent as
``Authorization: Bearer KEY`` or ``X-API-Key: KEY``; only allowed Host names are served).

Arguments are data, never paths: ``source``, ``task``, ``old`` and ``new`` are text whatever they say. A fourth
tool, ``check_files``, exists only when the operator names a folder (``assay mcp --root DIR``)
and reads nothing outside it. Registration with common agents is in
docs/mcp.md. Also runnable as ``python -m assay.service.mcp``.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Receive, Scope, Send

from assay._version import __version__
from assay.errors import LedgerError
from assay.ledger import record_report
from assay.model import Candidate, Finding, Report
from assay.service._generate import Backends
from assay.service._guard import RequestGuard, allowed_hosts_for

__all__ = [
    "CheckCodeResult",
    "CompareResult",
    "DiffResult",
    "EditFunctionResult",
    "FindingOut",
    "GenerateResult",
    "build_server",
    "run_server",
]

_INSTRUCTIONS = (
    "assay tells correct AI-written Python from plausible AI-written Python, with evidence. "
    "Call check_code on code you wrote or were given before presenting it; fix every error "
    "finding (each carries its evidence: the missing API and its closest real ones, the input "
    "that breaks the code, the unsafe call). When you have several candidate implementations, "
    "call compare_candidates to see which behave alike and on which inputs they differ. "
    "After refactoring or editing existing code, call diff_behaviour with the old and the new "
    "version: every counterexample is an input where your edit changed what the code does. "
    "To have a function rewritten with that check built in, call edit_function."
)


# Descriptions of the tools' parameters, shared where two tools take the same one.
_SOURCE = "Python source code to check: always text, never opened as a path."
_PATH = "The file name to report the source as (also how its rules are configured)."
_DYNAMIC = (
    "Also run the code's functions in the sandbox on their examples and generated inputs "
    "(slower; static rules only when false)."
)
_TASK = "The task: a request in words, or a stub (signature and docstring with examples)."
_ENTRY_POINT = "The name of the function that implements the task (default: inferred)."


class FindingOut(BaseModel):
    """One finding, with the evidence that shows it."""

    rule: str
    family: str
    severity: str
    path: str
    line: int
    col: int = Field(description="1-based, as in the JSON, text and SARIF reports.")
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    fix: str | None = None
    candidate: str | None = None
    function: str | None = None


class FunctionTier(BaseModel):
    """How carefully a reviewer should read one function, and what to verify."""

    function: str
    line: int
    tier: str
    checklist: list[str]


class CheckCodeResult(BaseModel):
    """The verdict on one piece of code."""

    verdict: str = Field(description="clean, findings (some at warning or above), or error.")
    summary: str
    findings: list[FindingOut]
    errors: list[str] = Field(default_factory=list, description="Why code could not be checked.")
    tiers: list[FunctionTier] = Field(default_factory=list)
    run_id: int | None = Field(None, description="Ledger run id, when recorded.")
    ledger_error: str | None = None


class CandidateVerdict(BaseModel):
    """assay's judgement of one candidate."""

    candidate: str
    accepted: bool
    selected: bool
    score: float
    cluster: int | None
    summary: str


class CompareResult(BaseModel):
    """Candidates clustered by behaviour, the selection, and the distinguishing inputs."""

    selected: str | None
    summary: str
    verdicts: list[CandidateVerdict]
    clusters: list[dict[str, Any]]
    findings: list[FindingOut]
    run_id: int | None = None
    ledger_error: str | None = None


class GenerateResult(BaseModel):
    """Verified generated code (or the evidence why no candidate could be accepted)."""

    code: str | None
    accepted: bool
    verdict: str = Field(description="verified, plausible (see missing) or rejected.")
    missing: list[str] = Field(description="Evidence a verified verdict still lacks.")
    advice: list[str] = Field(description="What the user could add (an example, a test).")
    summary: str
    criteria: list[str] = Field(description="Every acceptance criterion used.")
    lessons: list[str] = Field(description="The criteria learnt from past failures.")
    verdicts: list[CandidateVerdict]
    findings: list[FindingOut]
    run_id: int | None = None
    ledger_error: str | None = None


class DiffResult(BaseModel):
    """The behaviour diff of two versions: per changed function, equivalent or counterexamples."""

    verdict: str = Field(
        description="equivalent (every pair), declared (the only changes are declared ones), "
        "changed, or error."
    )
    summary: str
    pairs: list[dict[str, Any]] = Field(
        description="old, new, equivalent, inputs_tried, engine, counterexamples (input, old, "
        "new), renamed, declared, coverage, performance."
    )
    added: list[str]
    removed: list[str]
    unverified: list[dict[str, Any]]
    errors: list[str]


class EditFunctionResult(BaseModel):
    """A rewrite of one function, checked against the original's behaviour."""

    verdict: str = Field(
        description="verified (behaves like the original on enough inputs), plausible (thin "
        "evidence, or a declared change: see missing) or rejected."
    )
    accepted: bool = Field(description="A rewrite was selected and is not rejected.")
    summary: str
    source: str | None = Field(description="The whole new module, or null when none was drafted.")
    diff: str = Field(description="The unified diff of the module (original -> rewrite).")
    reasons: list[str]
    missing: list[str] = Field(description="Evidence a verified verdict still lacks.")
    advice: list[str] = Field(description="What the user could add.")
    declared_by: str | None = Field(description="What declared a behaviour change, if anything.")
    candidates: list[dict[str, Any]] = Field(
        description="Every rewrite tried: name, verdict, and its evidence (inputs tried, "
        "engines, counterexamples with input, old and new results, new static findings)."
    )


def _findings(findings: Sequence[Finding]) -> list[FindingOut]:
    fields = set(FindingOut.model_fields)
    out = []
    for finding in findings:
        data = finding.model_dump(mode="json", include=fields)
        data["col"] += 1  # the model keeps Python's 0-based offsets
        out.append(FindingOut.model_validate(data))
    return out


def _verdicts(report: Report) -> list[CandidateVerdict]:
    fields = set(CandidateVerdict.model_fields)
    return [CandidateVerdict.model_validate(v.model_dump(include=fields)) for v in report.verdicts]


class _Recorder:
    def __init__(self, record: bool, ledger_url: str | None) -> None:
        self.record = record
        self.ledger_url = ledger_url

    def __call__(self, report: Report, **fields: Any) -> tuple[int | None, str | None]:
        if not self.record:
            return None, None
        try:
            return record_report(report, url=self.ledger_url, **fields), None
        except LedgerError as error:
            return None, str(error)


def build_server(
    *,
    record: bool = True,
    ledger_url: str | None = None,
    backends: Sequence[str] = ("local",),
    model: str | None = None,
    root: Path | None = None,
) -> MCPServer:
    """The MCP server with assay's tools (runs of the checking and generating ones are
    recorded in the ledger if `record`; `generate_verified` and `edit_function` may use the
    backend specs in `backends`), plus ``check_files`` for paths under `root` when one is
    given."""
    server = MCPServer(
        name="assay", version=__version__, instructions=_INSTRUCTIONS, log_level="WARNING"
    )
    recorder = _Recorder(record, ledger_url)

    @server.tool(title="Check Python code")
    def check_code(
        source: Annotated[str, Field(description=_SOURCE)],
        path: Annotated[str, Field(description=_PATH)] = "snippet.py",
        dynamic: Annotated[bool, Field(description=_DYNAMIC)] = False,
    ) -> CheckCodeResult:
        """Check Python source for hallucinated APIs, deprecated calls, security holes, silent
        failures and performance traps; with dynamic=true also run the code's functions in a
        sandbox on their examples and generated inputs. Returns findings with evidence."""
        from assay.api import check_source

        started = time.perf_counter()
        report = check_source(source, name=path, dynamic=dynamic)
        run_id, ledger_error = recorder(
            report, kind="check", task=path, duration_s=time.perf_counter() - started
        )
        return _check_result(report, run_id, ledger_error)

    if root is not None:
        _add_check_files_tool(server, recorder, root)

    @server.tool(title="Compare candidate implementations")
    def compare_candidates(
        task: Annotated[str, Field(description=_TASK)],
        candidates: Annotated[
            list[str], Field(description="The implementations' source code, one string each.")
        ],
        names: Annotated[
            list[str] | None,
            Field(description="A name per candidate, in the same order (default candidate-<i>)."),
        ] = None,
        entry_point: Annotated[str | None, Field(description=_ENTRY_POINT)] = None,
        extra_tests: Annotated[
            list[str] | None,
            Field(description="More test code (assert statements) every candidate must pass."),
        ] = None,
    ) -> CompareResult:
        """Run several implementations of one task (a prompt or a stub with a docstring and
        examples) on the same inputs in a sandbox, cluster them by behaviour and select one.
        Returns verdicts, clusters and the inputs on which they disagree."""
        from assay.api import compare

        labels = list(names or [])
        objects = [
            Candidate(code=code, name=labels[i] if i < len(labels) else f"candidate-{i}")
            for i, code in enumerate(candidates)
        ]
        started = time.perf_counter()
        report = compare(task, objects, entry_point=entry_point, extra_tests=extra_tests or ())
        run_id, ledger_error = recorder(
            report,
            kind="compare",
            task=task,
            candidates=objects,
            duration_s=time.perf_counter() - started,
        )
        selected = next((v.candidate for v in report.verdicts if v.selected), None)
        accepted = sum(v.accepted for v in report.verdicts)
        return CompareResult(
            selected=selected,
            summary=f"{accepted}/{len(report.verdicts)} accepted in {len(report.clusters)} "
            f"behaviour cluster(s); selected: {selected or 'none'}",
            verdicts=_verdicts(report),
            clusters=list(report.clusters),
            findings=_findings(report.findings),
            run_id=run_id,
            ledger_error=ledger_error,
        )

    @server.tool(title="Diff the behaviour of two versions")
    def diff_behaviour(
        old: Annotated[str, Field(description="The module's source before the change (text).")],
        new: Annotated[str, Field(description="The module's source after the change (text).")],
        entry_points: Annotated[
            list[str] | None,
            Field(description="Compare only these functions (qualified names); default: all."),
        ] = None,
        allow_change: Annotated[
            list[str] | None,
            Field(
                description="Functions whose behaviour is meant to change: reported as declared."
            ),
        ] = None,
    ) -> DiffResult:
        """Run every changed function of the old and the new version of a module on the same
        inputs in a sandbox. Per function: equivalent on N inputs, or counterexamples (the
        input, the old result, the new result), shrunk to the smallest input. Functions in
        allow_change are expected to change (reported as declared)."""
        from assay.api import diff

        result = diff(old, new, entry_points=entry_points or (), allow_change=allow_change or ())
        return _diff_result(result.to_json(), result.exit_code)

    offered = Backends(backends, model=model)
    _add_generate_tool(server, recorder, offered)
    _add_edit_tool(server, offered)
    return server


def _diff_result(document: dict[str, Any], exit_code: int) -> DiffResult:
    pairs = document["pairs"]
    changed = [p["new"] for p in pairs if not p["equivalent"] and not p["declared"]]
    declared = [p["new"] for p in pairs if not p["equivalent"] and p["declared"]]
    verdict = (
        "error"
        if exit_code == 2
        else "changed"
        if changed
        else "declared"
        if declared
        else "equivalent"
    )
    summary = (
        f"{len(pairs)} changed function(s) compared; "
        + (f"behaviour changed: {', '.join(changed)}" if changed else "no undeclared change")
        + (f"; {len(document['unverified'])} not compared" if document["unverified"] else "")
    )
    return DiffResult(
        verdict=verdict,
        summary=summary if exit_code != 2 else "; ".join(document["errors"]),
        pairs=pairs,
        added=document["added"],
        removed=document["removed"],
        unverified=document["unverified"],
        errors=document["errors"],
    )


def _check_result(report: Report, run_id: int | None, ledger_error: str | None) -> CheckCodeResult:
    counted = [f for f in report.findings if f.severity.rank >= 1]
    verdict = "error" if report.errors else ("findings" if counted else "clean")
    summary = (
        f"{len(report.findings)} finding(s): "
        + ", ".join(f"{f.rule} line {f.line}: {f.message}" for f in report.findings[:5])
        if report.findings
        else "no findings"
    )
    return CheckCodeResult(
        verdict=verdict,
        summary=summary,
        findings=_findings(report.findings),
        errors=[f"{e.path}:{e.line or 0}: {e.message}" for e in report.errors],
        tiers=[
            FunctionTier(function=r.function, line=r.line, tier=r.tier.value, checklist=r.checklist)
            for r in report.functions
        ],
        run_id=run_id,
        ledger_error=ledger_error,
    )


def _add_check_files_tool(server: MCPServer, recorder: _Recorder, root: Path) -> None:
    @server.tool(title="Check files under the server's root")
    def check_files(
        paths: Annotated[
            list[str],
            Field(description="Files or folders relative to the server's --root; no '..'."),
        ],
        dynamic: Annotated[bool, Field(description=_DYNAMIC)] = False,
    ) -> CheckCodeResult:
        """Check Python files or folders named relative to the folder the server's operator
        opened (assay mcp --root); nothing outside it is read."""
        from assay.api import check_under_root

        started = time.perf_counter()
        report = check_under_root(root, paths, dynamic=dynamic)
        run_id, ledger_error = recorder(
            report, kind="check", task=", ".join(paths), duration_s=time.perf_counter() - started
        )
        return _check_result(report, run_id, ledger_error)


def _add_generate_tool(server: MCPServer, recorder: _Recorder, backends: Backends) -> None:
    @server.tool(title="Generate verified code")
    def generate_verified(
        prompt: Annotated[str, Field(description=_TASK)],
        n: Annotated[int, Field(description="How many candidates to draft (1 to 16).")] = 4,
        entry_point: Annotated[str | None, Field(description=_ENTRY_POINT)] = None,
        backend: Annotated[
            str | None,
            Field(description="One of the backends the server offers; default: its first."),
        ] = None,
        criteria: Annotated[
            list[str] | None,
            Field(description="Acceptance criteria the code must meet, in plain words."),
        ] = None,
        use_ledger: Annotated[
            bool,
            Field(description="Add criteria learnt from failures recorded for similar tasks."),
        ] = True,
    ) -> GenerateResult:
        """Write a Python function for the task (a request, or a stub with signature and
        docstring): n candidates from an LLM (default: the embedded offline model), each
        verified (static rules, sandboxed runs on examples and generated inputs, cross-check),
        repaired with the evidence when none passes. Failures recorded for similar past tasks
        are added as acceptance criteria. Returns the selected code and the evidence."""
        from assay.ledger import open_ledger
        from assay.service._generate import run_generate

        learn = use_ledger and recorder.record
        ledger = open_ledger(recorder.ledger_url) if learn else None
        try:
            outcome = run_generate(
                prompt,
                backends=backends,
                backend=backend,
                n=max(1, min(n, 16)),
                criteria=list(criteria or []),
                entry_point=entry_point,
                ledger=ledger,
            )
        finally:
            if ledger is not None:
                ledger.close()
        result = outcome.result
        run_id, ledger_error = recorder(
            outcome.report,
            kind="gen",
            task=result.task.prompt,
            candidates=outcome.candidates,
            duration_s=result.seconds,
        )
        passing = sum(item.verified for item in result.candidates)
        level = result.verdict.level.value
        return GenerateResult(
            code=result.code,
            accepted=result.verified,
            verdict=level,
            missing=result.verdict.missing,
            advice=result.verdict.advice,
            summary=f"{level.upper()}: {result.selected or 'no candidate'}; {passing}/"
            f"{len(result.candidates)} candidate(s) pass their checks"
            + "".join(f"; missing: {m}" for m in result.verdict.missing),
            criteria=result.criteria,
            lessons=outcome.lessons,
            verdicts=_verdicts(outcome.report),
            findings=_findings(outcome.report.findings),
            run_id=run_id,
            ledger_error=ledger_error,
        )


def _add_edit_tool(server: MCPServer, backends: Backends) -> None:
    @server.tool(title="Rewrite a function, verified against the original")
    def edit_function(
        source: Annotated[str, Field(description="The module's source (text, never a path).")],
        function: Annotated[
            str, Field(description="The function to rewrite: name, or Class.method.")
        ],
        instruction: Annotated[
            str, Field(description="What to do, e.g. 'make it faster' or 'use pathlib'.")
        ],
        allow_change: Annotated[
            bool,
            Field(
                description="The behaviour may change: differences are shown, not rejected "
                "(an instruction asking for a fix declares this too)."
            ),
        ] = False,
        n: Annotated[int, Field(description="Rewrites to draft at most (1 to 8).")] = 3,
        path: Annotated[
            str, Field(description="The file name shown in the diff and prompts.")
        ] = "snippet.py",
        backend: Annotated[
            str | None,
            Field(description="One of the backends the server offers; default: its first."),
        ] = None,
    ) -> EditFunctionResult:
        """Have the model rewrite one function of a module as instructed, run the original
        and each rewrite on the same inputs in a sandbox (and compare static findings), and
        accept only a rewrite that behaves like the original, repairing with the
        counterexample (input, old result, new result) otherwise. With a declared change
        the differences are returned for you to judge."""
        from assay.service._generate import run_edit

        result = run_edit(
            source,
            function,
            instruction,
            backends=backends,
            backend=backend,
            path=path,
            allow_change=allow_change,
            n=max(1, min(n, 8)),
        )
        level = result.verdict.level.value
        return EditFunctionResult(
            verdict=level,
            accepted=result.accepted,
            summary=f"{level.upper()}: {result.selected or 'no rewrite'} of {result.function}; "
            + "; ".join([*result.verdict.reasons, *result.verdict.missing]),
            source=result.source,
            diff=result.diff,
            reasons=result.verdict.reasons,
            missing=result.verdict.missing,
            advice=result.verdict.advice,
            declared_by=result.declared_by,
            candidates=[c.model_dump(mode="json", exclude={"source"}) for c in result.candidates],
        )


class _RequireKey:
    """ASGI middleware: every HTTP request must carry one of `keys`."""

    def __init__(self, app: ASGIApp, keys: Sequence[str]) -> None:
        self.app = app
        self.keys = [k.encode() for k in keys]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers", []))
            offered = headers.get(b"x-api-key") or b""
            auth = headers.get(b"authorization", b"")
            if auth.lower().startswith(b"bearer "):
                offered = auth[7:].strip()
            if not any(hmac.compare_digest(offered, key) for key in self.keys):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"www-authenticate", b"Bearer"),
                        ],
                    }
                )
                await send(
                    {"type": "http.response.body", "body": b'{"detail":"missing or wrong API key"}'}
                )
                return
        await self.app(scope, receive, send)


def http_app(
    server: MCPServer,
    *,
    host: str,
    api_keys: Sequence[str] = (),
    allowed_hosts: Sequence[str] = (),
    max_body_bytes: int = 4_000_000,
    body_timeout_s: float = 30.0,
) -> ASGIApp:
    """The streamable HTTP ASGI app (at ``/mcp``): only the Host names of
    `allowed_hosts_for(host, allowed_hosts)`, bounded bodies, behind an API key when keys are
    given."""
    from mcp.server.transport_security import TransportSecuritySettings

    hosts = allowed_hosts_for(host, allowed_hosts)
    # The SDK's own rebinding check sees the same names (with any port), so the two agree.
    names = [f"[{h}]" if ":" in h else h for h in hosts if h != "*"]
    forms = [*names, *(f"{n}:*" for n in names)]
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection="*" not in hosts,
        allowed_hosts=forms,
        allowed_origins=[f"{scheme}://{form}" for form in forms for scheme in ("http", "https")],
    )
    app: ASGIApp = server.streamable_http_app(
        host=host, transport_security=security, max_request_body_size=max_body_bytes
    )
    if api_keys:
        app = _RequireKey(app, api_keys)
    return RequestGuard(
        app, allowed_hosts=hosts, max_body_bytes=max_body_bytes, body_timeout_s=body_timeout_s
    )


def run_server(
    *,
    transport: str = "stdio",
    host: str = "127.0.0.1",
    port: int = 8766,
    api_keys: Sequence[str] = (),
    record: bool = True,
    ledger_url: str | None = None,
    backends: Sequence[str] = ("local",),
    model: str | None = None,
    root: Path | None = None,
    allowed_hosts: Sequence[str] = (),
) -> None:
    """Serve the MCP tools over stdio or streamable HTTP until the client or a signal stops it."""
    server = build_server(
        record=record, ledger_url=ledger_url, backends=backends, model=model, root=root
    )
    if transport == "stdio":
        server.run("stdio")
        return
    import uvicorn

    uvicorn.run(
        http_app(server, host=host, api_keys=api_keys, allowed_hosts=allowed_hosts),
        host=host,
        port=port,
        log_level="warning",
    )


if __name__ == "__main__":
    from assay.ledger import ledger_disabled

    run_server(record=not ledger_disabled())
