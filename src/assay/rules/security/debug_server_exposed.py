"""AS314 `debug-server-exposed`: debug server on all interfaces."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _argument, _callee, _finding, _is_const, _keyword
from assay.syntax import last_name

__all__: list[str] = []


_ALL_INTERFACES = frozenset({"0.0.0.0", "::", ""})  # nosec B104  # addresses the rule looks for


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
    if last_name(node.func) != "run":
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
