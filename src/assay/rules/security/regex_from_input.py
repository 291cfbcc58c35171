"""AS323 `regex-from-input`: regular expressions the client writes (ReDoS)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _argument, _callee, _tainted_finding
from assay.rules.security._sinks import _OUTSIDE, _tainted
from assay.syntax import last_name

__all__: list[str] = []


_PATTERN_FIRST = frozenset(
    {
        "re.compile", "re.match", "re.search", "re.fullmatch", "re.findall", "re.finditer",
        "re.sub", "re.subn", "re.split", "regex.compile", "regex.match", "regex.search",
        "regex.fullmatch", "regex.findall", "regex.finditer", "regex.sub", "regex.split",
    }
)  # fmt: skip


_PATTERN_FUNCTIONS = frozenset(name.rsplit(".", 1)[1] for name in _PATTERN_FIRST)


@rule(
    id="AS323", name="regex-from-input", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Call,), cwe=1333,
)  # fmt: skip
def regex_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A regular expression is compiled from request data or user input (ReDoS, CWE-1333).

    ## What it finds
    `re.compile/match/search/fullmatch/findall/finditer/sub/split` (and the `regex`
    module's) whose *pattern* comes from request data or `input()`, as a whole or pasted
    into a larger pattern. `re.escape(...)` on the input makes it a literal and stays
    silent, as does input used as the *string* searched.

    ## Why it matters for AI-written code
    "Let users search with a pattern" becomes `re.search(request.args["q"], text)`. A
    pattern like `(a+)+$` takes exponential time on a short string, and Python's `re` has no
    timeout: one request pins a worker (inefficient regular expression complexity, CWE-1333,
    a kind of CWE-400 resource exhaustion).

    ## Example
    ```python
    import re

    from flask import Flask, request

    app = Flask(__name__)

    @app.get("/search")
    def search():
        pattern = re.compile(request.args["q"])
        return [line for line in open("index.txt") if pattern.search(line)]
    ```

    ## Use instead
    ```python
    import re

    from flask import Flask, request

    app = Flask(__name__)

    @app.get("/search")
    def search():
        pattern = re.compile(re.escape(request.args["q"]))
        return [line for line in open("index.txt") if pattern.search(line)]
    ```
    """
    if not isinstance(node, ast.Call) or last_name(node.func) not in _PATTERN_FUNCTIONS:
        return
    callee = _callee(ctx, node)
    if callee not in _PATTERN_FIRST:
        return
    pattern = _argument(node, 0, "pattern")
    if pattern is None:
        return
    tainted = _tainted(ctx, pattern, node, _OUTSIDE)
    if tainted is None:
        return
    flow, _ = tainted
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _OUTSIDE,
        lambda source: (
            f"{callee}() compiles a pattern taken from {source}: a crafted "
            "pattern can take exponential time"
        ),
        evidence={"sink": callee, "pattern": ctx.segment(pattern), "cwe_also": [730, 400]},
        fix="Match the input as text (re.escape(value), or `value in text`); if users must "
        "write patterns, use a linear-time engine (google-re2) or bound the time.",
    )
