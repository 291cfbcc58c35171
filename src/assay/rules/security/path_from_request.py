"""AS303 `path-from-request`: path traversal."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _argument, _callee, _tainted_finding
from assay.rules.security._sinks import _REQUEST, _tainted
from assay.syntax import last_name

__all__: list[str] = []


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
    if callee in _FILE_FUNCTIONS or last_name(call.func) in {"send_file", "FileResponse"}:
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
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _REQUEST,
        lambda source: f"{sink}() uses a path taken from {source} without confining it",
        evidence={"sink": sink, "path": ctx.segment(path)},
        fix="Use send_from_directory()/safe_join(), or werkzeug's secure_filename(), and "
        "check that the resolved path stays inside the intended directory.",
    )
