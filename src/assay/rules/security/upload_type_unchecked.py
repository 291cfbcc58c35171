"""AS315 `upload-type-unchecked`: an uploaded file is stored without checking its type."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _argument, _callee, _finding
from assay.syntax import dotted_name

__all__: list[str] = []


#: Where web frameworks keep a request's uploaded files (Flask/Quart/Werkzeug, Django).
_UPLOAD_CONTAINERS = frozenset({"files", "FILES"})
_UPLOAD_ANNOTATIONS = frozenset({"UploadFile", "fastapi.UploadFile", "starlette.UploadFile"})
#: Calls that only measure or test presence: `if len(f.filename) == 0`, `if bool(f)`.
_PRESENCE = frozenset({"len", "bool", "isinstance", "hasattr"})
_TYPE_ATTRIBUTES = frozenset({"mimetype", "content_type", "mimetype_params"})
_HOPS = 3
#: Calls that store their arguments in a database (DB-API cursors).
_DATABASE_WRITES = frozenset({"execute", "executemany"})


def _is_request_files(ctx: Context, expr: ast.AST) -> bool:
    """`request.files["x"]`, `request.files.get("x")`, `request.FILES["x"]`."""
    container: ast.expr | None = None
    if isinstance(expr, ast.Subscript):
        container = expr.value
    elif (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "get"
    ):
        container = expr.func.value
    if not isinstance(container, ast.Attribute) or container.attr not in _UPLOAD_CONTAINERS:
        return False
    owner = ctx.qualname(container.value) or dotted_name(container.value) or ""
    return owner.rsplit(".", 1)[-1] == "request"


def _upload_name(
    ctx: Context, expr: ast.AST, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> str | None:
    """The local name holding an upload (`f = request.files["f"]`, a FastAPI `UploadFile`
    parameter), or "" for an upload used in place (`request.files["f"].save(...)`)."""
    if _is_request_files(ctx, expr):
        return ""
    if not isinstance(expr, ast.Name):
        return None
    for argument in (*function.args.args, *function.args.kwonlyargs):
        if argument.arg == expr.id and argument.annotation is not None:
            annotation = ctx.qualname(argument.annotation) or dotted_name(argument.annotation)
            if annotation in _UPLOAD_ANNOTATIONS:
                return expr.id
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)
            and _is_request_files(ctx, node.value)
        ):
            return expr.id
    return None


def _related_names(function: ast.AST, upload: str) -> set[str]:
    """The upload's name and the locals computed from it (`name = f.filename`, `ext =
    name.rsplit(".", 1)[1]`), a few assignments deep."""
    related = {upload} if upload else set()
    assignments = [n for n in ast.walk(function) if isinstance(n, ast.Assign)]
    for _ in range(_HOPS):
        for assignment in assignments:
            used = {n.id for n in ast.walk(assignment.value) if isinstance(n, ast.Name)}
            if used & related:
                related |= {
                    n.id
                    for target in assignment.targets
                    for n in ast.walk(target)
                    if isinstance(n, ast.Name)
                }
    return related


def _validates(ctx: Context, test: ast.AST, related: set[str]) -> bool:
    """A test that inspects the upload's name or type: a call on it (`allowed_file(name)`,
    `name.endswith(".pdf")`, `imghdr.what(f)`), a membership test (`ext in ALLOWED`) or a
    comparison of its MIME type. Presence checks (`if not f`, `f.filename == ""`) are not."""
    mentions = any(isinstance(n, ast.Name) and n.id in related for n in ast.walk(test)) or any(
        _is_request_files(ctx, n) for n in ast.walk(test)
    )
    if not mentions:
        return False
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and _callee(ctx, node) not in _PRESENCE:
            return True
        if isinstance(node, ast.Compare) and any(
            isinstance(op, (ast.In, ast.NotIn)) for op in node.ops
        ):
            return True
        if isinstance(node, ast.Attribute) and node.attr in _TYPE_ATTRIBUTES:
            return True
        if isinstance(node, ast.Compare) and any(
            isinstance(side, ast.Constant) and isinstance(side.value, str) and side.value
            for side in (node.left, *node.comparators)
        ):
            return True  # name[-4:] != ".jpg": the name's text is inspected, not its presence
    return False


def _type_checked(ctx: Context, function: ast.AST, related: set[str], line: int) -> bool:
    for node in ast.walk(function):
        test = getattr(node, "test", None)
        if (
            isinstance(node, (ast.If, ast.While, ast.Assert, ast.IfExp))
            and test is not None
            and node.lineno <= line
            and _validates(ctx, test, related)
        ):
            return True
    return False


def _stored_upload(ctx: Context, call: ast.Call) -> tuple[ast.AST, ast.AST | None] | None:
    """(the upload, where it goes) for `f.save(path)`, `shutil.copyfileobj(f.file, out)`,
    `out.write(f.read())` and a database write of its content
    (`cursor.execute("INSERT ...", (name, f.read()))`)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "save" and call.args:
        return func.value, call.args[0]
    if _callee(ctx, call) == "shutil.copyfileobj" and call.args:
        source = call.args[0]
        if isinstance(source, ast.Attribute) and source.attr == "file":
            source = source.value
        return source, _argument(call, 1, "fdst")
    if isinstance(func, ast.Attribute) and func.attr == "write" and len(call.args) == 1:
        read = _read_of(ctx, call.args[0])
        if read is not None:
            return read, func.value
    if isinstance(func, ast.Attribute) and func.attr in _DATABASE_WRITES:
        for argument in call.args:
            read = _read_of(ctx, argument)
            if read is not None:
                return read, func.value
    return None


def _read_of(ctx: Context, data: ast.AST) -> ast.AST | None:
    """What `data` was read from: `f.read()` in it, directly or in the values of the locals
    it uses, a few assignments back (`data = f.read()`, `encoded = b64encode(data)`, then
    `out.write(encoded)`)."""
    function = ctx.enclosing_function(data)
    assignments = [n for n in ast.walk(function) if isinstance(n, ast.Assign)] if function else []
    candidates = [data]
    seen: set[str] = set()
    for _ in range(_HOPS + 1):
        for candidate in candidates:
            for node in ast.walk(candidate):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "read"
                    and not node.args
                ):
                    return node.func.value
        names = {n.id for c in candidates for n in ast.walk(c) if isinstance(n, ast.Name)} - seen
        seen |= names
        candidates = [
            a.value
            for a in assignments
            if any(isinstance(t, ast.Name) and t.id in names for t in a.targets)
        ]
        if not candidates:
            return None
    return None


@rule(
    id="AS315", name="upload-type-unchecked", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Call,), cwe=434,
)  # fmt: skip
def upload_type_unchecked(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """An uploaded file is stored without any check of its type (CWE-434).

    ## What it finds
    A file from `request.files[...]` / `request.files.get(...)` / `request.FILES[...]` or a
    FastAPI `UploadFile` parameter that is stored (`f.save(path)`,
    `shutil.copyfileobj(f.file, out)`, `out.write(f.read())`, a database write of its content
    `cursor.execute(sql, (name, f.read()))`, also through locals: `data = f.read()` then
    `out.write(b64encode(data))`) in a function where no test
    before the store inspects its name or type: no call on it (`allowed_file(f.filename)`,
    `f.filename.endswith(".pdf")`), no membership test (`ext in ALLOWED_EXTENSIONS`), no
    comparison with a non-empty string (`name[-4:] != ".jpg"`), no look at `f.mimetype` /
    `f.content_type`. Presence checks (`if not f`,
    `if f.filename == ""`) do not count.

    ## Why it matters for AI-written code
    "Add a file upload endpoint" is answered with `file.save(os.path.join(UPLOADS,
    file.filename))`: any file is accepted, so a `.php`, `.html` or `.py` uploaded next to
    served or executed files becomes code the server runs or serves as the site's own.

    ## Example
    ```python
    import os

    from flask import Flask, request

    app = Flask(__name__)

    @app.route("/upload", methods=["POST"])
    def upload():
        document = request.files["document"]
        document.save(os.path.join("uploads", "latest"))
        return "ok"
    ```

    ## Use instead
    ```python
    import os

    from flask import Flask, abort, request

    app = Flask(__name__)
    ALLOWED = {".pdf", ".png"}

    @app.route("/upload", methods=["POST"])
    def upload():
        document = request.files["document"]
        if os.path.splitext(document.filename)[1].lower() not in ALLOWED:
            abort(400)
        document.save(os.path.join("uploads", "latest"))
        return "ok"
    ```
    """
    if not isinstance(node, ast.Call):
        return
    stored = _stored_upload(ctx, node)
    function = ctx.enclosing_function(node)
    if stored is None or function is None:
        return
    upload, destination = stored
    name = _upload_name(ctx, upload, function)
    if name is None:
        return
    if _type_checked(ctx, function, _related_names(function, name), node.lineno):
        return
    yield _finding(
        ctx,
        node,
        f"the uploaded file {ctx.segment(upload)!r} is stored without any check of its "
        "type or extension",
        evidence={
            "upload": ctx.segment(upload),
            "stored_to": ctx.segment(destination) if destination is not None else None,
        },
        fix="Accept only the types you expect: check the extension against an allow-list "
        "(and the content, e.g. the MIME type or magic bytes) before saving, and store under "
        "a name you generate.",
    )
