"""Security: Bandit's checks, plus the holes LLM-written code commits that Bandit misses.

AS300 runs Bandit in-process (its test set and node visitor, no subprocess) and reports each
Bandit result with its test id, test name, CWE and Bandit's own severity and confidence.
AS301–AS314 follow values from where they come from (request data, ``input()``, parameters)
to where they do harm (`assay.rules._support.dataflow`), so that a constant or parameterised query stays
silent. When an assay rule and Bandit report the same issue on the same line, the assay
finding wins and carries Bandit's test id in its evidence (``"bandit": [...]``); AS300 then
leaves that line alone.
"""

from __future__ import annotations

import ast
import io
import itertools
import logging
import re
import tokenize
import warnings
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from assay.model import Family, Finding, Severity
from assay.rules._context import Context, qualified_name
from assay.rules._registry import Rule, all_rules, iter_selected, rule
from assay.rules._support.dataflow import Flow, FunctionFlow, SourceKind, module_flows
from assay.rules._support.naming import (
    identifier,
    is_password_name,
    is_secret_name,
    is_test_path,
    words,
)

__all__: list[str] = []

#: Bandit (severity, confidence) -> assay severity: only confident results above LOW
#: severity interrupt a build; the rest are shown as information.
_SEVERITY = {
    ("HIGH", "HIGH"): Severity.ERROR,
    ("HIGH", "MEDIUM"): Severity.ERROR,
    ("HIGH", "LOW"): Severity.WARNING,
    ("MEDIUM", "HIGH"): Severity.WARNING,
}
#: Bandit tests that ask for an audit of a call rather than report a flaw ("check for
#: execution of untrusted input", "audit url open for permitted schemes"): information.
_BANDIT_AUDITS = frozenset({"B310"})
#: Bandit tests assay does not relay: B101 (any assert) is replaced by AS406, which only
#: reports asserts that validate a function's inputs outside tests; the import-only notices
#: for subprocess, pickle and the XML parsers repeat what the call-level tests (B301,
#: B313-B320) say where the module is actually used; B603/B607 ("check for execution of
#: untrusted input", "partial executable path") fire on every list-form subprocess call —
#: the recommended fix — and AS302 follows the data into subprocess calls instead.
_BANDIT_SKIPPED = frozenset(
    {"B101", "B403", "B404", "B405", "B406", "B407", "B408", "B409", "B603", "B607"}
)
#: Which assay rule reports the same issue as a Bandit test (same line: keep assay's).
_SUPERSEDED = {
    "B608": ("AS301",),
    "B602": ("AS302",),
    "B604": ("AS302",),
    "B605": ("AS302",),
    "B609": ("AS302",),
    "B102": ("AS306",),
    "B307": ("AS306",),
    "B301": ("AS307",),
    "B302": ("AS307",),
    "B506": ("AS307",),
    "B614": ("AS307",),
    "B303": ("AS309",),
    "B324": ("AS309",),
    "B311": ("AS311",),
    "B323": ("AS313",),
    "B501": ("AS313",),
    "B201": ("AS314",),
    "B104": ("AS314",),
    "B110": ("AS401", "AS402"),
    "B112": ("AS402",),
}
_BANDIT_FIXES = {
    "B105": "Read the secret from the environment or a secret store instead of the source.",
    "B106": "Read the secret from the environment or a secret store instead of the source.",
    "B107": "Read the secret from the environment or a secret store instead of the source.",
    "B108": "Use tempfile.mkstemp()/TemporaryDirectory() instead of a fixed /tmp path.",
    "B113": "Pass timeout= so a stalled server cannot hang the caller forever.",
    "B310": "Check the URL scheme (http/https only) before urlopen, or use requests/httpx.",
    "B314": "Parse untrusted XML with defusedxml.",
    "B320": "Parse untrusted XML with defusedxml.",
    "B405": "Parse untrusted XML with defusedxml.",
    "B404": "Make sure every subprocess call takes a list of arguments and no shell.",
    "B403": "Do not unpickle data you did not produce; use json for data from outside.",
    "B603": "Make sure the program and arguments cannot be chosen by an untrusted user.",
    "B607": "Call the program by its absolute path, or resolve it with shutil.which().",
    "B701": "Create the Environment with autoescape=select_autoescape() (or True).",
}


# -- Bandit as a library -----------------------------------------------------------------


@dataclass(frozen=True)
class BanditIssue:
    """One Bandit result, in plain values."""

    test_id: str
    test: str
    text: str
    severity: str
    confidence: str
    cwe: int | None
    line: int
    col: int
    end_col: int | None

    def evidence(self) -> dict[str, Any]:
        """The JSON evidence AS300 and superseding rules attach."""
        return {
            "bandit_test_id": self.test_id,
            "bandit_test": self.test,
            "bandit_message": self.text,
            "bandit_severity": self.severity,
            "bandit_confidence": self.confidence,
            "cwe": self.cwe,
        }


@cache
def _bandit() -> tuple[Any, Any]:
    """Bandit's modules (node_visitor, meta_ast, metrics, docs_utils) and its test set with
    the default profile, loaded once per process."""
    # Bandit logs through the "bandit" logger; its warnings about module names of
    # in-memory sources are noise for us (the results are unaffected).
    logging.getLogger("bandit").setLevel(logging.ERROR)
    # Bandit's plugin loader also loads report formatters we never use; a missing optional
    # formatter dependency (sarif_om) is logged as an error by stevedore. Not ours to show.
    stevedore = logging.getLogger("stevedore.extension")
    previous = stevedore.level
    stevedore.setLevel(logging.CRITICAL)
    try:
        return _load_bandit()
    finally:
        stevedore.setLevel(previous)


def _load_bandit() -> tuple[Any, Any]:
    with warnings.catch_warnings():
        # stevedore (Bandit's plugin loader) warns about its own deprecated argument.
        warnings.simplefilter("ignore", DeprecationWarning)
        from bandit.core import config, docs_utils, meta_ast, metrics, node_visitor, test_set

        tests = test_set.BanditTestSet(config.BanditConfig(), {})
    return (node_visitor, meta_ast, metrics, docs_utils), tests


_BANDIT_CACHE: weakref.WeakKeyDictionary[ast.Module, tuple[BanditIssue, ...]] = (
    weakref.WeakKeyDictionary()
)


def bandit_issues(ctx: Context) -> tuple[BanditIssue, ...]:
    """Bandit's results for the file in `ctx` (cached per parsed file), ``# nosec`` honoured."""
    cached = _BANDIT_CACHE.get(ctx.tree)
    if cached is not None:
        return cached
    (node_visitor, meta_ast, metrics, _), tests = _bandit()
    name = "./" + (ctx.path.rsplit("/", 1)[-1] if ctx.path.endswith(".py") else "source.py")
    data = ctx.source.encode("utf-8")
    visitor = node_visitor.BanditNodeVisitor(
        name, io.BytesIO(data), meta_ast.BanditMetaAst(), tests, False,
        _nosec_lines(ctx.source), metrics.Metrics(),
    )  # fmt: skip
    # Bandit parses what it is given; the text (not bytes) keeps an encoding cookie in the
    # file from re-decoding what assay already decoded.
    visitor.process(ctx.source)
    issues = tuple(
        BanditIssue(
            test_id=result.test_id,
            test=result.test,
            text=result.text,
            severity=str(result.severity),
            confidence=str(result.confidence),
            cwe=getattr(result.cwe, "id", None) or None,
            line=result.lineno,
            col=result.col_offset,
            end_col=getattr(result, "end_col_offset", None),
        )
        for result in visitor.tester.results
        if result.test_id not in _BANDIT_SKIPPED
    )
    _BANDIT_CACHE[ctx.tree] = issues
    return issues


_NOSEC = re.compile(r"#\s*nosec\b(?::?\s*(?P<tests>[A-Za-z0-9_, ]+))?", re.IGNORECASE)


def _nosec_lines(source: str) -> dict[int, set[str]]:
    """Lines carrying ``# nosec`` (all tests) or ``# nosec B602,B607`` (those tests)."""
    lines: dict[int, set[str]] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and (match := _NOSEC.search(token.string)):
                tests = match.group("tests") or ""
                lines[token.start[0]] = set(re.findall(r"B\d{3}", tests))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # The file already parsed with ast; a tokenizer disagreement only loses nosec marks.
        return lines
    return lines


def _bandit_on_lines(ctx: Context, lines: set[int], rule_id: str) -> list[dict[str, Any]]:
    return [
        issue.evidence()
        for issue in bandit_issues(ctx)
        if issue.line in lines and rule_id in _SUPERSEDED.get(issue.test_id, ())
    ]


def _covered_lines(finding: Finding) -> set[int]:
    """The lines a finding speaks for: its node's span plus where its value was built."""
    end = finding.end_line or finding.line
    lines = set(range(finding.line, end + 1))
    lines.update(int(n) for n in finding.evidence.get("construction_lines", ()))
    return lines


def _active(ctx: Context) -> dict[str, Rule]:
    return {r.id: r for r in iter_selected(all_rules(), ctx.settings.select, ctx.settings.ignore)}


def _lines_reported_by(ctx: Context, candidate: Rule) -> set[int]:
    """Every line `candidate` speaks for in this file (runs its check over the tree)."""
    lines: set[int] = set()
    if candidate.check is None:
        return lines
    for node in ast.walk(ctx.tree):
        if isinstance(node, candidate.nodes):
            for finding in candidate.check(node, ctx):
                lines |= _covered_lines(finding)
    return lines


@rule(id="AS300", name="bandit", family=Family.SECURITY, severity=Severity.WARNING, kind="module")
def bandit(ctx: Context) -> Iterator[Finding]:
    """A Bandit check failed (test id, CWE and Bandit's severity in the evidence).

    ## What it finds
    Everything Bandit (PyCQA's security linter, run in-process) reports, except B101
    (`assert` anywhere; AS406 reports the asserts that actually validate input). Each finding
    carries Bandit's test id (`B602`), test name, message, CWE id, severity and confidence;
    Bandit's HIGH/MEDIUM/LOW severity becomes error/warning/info. Where an assay rule reports
    the same issue on the same line (e.g. AS302 for B602 `shell=True`), only the assay finding
    is shown, with Bandit's result attached to it. `# nosec` comments are honoured.

    ## Why it matters for AI-written code
    Assistants reproduce the insecure idioms of their training data (`yaml.load`, hard-coded
    passwords, `tempfile` paths in `/tmp`, `urlopen` on arbitrary schemes). Bandit's
    checks are mature; assay keeps their ids so teams that already triage Bandit can map
    findings one to one.

    ## Example
    ```python
    import xml.etree.ElementTree as ET

    def parse(payload):
        return ET.fromstring(payload)
    ```

    ## Use instead
    ```python
    import defusedxml.ElementTree as ET

    def parse(payload):
        return ET.fromstring(payload)
    ```
    """
    active = _active(ctx)
    reported: dict[str, set[int]] = {}
    for issue in bandit_issues(ctx):
        owners = [active[r] for r in _SUPERSEDED.get(issue.test_id, ()) if r in active]
        for owner in owners:
            if owner.id not in reported:
                reported[owner.id] = _lines_reported_by(ctx, owner)
        if any(issue.line in reported[owner.id] for owner in owners):
            continue
        more = _bandit_url(issue.test_id)
        evidence: dict[str, Any] = {**issue.evidence(), "more_info": more}
        severity = _SEVERITY.get((issue.severity, issue.confidence), Severity.INFO)
        if owners:
            # The assay rule for this issue followed the data here and found no untrusted
            # source: Bandit's pattern match stays visible, as information.
            evidence["checked_by"] = [owner.id for owner in owners]
            severity = Severity.INFO
        elif issue.test_id in _BANDIT_AUDITS:
            severity = Severity.INFO
        finding = ctx.finding(
            None,
            f"Bandit {issue.test_id} ({issue.test}): {issue.text}",
            evidence=evidence,
            fix=_BANDIT_FIXES.get(
                issue.test_id, f"See Bandit's guidance for {issue.test_id}: {more}"
            ),
            severity=severity,
            line=issue.line,
            col=issue.col,
        )
        yield finding.model_copy(update={"confidence": issue.confidence.lower()})


def _bandit_url(test_id: str) -> str:
    (_, _, _, docs_utils), _ = _bandit()
    return str(docs_utils.get_url(test_id))


# -- shared helpers ----------------------------------------------------------------------


def _flow_of(ctx: Context, expr: ast.AST, at: ast.AST) -> tuple[Flow, FunctionFlow]:
    flows = module_flows(ctx.tree, ctx.qualname).of(at)
    return flows.flow(expr, getattr(at, "lineno", None)), flows


def _callee(ctx: Context, call: ast.Call) -> str:
    """The qualified name of what is called (through imports), else its dotted source."""
    return ctx.qualname(call.func) or qualified_name(call.func) or _last(call.func)


def _last(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _argument(call: ast.Call, position: int, *names: str) -> ast.expr | None:
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    for name in names:
        value = _keyword(call, name)
        if value is not None:
            return value
    return None


def _is_const(expr: ast.AST | None, value: object) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is value


def _names_in(expr: ast.AST, flows: FunctionFlow, line: int, depth: int = 3) -> set[str]:
    """Names whose values reach `expr`, following local assignments a few steps back."""
    found: set[str] = set()
    frontier = [expr]
    for _ in range(depth):
        following: list[ast.AST] = []
        for item in frontier:
            for node in ast.walk(item):
                if isinstance(node, ast.Name) and node.id not in found:
                    found.add(node.id)
                    following.extend(flows.assigned_values(node.id, line))
        frontier = following
    return found


def _guarded(expr: ast.AST, flows: FunctionFlow, line: int) -> bool:
    return any(flows.guarded(name, line) for name in _names_in(expr, flows, line))


def _tainted(
    ctx: Context, expr: ast.AST, at: ast.AST, kinds: tuple[SourceKind, ...]
) -> tuple[Flow, FunctionFlow] | None:
    flow, flows = _flow_of(ctx, expr, at)
    if not flow.from_kinds(kinds) or _guarded(expr, flows, getattr(at, "lineno", 0)):
        return None
    return flow, flows


def _finding(
    ctx: Context,
    node: ast.AST,
    message: str,
    *,
    evidence: dict[str, Any],
    fix: str,
    severity: Severity | None = None,
    built_at: Iterable[int] = (),
) -> Finding:
    """A finding of the running rule with its CWE, the lines where the reported value was
    built (`built_at`), and the Bandit results it supersedes on those lines."""
    current = ctx.current_rule
    extra: dict[str, Any] = {"cwe": current.cwe if current is not None else None, **evidence}
    construction = sorted(set(built_at))
    if construction:
        extra["construction_lines"] = construction
    finding = ctx.finding(node, message, evidence=extra, fix=fix, severity=severity)
    if current is not None:
        relayed = _bandit_on_lines(ctx, _covered_lines(finding), current.id)
        if relayed:
            finding = finding.model_copy(update={"evidence": {**extra, "bandit": relayed}})
    return finding


def _built_at(expr: ast.AST, flows: FunctionFlow, line: int) -> set[int]:
    """Lines of the local assignments that feed `expr`."""
    lines: set[int] = set()
    for name in _names_in(expr, flows, line):
        for value in flows.assigned_values(name, line):
            start: int = getattr(value, "lineno", 0)
            end: int = getattr(value, "end_lineno", None) or start
            lines.update(range(start, end + 1))
    return lines


def _flow_evidence(flow: Flow, kinds: tuple[SourceKind, ...]) -> dict[str, Any]:
    return flow.evidence(kinds)


def _source_text(flow: Flow, kinds: tuple[SourceKind, ...]) -> str:
    sources = flow.from_kinds(kinds)
    return sources[0].description if sources else "a non-constant value"


# -- AS301 SQL injection -----------------------------------------------------------------

_SQL_KEYWORDS = re.compile(
    r"\b(select|insert\s+into|update|delete\s+from|where|values|create\s+table|drop\s+table|"
    r"alter\s+table|order\s+by|group\s+by)\b",
    re.IGNORECASE,
)
_SQL_SINKS = frozenset({"execute", "executemany", "executescript", "raw", "exec_driver_sql"})
_SQL_FUNCTIONS = frozenset(
    {
        "sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
        "pandas.read_sql", "pandas.read_sql_query", "django.db.models.expressions.RawSQL",
    }
)  # fmt: skip
_ANY_KIND: tuple[SourceKind, ...] = ("request", "input", "param", "call")


def _looks_like_sql(expr: ast.AST, flows: FunctionFlow, line: int) -> bool:
    frontier: list[ast.AST] = [expr]
    for _ in range(3):
        following: list[ast.AST] = []
        for item in frontier:
            for node in ast.walk(item):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    if _SQL_KEYWORDS.search(node.value):
                        return True
                elif isinstance(node, ast.Name):
                    following.extend(flows.assigned_values(node.id, line))
        frontier = following
    return False


@rule(
    id="AS301", name="sql-built-from-strings", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=89,
)  # fmt: skip
def sql_built_from_strings(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """SQL assembled with an f-string, `%`, `+` or `.format` reaches `execute` (CWE-89).

    ## What it finds
    A call to `execute`/`executemany`/`executescript`, SQLAlchemy `text()` or
    `pandas.read_sql` whose query was built by interpolating a non-constant value — directly
    or through local variables. The evidence names the value's source (a request field, a
    parameter, a call) and the variables it went through. Constant queries, queries whose
    only interpolated parts are constants or numbers (`len(ids)`), and parameterised queries
    (`execute("... = ?", (name,))`) stay silent.

    ## Why it matters for AI-written code
    Assistants write `f"SELECT * FROM users WHERE name = '{name}'"` because it reads
    naturally and works on the happy path; one quote in `name` makes it an injection.

    ## Example
    ```python
    def find_user(conn, name):
        query = f"SELECT * FROM users WHERE name = '{name}'"
        return conn.execute(query).fetchall()
    ```

    ## Use instead
    ```python
    def find_user(conn, name):
        query = "SELECT * FROM users WHERE name = ?"
        return conn.execute(query, (name,)).fetchall()
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if _last(node.func) not in _SQL_SINKS and callee not in _SQL_FUNCTIONS:
        return
    query = _argument(node, 0, "sql", "statement", "query", "operation")
    if query is None or isinstance(query, ast.Constant):
        return
    if isinstance(query, ast.Call) and _callee(ctx, query) in _SQL_FUNCTIONS:
        return  # reported once, at the inner text(...)
    flow, flows = _flow_of(ctx, query, node)
    if not flow.interpolated or flow.constant:
        return
    if not _looks_like_sql(query, flows, node.lineno):
        return
    yield _finding(
        ctx,
        node,
        f"SQL passed to {callee}() is assembled from {_source_text(flow, _ANY_KIND)}: "
        "an injection point",
        built_at=_built_at(query, flows, node.lineno),
        evidence={
            "sink": callee,
            "query": _construction(ctx, query, flows, node.lineno),
            **flow.evidence(),
        },
        fix="Use placeholders and pass the values separately: "
        'execute("... WHERE name = ?", (name,)) (%s for psycopg/MySQL); '
        "identifiers (table/column names) must come from a fixed allow-list.",
    )


def _construction(ctx: Context, expr: ast.AST, flows: FunctionFlow, line: int) -> str:
    """The source of `expr`, or of what was last assigned to it when it is a name."""
    if isinstance(expr, ast.Name):
        values = flows.assigned_values(expr.id, line)
        if values:
            return f"{expr.id} = {ctx.segment(values[-1])}"
    return ctx.segment(expr)


# -- AS302 shell injection ---------------------------------------------------------------

_SHELL_FUNCTIONS = frozenset(
    {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
     "commands.getoutput", "asyncio.create_subprocess_shell", "os.popen2", "os.popen3"}
)  # fmt: skip
_SUBPROCESS = frozenset(
    {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
     "subprocess.Popen"}
)  # fmt: skip


@rule(
    id="AS302", name="shell-command-from-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=78,
)  # fmt: skip
def shell_command_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A shell runs a command line built from a non-constant value (CWE-78).

    ## What it finds
    `subprocess.*(..., shell=True)`, `os.system`, `os.popen`, `subprocess.getoutput` and
    `asyncio.create_subprocess_shell` whose command is not a constant: it depends on a
    parameter, request data, `input()`/`sys.argv` or another call. Values passed through
    `shlex.quote` count as constant. A constant command with `shell=True` is left to Bandit
    (AS300, B602 at low severity).

    ## Why it matters for AI-written code
    `os.system(f"convert {filename} out.png")` is the shortest way to "just run the tool", so
    assistants write it; a filename such as `x; rm -rf ~` then runs as a command.

    ## Example
    ```python
    import subprocess

    def compress(path):
        subprocess.run(f"gzip -k {path}", shell=True, check=True)
    ```

    ## Use instead
    ```python
    import subprocess

    def compress(path):
        subprocess.run(["gzip", "-k", path], check=True)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee in _SUBPROCESS:
        shell = _keyword(node, "shell")
        if shell is None or _is_const(shell, False) or _is_const(shell, None):
            return
    elif callee not in _SHELL_FUNCTIONS:
        return
    command = _argument(node, 0, "args", "command", "cmd")
    if command is None:
        return
    flow, flows = _flow_of(ctx, command, node)
    if flow.constant:
        return
    yield _finding(
        ctx,
        node,
        f"{callee}() runs a shell command built from {_source_text(flow, _ANY_KIND)}",
        built_at=_built_at(command, flows, node.lineno),
        evidence={
            "sink": callee,
            "command": _construction(ctx, command, flows, node.lineno),
            **flow.evidence(),
        },
        fix="Pass a list of arguments without a shell: subprocess.run(['tool', arg], "
        "check=True); if a shell is unavoidable, quote every value with shlex.quote().",
    )


# -- AS303..AS307: request/user input reaching a dangerous sink ----------------------------

_REQUEST: tuple[SourceKind, ...] = ("request",)
_USER: tuple[SourceKind, ...] = ("request", "input", "param")
_FILE_FUNCTIONS = frozenset(
    {
        "open", "io.open", "builtins.open", "codecs.open", "os.open", "os.remove", "os.unlink",
        "os.rmdir", "os.listdir", "os.scandir", "os.makedirs", "shutil.rmtree", "shutil.copy",
        "shutil.copyfile", "shutil.copy2", "shutil.move", "flask.send_file", "send_file",
        "starlette.responses.FileResponse", "fastapi.responses.FileResponse", "FileResponse",
        "django.http.FileResponse",
    }
)  # fmt: skip
_PATH_METHODS = frozenset(
    {"open", "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir",
     "iterdir", "mkdir", "touch"}
)  # fmt: skip


def _traversal_target(ctx: Context, call: ast.Call) -> tuple[str, ast.expr] | None:
    callee = _callee(ctx, call)
    if callee in _FILE_FUNCTIONS or _last(call.func) in {"send_file", "FileResponse"}:
        target = _argument(call, 0, "file", "path", "filename", "path_or_file")
        return (callee, target) if target is not None else None
    if (
        isinstance(call.func, ast.Attribute)
        and call.func.attr in _PATH_METHODS
        and not isinstance(call.func.value, ast.Constant)
        and callee not in {"os.open"}
    ):
        return callee, call.func.value
    return None


@rule(
    id="AS303", name="path-from-request", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=22,
)  # fmt: skip
def path_from_request(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Request data chooses which file is opened, sent or deleted (path traversal, CWE-22).

    ## What it finds
    `open`, `send_file`, `FileResponse`, `os.remove`, `shutil.*` and `Path(...).read_text()`
    and friends on a path that comes from the web request (`request.args`, form fields, route
    parameters). Silent when the value passed through `secure_filename`, `os.path.basename`
    or `safe_join`, or was checked by an `if` that leaves (`if ".." in name: abort(400)`,
    `if not full.startswith(BASE): raise ...`) before the file is touched.

    ## Why it matters for AI-written code
    "Serve the file the user asked for" is answered with `open(os.path.join(UPLOADS,
    name))`; `name = "../../etc/passwd"` walks straight out of the upload folder.

    ## Example
    ```python
    import os
    from flask import Flask, request, send_file

    app = Flask(__name__)

    @app.get("/download")
    def download():
        name = request.args["name"]
        return send_file(os.path.join("uploads", name))
    ```

    ## Use instead
    ```python
    from flask import Flask, request, send_from_directory

    app = Flask(__name__)

    @app.get("/download")
    def download():
        return send_from_directory("uploads", request.args["name"])
    ```
    """
    if not isinstance(node, ast.Call):
        return
    target = _traversal_target(ctx, node)
    if target is None:
        return
    sink, path = target
    tainted = _tainted(ctx, path, node, _REQUEST)
    if tainted is None:
        return
    flow, _ = tainted
    yield _finding(
        ctx,
        node,
        f"{sink}() uses a path taken from {_source_text(flow, _REQUEST)} without confining it",
        evidence={"sink": sink, "path": ctx.segment(path), **_flow_evidence(flow, _REQUEST)},
        fix="Use send_from_directory()/safe_join(), or werkzeug's secure_filename(), and "
        "check that the resolved path stays inside the intended directory.",
    )


_REDIRECTS = frozenset(
    {
        "flask.redirect", "werkzeug.utils.redirect", "django.shortcuts.redirect",
        "django.http.HttpResponseRedirect", "django.http.HttpResponsePermanentRedirect",
        "starlette.responses.RedirectResponse", "fastapi.responses.RedirectResponse",
    }
)  # fmt: skip


@rule(
    id="AS304", name="redirect-to-request-url", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Call,), cwe=601,
)  # fmt: skip
def redirect_to_request_url(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A redirect goes to a URL taken from the request (open redirect, CWE-601).

    ## What it finds
    `redirect(...)`, `HttpResponseRedirect(...)` and `RedirectResponse(...)` whose target
    comes from request data (`request.args.get("next")`). Silent when the URL was checked by
    a leaving `if` first (`if not is_safe_url(target): abort(400)`), or built with `url_for`.

    ## Why it matters for AI-written code
    "Redirect back to `next` after login" is answered with `redirect(request.args["next"])`;
    phishing links then bounce through your domain to theirs.

    ## Example
    ```python
    from flask import Flask, redirect, request

    app = Flask(__name__)

    @app.post("/login")
    def login():
        return redirect(request.args.get("next", "/"))
    ```

    ## Use instead
    ```python
    from urllib.parse import urlparse
    from flask import Flask, redirect, request

    app = Flask(__name__)

    @app.post("/login")
    def login():
        target = request.args.get("next", "/")
        if urlparse(target).netloc:
            target = "/"
        return redirect(target)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee not in _REDIRECTS and _last(node.func) not in {
        "redirect", "HttpResponseRedirect", "RedirectResponse"
    }:  # fmt: skip
        return
    target = _argument(node, 0, "location", "url", "redirect_to")
    if target is None:
        return
    flow, flows = _flow_of(ctx, target, node)
    if not flow.from_kinds(_REQUEST) or _guarded(target, flows, node.lineno):
        return
    if _reassigned_by_check(target, flows, node.lineno):
        return
    yield _finding(
        ctx,
        node,
        f"{callee}() redirects to {_source_text(flow, _REQUEST)}, which any link can set",
        evidence={"sink": callee, "target": ctx.segment(target), **_flow_evidence(flow, _REQUEST)},
        fix="Only redirect to relative paths or an allow-list of hosts: check "
        "urlparse(target).netloc (Django: url_has_allowed_host_and_scheme) first.",
    )


def _reassigned_by_check(target: ast.AST, flows: FunctionFlow, line: int) -> bool:
    """A value overwritten inside an ``if`` that inspects it counts as validated."""
    if not isinstance(target, ast.Name):
        return False
    for binding in flows.bindings.get(target.id, ()):
        if not binding.unconditional and binding.line < line and binding.value is not None:
            if isinstance(binding.value, ast.Constant):
                return True
    return False


_TEMPLATE_FUNCTIONS = frozenset(
    {
        "flask.render_template_string", "jinja2.Template", "jinja2.environment.Template",
        "mako.template.Template", "django.template.Template", "render_template_string",
    }
)  # fmt: skip


@rule(
    id="AS305", name="template-from-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=1336,
)  # fmt: skip
def template_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Input becomes part of a template's source (server-side template injection, CWE-1336).

    ## What it finds
    `render_template_string`, Jinja2 `Template(...)`/`Environment.from_string(...)`, Mako and
    Django `Template(...)` whose template text contains request data or `input()`, or is
    assembled from a parameter (a parameter passed straight through is a template API, not
    an injection). Passing the values as template variables
    (`render_template_string("Hi {{ name }}", name=name)`) stays silent; `string.Template` is
    not a template engine and is not reported.

    ## Why it matters for AI-written code
    `render_template_string(f"<h1>Hello {name}</h1>")` looks like formatting, but the
    result is compiled as Jinja: `{{ config }}` leaks secrets and `{{ ''.__class__... }}`
    runs code. It is also plain XSS (CWE-79), since nothing is escaped.

    ## Example
    ```python
    from flask import Flask, render_template_string, request

    app = Flask(__name__)

    @app.get("/hello")
    def hello():
        name = request.args.get("name", "world")
        return render_template_string(f"<h1>Hello {name}</h1>")
    ```

    ## Use instead
    ```python
    from flask import Flask, render_template_string, request

    app = Flask(__name__)

    @app.get("/hello")
    def hello():
        name = request.args.get("name", "world")
        return render_template_string("<h1>Hello {{ name }}</h1>", name=name)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    from_string = isinstance(node.func, ast.Attribute) and node.func.attr == "from_string"
    if callee not in _TEMPLATE_FUNCTIONS and not from_string:
        return
    source = _argument(node, 0, "source", "text")
    if source is None:
        return
    tainted = _tainted(ctx, source, node, _USER)
    if tainted is None:
        return
    flow, _ = tainted
    if not flow.from_kinds(("request", "input")) and not flow.interpolated:
        return  # a parameter passed straight through: a template API, not an assembled template
    yield _finding(
        ctx,
        node,
        f"{callee}() compiles a template containing {_source_text(flow, _USER)}",
        evidence={
            "sink": callee,
            "template": ctx.segment(source),
            "cwe_also": [79],
            **_flow_evidence(flow, _USER),
        },
        fix="Keep the template constant and pass values as variables: "
        'render_template_string("Hello {{ name }}", name=name).',
    )


_EVAL_FUNCTIONS = frozenset({"eval", "exec", "builtins.eval", "builtins.exec"})


@rule(
    id="AS306", name="eval-of-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=95,
)  # fmt: skip
def eval_of_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """`eval`/`exec`/`compile` run code that comes from input or a parameter (CWE-95).

    ## What it finds
    Calls of the builtins `eval` and `exec` whose code argument comes from request data,
    `input()` or `sys.argv` (error), or from a parameter of the enclosing function (warning:
    the callers decide what it holds), directly or via local variables and `compile(...)`.
    Constant code strings stay silent.

    ## Why it matters for AI-written code
    "Evaluate the user's arithmetic expression" is answered with `eval(expr)`: the user can
    then call `__import__("os").system(...)`.

    ## Example
    ```python
    def calculate(expression):
        return eval(expression)
    ```

    ## Use instead
    ```python
    import ast

    def parse_literal(text):
        return ast.literal_eval(text)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    if not isinstance(node.func, ast.Name) or node.func.id not in _EVAL_FUNCTIONS:
        return
    if node.func.id in ctx.imports:
        return
    code = _argument(node, 0, "source", "expression", "object")
    if code is None:
        return
    tainted = _tainted(ctx, code, node, (*_USER, "input"))
    if tainted is None:
        return
    flow, _ = tainted
    from_outside = bool(flow.from_kinds(("request", "input")))
    yield _finding(
        ctx,
        node,
        f"{node.func.id}() runs code taken from {_source_text(flow, _USER)}",
        severity=None if from_outside else Severity.WARNING,
        evidence={"sink": node.func.id, "code": ctx.segment(code), **_flow_evidence(flow, _USER)},
        fix="Parse instead of executing: ast.literal_eval() for literals, a small expression "
        "parser or a dispatch table for operations.",
    )


_DESERIALIZERS = frozenset(
    {
        "pickle.load", "pickle.loads", "cPickle.load", "cPickle.loads", "_pickle.loads",
        "dill.load", "dill.loads", "marshal.load", "marshal.loads", "shelve.open",
        "jsonpickle.decode", "pandas.read_pickle", "yaml.load", "yaml.unsafe_load",
        "yaml.load_all", "yaml.unsafe_load_all", "torch.load", "numpy.load", "joblib.load",
    }
)  # fmt: skip
_SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader"})


def _deserializer_is_safe(callee: str, call: ast.Call) -> bool:
    if callee in {"yaml.load", "yaml.load_all"}:
        loader = _argument(call, 1, "Loader")
        return loader is not None and _last(loader) in _SAFE_LOADERS
    if callee == "torch.load":
        return _is_const(_keyword(call, "weights_only"), True)
    if callee == "numpy.load":
        return not _is_const(_keyword(call, "allow_pickle"), True)
    return False


@rule(
    id="AS307", name="deserialize-untrusted", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=502,
)  # fmt: skip
def deserialize_untrusted(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """pickle/marshal/`yaml.load`/`torch.load` read data that comes from outside (CWE-502).

    ## What it finds
    Object deserializers that can run code while loading (`pickle`, `dill`, `marshal`,
    `shelve`, `jsonpickle`, `pandas.read_pickle`, `joblib.load`, `yaml.load` without a safe
    loader, `torch.load` without `weights_only=True`, `numpy.load(allow_pickle=True)`)
    applied to request data, `input()` or a parameter — including a file opened from one.
    `yaml.load(..., Loader=yaml.SafeLoader)` and `json` stay silent.

    ## Why it matters for AI-written code
    "Restore the session from the cookie" becomes `pickle.loads(base64.b64decode(cookie))`.
    Unpickling attacker bytes is remote code execution.

    ## Example
    ```python
    import base64
    import pickle
    from flask import request

    def load_cart():
        return pickle.loads(base64.b64decode(request.cookies["cart"]))
    ```

    ## Use instead
    ```python
    import base64
    import json
    from flask import request

    def load_cart():
        return json.loads(base64.b64decode(request.cookies["cart"]))
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee not in _DESERIALIZERS or _deserializer_is_safe(callee, node):
        return
    data = _argument(node, 0, "data", "stream", "file", "f", "filename", "s")
    if data is None:
        return
    tainted = _tainted(ctx, data, node, _USER)
    if tainted is None:
        return
    flow, _ = tainted
    from_outside = bool(flow.from_kinds(("request", "input")))
    yield _finding(
        ctx,
        node,
        f"{callee}() deserializes {_source_text(flow, _USER)}; loading it can run code"
        + ("" if from_outside else " if a caller passes untrusted data"),
        severity=None if from_outside else Severity.INFO,
        evidence={"sink": callee, "data": ctx.segment(data), **_flow_evidence(flow, _USER)},
        fix="Exchange data as JSON (or yaml.safe_load / torch.load(weights_only=True)); "
        "if objects must be restored, sign them with hmac and verify before loading.",
    )


# -- AS308 secrets in logs ---------------------------------------------------------------

_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "fatal"}
)
_MASKING = ("mask", "redact", "hash", "len", "bool", "obfuscat", "censor", "hide")


def _is_log_call(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name) and call.func.id == "print":
        return "print"
    if isinstance(call.func, ast.Attribute) and call.func.attr in _LOG_METHODS:
        receiver = qualified_name(call.func.value) or ""
        if "log" in receiver.lower():
            return f"{receiver}.{call.func.attr}"
    return None


def _secret_reference(ctx: Context, expr: ast.AST, flows: FunctionFlow) -> str | None:
    """The first secret-named value inside `expr` that is printed unmasked: a secret name,
    or a local dict built with a secret key (``settings = {"api_key": ...}``)."""
    stack: list[ast.AST] = [expr]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Call):
            called = (qualified_name(current.func) or _last(current.func)).lower()
            if any(word in called for word in _MASKING):
                continue
        if isinstance(current, ast.Subscript) and isinstance(current.slice, ast.Slice):
            continue
        name = identifier(current)
        if name is not None and is_secret_name(name) and not _is_loop_variable(current, flows):
            return ctx.segment(current)
        if isinstance(current, ast.Subscript) and name is not None:
            continue  # settings["debug"]: one named, non-secret entry of the container
        if isinstance(current, ast.Name):
            key = _secret_key_of_local_dict(current, flows)
            if key is not None:
                return f"{current.id}[{key!r}]"
        if isinstance(current, ast.Compare):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(current))))
    return None


def _secret_key_of_local_dict(name: ast.Name, flows: FunctionFlow) -> str | None:
    for value in flows.assigned_values(name.id, name.lineno):
        if isinstance(value, ast.Dict):
            for key, item in zip(value.keys, value.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and is_secret_name(key.value)
                    and not isinstance(item, ast.Constant)
                ):
                    return key.value
    return None


def _is_loop_variable(expr: ast.AST, flows: FunctionFlow) -> bool:
    if not isinstance(expr, ast.Name):
        return False
    return any(b.loop for b in flows.bindings.get(expr.id, ()))


@rule(
    id="AS308", name="secret-in-log", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=532,
)  # fmt: skip
def secret_in_log(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A password, token or API key is printed or logged (CWE-532).

    ## What it finds
    `print(...)` and `logger.<level>(...)` calls whose arguments include a value named like a
    secret (`password`, `api_key`, `access_token`, `client_secret`, `config["SECRET_KEY"]`),
    or a local dict built with such a key from a non-constant value
    (`settings = {"api_key": os.environ[...]}` then `print(settings)`).
    Names about a secret rather than holding one (`token_count`, `password_field`,
    `max_tokens`), loop variables over tokens, masked values (`mask(token)`, `token[:4]`,
    `len(password)`) and string literals that merely mention a password stay silent.

    ## Why it matters for AI-written code
    Debug prints written "to check it works" (`print(f"Using key {api_key}")`) survive into
    production and put credentials in log files, CI output and crash reports.

    ## Example
    ```python
    import logging

    logger = logging.getLogger(__name__)

    def connect(user, password):
        logger.info("connecting as %s with %s", user, password)
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)

    def connect(user, password):
        logger.info("connecting as %s", user)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    sink = _is_log_call(node)
    if sink is None or is_test_path(ctx.path):
        return
    flows = module_flows(ctx.tree, ctx.qualname).of(node)
    for argument in [*node.args, *(k.value for k in node.keywords if k.arg not in {"exc_info"})]:
        secret = _secret_reference(ctx, argument, flows)
        if secret is not None:
            yield _finding(
                ctx,
                node,
                f"{sink}() writes the secret {secret!r} to the output",
                evidence={"sink": sink, "secret": secret},
                fix="Log that the secret is present (or its last 4 characters), never the "
                "secret itself.",
            )
            return


# -- AS309 fast password hashes ----------------------------------------------------------

_FAST_HASHES = frozenset(
    {
        "hashlib.md5", "hashlib.sha1", "hashlib.sha224", "hashlib.sha256", "hashlib.sha384",
        "hashlib.sha512", "hashlib.sha3_256", "hashlib.sha3_512", "hashlib.blake2b",
        "hashlib.blake2s", "hashlib.new",
    }
)  # fmt: skip


def _password_in(expr: ast.AST) -> str | None:
    for child in ast.walk(expr):
        name = identifier(child)
        if name is not None and is_password_name(name):
            return name
    return None


def _salted(expr: ast.AST, flows: FunctionFlow, line: int) -> bool:
    return any("salt" in words(name) for name in _names_in(expr, flows, line))


@rule(
    id="AS309", name="password-fast-hash", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=916,
)  # fmt: skip
def password_fast_hash(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A password is hashed with a fast hash (MD5/SHA-1/SHA-256...) instead of a KDF (CWE-916).

    ## What it finds
    `hashlib.md5/sha1/sha256/...(password...)`, `hashlib.new(name, password)` and
    `h.update(password)` on such a hash object, where the hashed value is named like a
    password. Without a salt the finding is an error (CWE-916 and CWE-328: identical passwords
    give identical hashes, rainbow tables apply); with a salt it is a warning (still billions
    of guesses per second on a GPU). `hashlib.pbkdf2_hmac`, `scrypt`, bcrypt and argon2 stay
    silent, as do fast hashes of data that is not a password.

    ## Why it matters for AI-written code
    `hashlib.sha256(password.encode()).hexdigest()` is the most common "hash the password"
    answer; it looks like security and offers almost none.

    ## Example
    ```python
    import hashlib

    def store_password(password):
        return hashlib.sha256(password.encode()).hexdigest()
    ```

    ## Use instead
    ```python
    import hashlib
    import os

    def store_password(password):
        salt = os.urandom(16)
        return salt + hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    data: ast.expr | None = None
    if callee in _FAST_HASHES:
        data = _argument(node, 1 if callee == "hashlib.new" else 0, "data", "string")
    elif (
        isinstance(node.func, ast.Attribute)
        and node.func.attr == "update"
        and node.args
        and _password_in(node.args[0]) is not None
    ):
        receiver = node.func.value
        flows = module_flows(ctx.tree, ctx.qualname).of(node)
        if isinstance(receiver, ast.Name) and any(
            isinstance(v, ast.Call) and _callee(ctx, v) in _FAST_HASHES
            for v in flows.assigned_values(receiver.id, node.lineno)
        ):
            data, callee = node.args[0], f"{receiver.id}.update"
    if data is None:
        return
    password = _password_in(data)
    if password is None:
        return
    salted = _salted(data, module_flows(ctx.tree, ctx.qualname).of(node), node.lineno)
    yield _finding(
        ctx,
        node,
        f"{callee}() hashes {password!r} with a fast hash"
        + (" (salted, still brute-forceable)" if salted else " and no salt"),
        evidence={"hash": callee, "password": password, "salted": salted, "cwe_also": [328]},
        fix="Use a password KDF: hashlib.scrypt / hashlib.pbkdf2_hmac with a random salt "
        "and a high iteration count, or bcrypt/argon2 (passlib, argon2-cffi).",
        severity=Severity.WARNING if salted else None,
    )


# -- AS310 secret comparison with == -----------------------------------------------------

_COMPARED_SECRETS = frozenset(
    {"signature", "sig", "hmac", "mac", "token", "secret", "apikey", "otp", "csrf", "password",
     "passwd", "pwd"}
)  # fmt: skip


def _compared_secret(expr: ast.AST) -> str | None:
    if isinstance(expr, ast.Call):
        called = _last(expr.func)
        if called in {"len", "bool", "type", "isinstance"}:
            return None
        if called in {"hexdigest", "digest"} and _is_hmac(expr.func):
            return "hmac digest"
    name = identifier(expr)
    if name is None:
        return None
    parts = words(name)
    if set(parts) & _NOT_COMPARED_SECRETS or (name.isupper() and len(parts) > 1):
        return None  # default_model_signature, TOKEN_OPERATOR: not secrets
    if is_secret_name(name) or set(parts) & _COMPARED_SECRETS:
        return name
    return None


#: Words that make a secret-looking name something else (a Python signature, a token kind).
_NOT_COMPARED_SECRETS = frozenset(
    {"type", "count", "name", "id", "len", "default", "model", "func", "function", "method",
     "call", "param", "params", "kind", "lexer", "parser", "next", "last", "prev", "current"}
)  # fmt: skip


@rule(
    id="AS310", name="secret-compared-with-eq", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Compare,), cwe=208,
)  # fmt: skip
def secret_compared_with_eq(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A token, signature or password is compared with `==` (timing side channel, CWE-208).

    ## What it finds
    `a == b` / `a != b` where both sides are named like secrets (`request_token !=
    stored_token`, `headers.get("X-Api-Key") == api_key`), or one side is a keyed digest
    (`hmac.new(...).hexdigest()`, or a local assigned from one). Comparisons with `None`,
    literals or UPPER_CASE constants, of lengths or types, of names that are about something
    else (`token_type`, `next_token`, `default_signature`), inside `__eq__`, and in test files
    stay silent.

    ## Why it matters for AI-written code
    `if request.headers["X-Signature"] == expected:` is how webhook verification is
    usually sketched. `==` stops at the first differing byte, so response times leak how
    much of a guess is right.

    ## Example
    ```python
    import hashlib
    import hmac

    def verify(body, signature, key):
        expected = hmac.new(key, body, hashlib.sha256).hexdigest()
        return signature == expected
    ```

    ## Use instead
    ```python
    import hashlib
    import hmac

    def verify(body, signature, key):
        expected = hmac.new(key, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature, expected)
    ```
    """
    if not isinstance(node, ast.Compare):
        return
    if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        return
    if is_test_path(ctx.path):
        return
    function = ctx.enclosing_function(node)
    if function is not None and function.name in {"__eq__", "__ne__"}:
        return  # comparing two credential objects for equality, not checking a secret
    left, right = node.left, node.comparators[0]
    if isinstance(left, ast.Constant) or isinstance(right, ast.Constant):
        return
    # Both sides must look secret (``request_token != stored_token``), or one side is a
    # keyed digest (``signature == expected`` with ``expected = hmac.new(...)``): a lexer's
    # ``token == other`` compares token kinds, not credentials.
    named = [_compared_secret(side) for side in (left, right)]
    derived = (
        [_derived_secret(side, node, ctx) for side in (left, right)]
        if "hmac" in ctx.source
        else [None, None]
    )
    secret = next((n for n in named if n), None)
    keyed = any(derived) or "hmac digest" in named
    if secret is None and any(derived):
        secret = next(d for d in derived if d)
    if secret is None or not (all(named) or keyed):
        return
    yield _finding(
        ctx,
        node,
        f"{secret!r} is compared with {'==' if isinstance(node.ops[0], ast.Eq) else '!='}, "
        "which leaks timing",
        evidence={"left": ctx.segment(left), "right": ctx.segment(right)},
        fix="Compare secrets in constant time: hmac.compare_digest(a, b) "
        "(or secrets.compare_digest).",
    )


def _derived_secret(expr: ast.AST, at: ast.AST, ctx: Context) -> str | None:
    """A local name assigned from ``....hexdigest()`` / ``hmac.new(...)`` is a digest."""
    if not isinstance(expr, ast.Name):
        return None
    flows = module_flows(ctx.tree, ctx.qualname).of(at)
    for value in flows.assigned_values(expr.id, getattr(at, "lineno", 0)):
        if _is_hmac(value):
            return expr.id
    return None


def _is_hmac(expr: ast.AST) -> bool:
    """True when `expr` involves ``hmac.new(...)``/``hmac.digest(...)`` (a keyed digest)."""
    for inner in ast.walk(expr):
        if isinstance(inner, ast.Call):
            called = qualified_name(inner.func) or ""
            if called in {"hmac.new", "hmac.digest", "hmac.HMAC"}:
                return True
    return False


# -- AS311 random for secrets ------------------------------------------------------------

_RANDOM_FUNCTIONS = frozenset(
    {"random.choice", "random.choices", "random.randint", "random.random", "random.randrange",
     "random.getrandbits", "random.sample", "random.shuffle", "random.randbytes",
     "random.uniform", "numpy.random.randint", "numpy.random.choice"}
)  # fmt: skip
_RANDOM_SECRET_WORDS = frozenset(
    {"token", "password", "passwd", "pwd", "secret", "otp", "salt", "nonce", "apikey", "csrf",
     "passphrase", "pin", "session", "sessionid"}
)  # fmt: skip
_CODE_QUALIFIERS = frozenset(
    {"verification", "reset", "activation", "confirmation", "invite", "recovery", "auth",
     "login", "security", "one", "access"}
)  # fmt: skip


def _secret_purpose(name: str) -> bool:
    parts = words(name)
    if set(parts) & _RANDOM_SECRET_WORDS:
        return True
    pairs = set(itertools.pairwise(parts))
    if ("api", "key") in pairs or ("secret", "key") in pairs:
        return True
    return "code" in parts and bool(set(parts) & _CODE_QUALIFIERS)


def _random_purpose(ctx: Context, call: ast.Call) -> str | None:
    for ancestor in ctx.ancestors(call):
        if isinstance(ancestor, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = ancestor.targets if isinstance(ancestor, ast.Assign) else [ancestor.target]
            for target in targets:
                name = identifier(target)
                if name is not None and _secret_purpose(name):
                    return name
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ancestor.name if _secret_purpose(ancestor.name) else None
    return None


@rule(
    id="AS311", name="random-for-secrets", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=330,
)  # fmt: skip
def random_for_secrets(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """The `random` module generates a token, password, OTP or salt (CWE-330).

    ## What it finds
    `random.choice/choices/randint/random/getrandbits/...` used where the result is a secret:
    assigned to a name like `token`, `password`, `otp`, `reset_code`, `api_key`, or inside a
    function named so (`generate_token`). `random.SystemRandom()`, `secrets` and `random`
    used for simulations, sampling or shuffling data stay silent.

    ## Why it matters for AI-written code
    `"".join(random.choices(string.ascii_letters, k=32))` is the first answer for "generate
    a token"; Mersenne Twister output is predictable after 624 observed values.

    ## Example
    ```python
    import random
    import string

    def generate_token(length=32):
        return "".join(random.choices(string.ascii_letters + string.digits, k=length))
    ```

    ## Use instead
    ```python
    import secrets

    def generate_token(length=32):
        return secrets.token_urlsafe(length)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee not in _RANDOM_FUNCTIONS:
        return
    purpose = _random_purpose(ctx, node)
    if purpose is None:
        return
    yield _finding(
        ctx,
        node,
        f"{callee}() makes {purpose!r}, but `random` is predictable",
        evidence={"generator": callee, "purpose": purpose},
        fix="Use the secrets module: secrets.token_urlsafe(), secrets.token_hex(), "
        "secrets.choice(alphabet) or secrets.randbelow(n).",
    )


# -- AS312 JWT without verification ------------------------------------------------------

_JWT_DECODERS = frozenset({"jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode"})


def _dict_literal(ctx: Context, expr: ast.AST, at: ast.AST) -> ast.Dict | None:
    if isinstance(expr, ast.Dict):
        return expr
    if isinstance(expr, ast.Call) and _last(expr.func) == "dict":
        return ast.Dict(
            keys=[ast.Constant(k.arg) for k in expr.keywords],
            values=[k.value for k in expr.keywords],
        )
    if isinstance(expr, ast.Name):
        flows = module_flows(ctx.tree, ctx.qualname).of(at)
        for value in flows.assigned_values(expr.id, getattr(at, "lineno", 0)):
            found = _dict_literal(ctx, value, at)
            if found is not None:
                return found
    return None


def _jwt_problems(ctx: Context, call: ast.Call) -> list[str]:
    problems: list[str] = []
    if _is_const(_keyword(call, "verify"), False):
        problems.append("verify=False")
    options = _keyword(call, "options")
    if options is not None:
        literal = _dict_literal(ctx, options, call)
        for key, value in zip(literal.keys if literal else [], literal.values if literal else [], strict=False):  # fmt: skip
            if isinstance(key, ast.Constant) and key.value == "verify_signature" and _is_const(value, False):  # fmt: skip
                problems.append('options={"verify_signature": False}')
    algorithms = _argument(call, 2, "algorithms")
    if algorithms is None and not problems:
        problems.append("no algorithms= list (the token's own header picks the algorithm)")
    elif algorithms is not None and any(
        isinstance(n, ast.Constant) and str(n.value).lower() == "none" for n in ast.walk(algorithms)
    ):
        problems.append('algorithms includes "none"')
    elif algorithms is not None and _from_unverified_header(ctx, algorithms, call):
        problems.append("algorithms taken from the token's own unverified header")
    return problems


def _from_unverified_header(ctx: Context, algorithms: ast.AST, call: ast.Call) -> bool:
    """``algorithms=[jwt.get_unverified_header(token)["alg"]]``, directly or via locals:
    the attacker chooses the algorithm (e.g. HS256 with the RSA public key as secret)."""
    flows = module_flows(ctx.tree, ctx.qualname).of(call)
    sources: list[ast.AST] = [algorithms]
    for name in _names_in(algorithms, flows, call.lineno):
        sources.extend(flows.assigned_values(name, call.lineno))
    return any(
        isinstance(n, ast.Call) and _last(n.func) == "get_unverified_header"
        for source in sources
        for n in ast.walk(source)
    )


@rule(
    id="AS312", name="jwt-not-verified", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=347,
)  # fmt: skip
def jwt_not_verified(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A JWT is decoded without verifying its signature or pinning algorithms (CWE-347).

    ## What it finds
    `jwt.decode(...)` (PyJWT, python-jose) with `verify=False`, with
    `options={"verify_signature": False}` (also through a local variable), without an
    `algorithms=[...]` list, with `"none"` among the algorithms, or with the algorithm read
    from the token's own unverified header (`jwt.get_unverified_header(token)["alg"]`).

    ## Why it matters for AI-written code
    When decoding fails in a snippet, the quickest "fix" an assistant suggests is to turn
    verification off; the code keeps working and now accepts tokens anyone can forge.

    ## Example
    ```python
    import jwt

    def current_user(token):
        claims = jwt.decode(token, options={"verify_signature": False})
        return claims["sub"]
    ```

    ## Use instead
    ```python
    import jwt

    def current_user(token, key):
        claims = jwt.decode(token, key, algorithms=["HS256"])
        return claims["sub"]
    ```
    """
    if not isinstance(node, ast.Call):
        return
    callee = _callee(ctx, node)
    if callee not in _JWT_DECODERS:
        return
    problems = _jwt_problems(ctx, node)
    if not problems:
        return
    yield _finding(
        ctx,
        node,
        f"{callee}() accepts unverified tokens: {'; '.join(problems)}",
        evidence={"decoder": callee, "problems": problems},
        fix="Verify with the key and a fixed algorithm list: jwt.decode(token, key, "
        'algorithms=["HS256"]) (RS256/ES256 with the public key).',
    )


# -- AS313 TLS verification off ----------------------------------------------------------

_HTTP_VERBS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream",
     "Client", "AsyncClient", "Session", "urlopen", "TCPConnector", "ClientSession"}
)  # fmt: skip


def _tls_off(ctx: Context, node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        callee = _callee(ctx, node)
        if callee in {"ssl._create_unverified_context", "ssl._create_stdlib_context"}:
            return f"{callee}()"
        http = callee.split(".")[0] in {"requests", "httpx", "aiohttp", "urllib3"} or (
            _last(node.func) in _HTTP_VERBS
        )
        for name in ("verify", "ssl", "verify_ssl"):
            if http and _is_const(_keyword(node, name), False):
                return f"{name}=False"
        cert_reqs = _keyword(node, "cert_reqs")
        if cert_reqs is not None and (
            _is_const_str(cert_reqs, "CERT_NONE") or _last(cert_reqs) == "CERT_NONE"
        ):
            return "cert_reqs=CERT_NONE"
        return None
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value = node.targets[0], node.value
        attribute = target.attr if isinstance(target, ast.Attribute) else None
        if attribute == "verify_mode" and _last(value) == "CERT_NONE":
            return "verify_mode = CERT_NONE"
        if attribute == "check_hostname" and _is_const(value, False):
            return "check_hostname = False"
        if attribute == "verify" and _is_const(value, False):
            return f"{ctx.segment(target)} = False"
        if attribute == "_create_default_https_context" and _last(value) == "_create_unverified_context":  # fmt: skip
            return "ssl._create_default_https_context = ssl._create_unverified_context"
    return None


_OPTION_WORDS = frozenset({"verify", "insecure", "ssl", "tls", "cert", "certificate", "unsafe"})


def _behind_an_option(ctx: Context, node: ast.AST) -> bool:
    """Inside ``if verify is False:`` / ``if insecure:``: the caller opted out explicitly
    (a library implementing its documented ``verify=False``), not a blanket switch-off."""
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, ast.If):
            for name in ast.walk(ancestor.test):
                text = name.id if isinstance(name, ast.Name) else getattr(name, "attr", None)
                if text and set(words(text)) & _OPTION_WORDS:
                    return True
    return False


def _is_const_str(expr: ast.AST, text: str) -> bool:
    return isinstance(expr, ast.Constant) and expr.value == text


@rule(
    id="AS313", name="tls-verification-disabled", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call, ast.Assign), cwe=295,
)  # fmt: skip
def tls_verification_disabled(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Certificate verification is turned off for TLS connections (CWE-295).

    ## What it finds
    `requests`/`httpx`/`aiohttp` calls and clients with `verify=False`, `ssl=False` or
    `verify_ssl=False`; `ssl._create_unverified_context()`; `ctx.verify_mode = ssl.CERT_NONE`;
    `ctx.check_hostname = False`; `session.verify = False`; `cert_reqs="CERT_NONE"`; and the
    global `ssl._create_default_https_context = ssl._create_unverified_context`. Settings
    made inside `if verify is False:` / `if insecure:` (a library implementing an explicit
    opt-out its caller chose) are not reported.

    ## Why it matters for AI-written code
    `SSLError: certificate verify failed` is a common question, and `verify=False` the most
    common answer. It silences the error by accepting any certificate, so any network
    position can read and change the traffic.

    ## Example
    ```python
    import requests

    def fetch(url):
        return requests.get(url, verify=False, timeout=10).json()
    ```

    ## Use instead
    ```python
    import requests

    def fetch(url, ca_bundle="/etc/ssl/certs/internal-ca.pem"):
        return requests.get(url, verify=ca_bundle, timeout=10).json()
    ```
    """
    what = _tls_off(ctx, node)
    if what is None or _behind_an_option(ctx, node):
        return
    yield _finding(
        ctx,
        node,
        f"TLS certificate verification is disabled ({what})",
        evidence={"setting": what},
        fix="Keep verification on; for a private CA pass its bundle (verify='/path/ca.pem', "
        "ssl.create_default_context(cafile=...)) or install it in the system store.",
    )


# -- AS314 debug server on all interfaces ------------------------------------------------

_ALL_INTERFACES = frozenset({"0.0.0.0", "::", ""})


@rule(
    id="AS314", name="debug-server-exposed", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=489,
)  # fmt: skip
def debug_server_exposed(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A debug server listens on every network interface (CWE-489, CWE-668).

    ## What it finds
    `app.run(debug=True, host="0.0.0.0")` (Flask/Werkzeug, also with the host passed
    positionally, or `"::"`) and `uvicorn.run(..., host="0.0.0.0", reload=True)`-style
    development servers started with debugging on and bound to all interfaces. `debug=True`
    on localhost is left to Bandit (B201); `host="0.0.0.0"` without debug stays silent.

    ## Why it matters for AI-written code
    "Make it reachable from my phone/the container" yields `host="0.0.0.0"`, and the snippet
    already had `debug=True`. The Werkzeug debugger then gives anyone on the network a Python
    console.

    ## Example
    ```python
    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(host="0.0.0.0", port=8000, debug=True)
    ```

    ## Use instead
    ```python
    import os
    from flask import Flask

    app = Flask(__name__)

    if __name__ == "__main__":
        app.run(host="127.0.0.1", port=8000, debug=os.environ.get("FLASK_DEBUG") == "1")
    ```
    """
    if not isinstance(node, ast.Call):
        return
    if _last(node.func) != "run":
        return
    debug = _keyword(node, "debug")
    if debug is None and _callee(ctx, node) == "uvicorn.run":
        debug = _keyword(node, "reload")
    if not _is_const(debug, True):
        return
    host = _argument(node, 0, "host")
    if _callee(ctx, node) == "uvicorn.run":
        host = _keyword(node, "host")
    if not (isinstance(host, ast.Constant) and host.value in _ALL_INTERFACES):
        return
    yield _finding(
        ctx,
        node,
        f"{ctx.segment(node.func)}() starts a debug server on {host.value!r} (all interfaces)",
        evidence={"host": host.value, "debug": True, "cwe_also": [668]},
        fix='Bind development servers to "127.0.0.1" and take debug from the environment; '
        "serve production with gunicorn/uvicorn without debug.",
    )
