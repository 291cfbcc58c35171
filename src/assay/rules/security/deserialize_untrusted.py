"""AS307 `deserialize-untrusted`: deserialization of untrusted data."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import (
    _argument,
    _callee,
    _is_const,
    _keyword,
    _tainted_finding,
    safe_yaml_fix,
)
from assay.rules.security._sinks import _USER, _tainted
from assay.syntax import last_name

__all__: list[str] = []


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
        return loader is not None and last_name(loader) in _SAFE_LOADERS
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
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _USER,
        lambda source: (
            f"{callee}() deserializes {source}; loading it can run code"
            + ("" if from_outside else " if a caller passes untrusted data")
        ),
        severity=None if from_outside else Severity.INFO,
        evidence={"sink": callee, "data": ctx.segment(data)},
        fix="Exchange data as JSON (or yaml.safe_load / torch.load(weights_only=True)); "
        "if objects must be restored, sign them with hmac and verify before loading.",
        autofix=safe_yaml_fix(callee, node),
    )
