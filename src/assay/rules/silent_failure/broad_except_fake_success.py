"""AS401: a broad ``except`` with a made-up result."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.silent_failure._common import (
    FunctionNode,
    describe,
    is_default_value,
)
from assay.rules.silent_failure._handlers import (
    BROAD,
    best_effort_cleanup,
    handler_text,
    is_broad,
    skips_item,
)
from assay.syntax import call_name, dotted_name, log_call, own_nodes

__all__: list[str] = []


#: Where an error that is reported (logged, printed) may end: the top of a program or thread.
_BOUNDARY_FUNCTIONS = frozenset(
    {"main", "cli", "run", "__main__", "serve", "run_forever", "handle", "worker"}
)  # fmt: skip
#: Where an error cannot usefully propagate at all: finalizers and clean-up.
_CLEANUP_FUNCTIONS = frozenset(
    {"__del__", "__exit__", "__aexit__", "close", "aclose", "cleanup", "shutdown", "teardown",
     "dispose"}
)  # fmt: skip
_PREDICATE_PREFIXES = ("is_", "has_", "can_", "should_", "supports_", "_is_", "_has_", "_can_")
_DELIBERATE_DOC = re.compile(
    r"\b(swallow\w*|suppress\w*|never raises?|best[- ]effort|ignor\w+ (all )?(errors|exceptions))\b",
    re.IGNORECASE,
)


def _passes_on(handler: ast.ExceptHandler) -> bool:
    """The handler hands the error to someone: re-raises, exits, or uses the exception
    object other than in a log line (``errors.append(e)``, ``return {"error": str(e)}``)."""
    inside_logs: set[int] = set()
    for node in own_nodes(handler.body):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call):
            if call_name(node) in {"sys.exit", "os._exit", "exit", "abort", "flask.abort"}:
                return True
            if log_call(node) is not None or _is_report_call(node):
                inside_logs.update(id(n) for n in ast.walk(node))
    return any(
        isinstance(node, ast.Name) and node.id == handler.name and id(node) not in inside_logs
        for node in own_nodes(handler.body)
    )


def _is_report_call(call: ast.Call) -> bool:
    name = call_name(call)
    return name.endswith(("print_exc", "format_exc", "print_exception", "warnings.warn")) or (
        isinstance(call.func, ast.Attribute) and call.func.attr == "exception"
    )


def _logs(handler: ast.ExceptHandler) -> bool:
    """The handler writes something about the failure (a log line, print, traceback)."""
    return any(
        isinstance(n, ast.Call) and (log_call(n) is not None or _is_report_call(n))
        for n in own_nodes(handler.body)
    )


@rule(
    id="AS401", name="broad-except-fake-success", family=Family.SILENT_FAILURE,
    severity=Severity.ERROR, nodes=(ast.ExceptHandler, ast.With),
)  # fmt: skip
def broad_except_fake_success(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A broad `except` turns every error into a normal-looking result (`[]`, `None`, `pass`).

    ## What it finds
    `except:`, `except Exception:` and `except BaseException:` (and
    `contextlib.suppress(Exception)`) whose handler passes or returns a literal, empty or
    default value, so the caller cannot tell "failed" from "nothing found". It is an error
    when the made-up value is what the function returns and the error is not reported; a
    warning when the handler logs it, or when it passes and the function carries on. Silent:
    handlers that re-raise, exit or use the exception (`errors.append(e)`,
    `return {"error": str(e)}`); top-level boundaries (`main`, module level) that report the
    error; finalizers and clean-up (`__del__`, `__exit__`, `close`, or a `try` around one
    clean-up call); predicates answering `False` (`is_...()`, `-> bool`, or every return a
    yes/no expression); functions whose docstring says they swallow errors; narrow handlers
    (`except KeyError: return None`); code under `if __name__ == "__main__":`. A handler that
    passes and lets the function carry on is also silent when the failure stays visible:
    `try/except/else` with the success path in `else`, a capability flag set to `True` at
    the end of the `try`, a result the `try` binds and the code tests afterwards
    (`if value is None: raise ...`), an optional fast path (`try: return shortcut()`)
    followed by the general computation, a best-effort step while another error is being
    handled (inside an `except` block, or formatting `sys.exc_info()`), or a handler that
    reports the traceback (`logger.exception`, `traceback.print_exc`, `exc_info=True`),
    itself or through a helper function of the module.

    ## Why it matters for AI-written code
    Assistants wrap code in `try/except Exception` to make the snippet "robust"; the
    result hides bugs, outages and bad input behind an empty list that downstream code
    treats as a real answer.

    ## Example
    ```python
    import requests

    def fetch_orders(customer_id):
        try:
            response = requests.get(f"https://api.example.com/orders/{customer_id}", timeout=5)
            response.raise_for_status()
            return response.json()
        except Exception:
            return []
    ```

    ## Use instead
    ```python
    import requests

    def fetch_orders(customer_id):
        response = requests.get(f"https://api.example.com/orders/{customer_id}", timeout=5)
        response.raise_for_status()
        return response.json()


    def parse_timestamp(raw):
        value = None
        try:
            value = int(raw)
        except Exception:
            pass
        if value is None:
            raise ValueError(f"malformed timestamp {raw!r}")
        return value
    ```
    """
    if isinstance(node, ast.With):
        yield from _suppress_exception(node, ctx)
        return
    if not isinstance(node, ast.ExceptHandler):
        return
    broad = is_broad(ctx, node)
    if broad is None or _passes_on(node):
        return
    reported = _logs(node)
    if reported and _at_boundary(ctx, node):
        return
    if skips_item(ctx, node) or best_effort_cleanup(ctx, node) or _under_main_guard(ctx, node):
        return
    fake = _fake_result(node)
    if fake is None or _deliberate_fallback(ctx, node, fake[1]):
        return
    result, value = fake
    falls_through = result == "pass" and not _ends_function(ctx, node)
    if falls_through and (
        _failure_visible_after(ctx, node)
        or _fast_path(ctx, node)
        or _in_error_path(ctx, node)
        or _reports_traceback(ctx, node)
    ):
        return
    if result == "pass" and not falls_through:
        result, value = "return", None  # the function ends here: it returns None
    what = (
        "passes and carries on"
        if falls_through
        else "passes"
        if result == "pass"
        else f"returns {describe(value, ctx)}"
    )
    message = (
        f"`{handler_text(node, broad)}` {what}"
        + (" after logging the error" if reported else "")
        + (
            ": the rest of the function runs as if nothing failed"
            if falls_through
            else ": the caller sees a normal result where there was a failure"
        )
    )
    yield ctx.finding(
        node,
        message,
        evidence={
            "handler": handler_text(node, broad),
            "result": "pass" if result == "pass" else describe(value, ctx),
            "reported": reported,
            "falls_through": falls_through,
            "function": ctx.function_name(node),
        },
        fix="Catch the specific exceptions you expect and let the rest propagate (or "
        "re-raise after logging); if a fallback is intended, return a value the caller can "
        "tell apart from success (raise, or return an explicit error/Result).",
        severity=Severity.WARNING if reported or falls_through else None,
    )


def _ends_function(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """Nothing runs after the ``try`` statement: the function returns what the handler left."""
    statement = ctx.parent(handler)
    function = ctx.enclosing_function(handler)
    return function is not None and bool(function.body) and function.body[-1] is statement


def _fake_result(handler: ast.ExceptHandler) -> tuple[str, ast.expr | None] | None:
    """("pass", None) or ("return", value) when the handler's outcome is made up."""
    meaningful = [
        s
        for s in handler.body
        if not (isinstance(s, ast.Expr) and isinstance(s.value, (ast.Constant, ast.Call)))
        or (isinstance(s.value, ast.Call) and log_call(s.value) is None)
    ]
    if not meaningful:
        return "pass", None
    last = meaningful[-1]
    others = meaningful[:-1]
    # Side-effect calls before the made-up result (rollback, cleanup) do not change it.
    if not all(_assigns_default(s) or _is_call_statement(s) for s in others):
        return None
    if isinstance(last, ast.Pass):
        return "pass", None
    if isinstance(last, ast.Return) and is_default_value(last.value):
        return "return", last.value
    if _assigns_default(last):
        return "pass", None
    return None


def _is_call_statement(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)


def _assigns_default(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Assign):
        return all(isinstance(t, ast.Name) for t in statement.targets) and is_default_value(
            statement.value
        )
    if isinstance(statement, ast.AnnAssign):
        return isinstance(statement.target, ast.Name) and is_default_value(statement.value)
    return False


def _deliberate_fallback(ctx: Context, handler: ast.ExceptHandler, value: ast.expr | None) -> bool:
    """Finalizers and clean-up, predicates answering False/True when the probe fails, and
    functions whose docstring says they swallow errors."""
    function = ctx.enclosing_function(handler)
    if function is None:
        return False
    if function.name in _CLEANUP_FUNCTIONS:
        return True
    if isinstance(value, ast.Constant) and isinstance(value.value, bool) and _predicate(function):
        return True
    functions = [function, *(a for a in ctx.ancestors(function) if isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef)))]  # fmt: skip
    return any(_DELIBERATE_DOC.search(ast.get_docstring(f) or "") for f in functions)


def _predicate(function: FunctionNode) -> bool:
    """``is_x()``/``has_x()``, ``-> bool``, or every return a bool literal: a yes/no probe,
    where "no" is an honest answer to "did it work?"."""
    if function.name.startswith(_PREDICATE_PREFIXES):
        return True
    if isinstance(function.returns, ast.Name) and function.returns.id == "bool":
        return True
    values = [n.value for n in own_nodes(function.body) if isinstance(n, ast.Return)]
    return bool(values) and all(_is_boolean(v) for v in values)


_BOOLEAN_CALLS = frozenset({"isinstance", "issubclass", "hasattr", "callable", "bool"})


def _is_boolean(value: ast.expr | None) -> bool:
    """A bool literal, a comparison, ``not x``, or ``isinstance(...)``-like call: an answer
    to a yes/no question (``return f.read(4) == b"TZif"``)."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, bool)
    if isinstance(value, ast.Compare):
        return True
    if isinstance(value, ast.UnaryOp):
        return isinstance(value.op, ast.Not)
    if isinstance(value, ast.BoolOp):
        return all(_is_boolean(v) for v in value.values)
    return isinstance(value, ast.Call) and call_name(value) in _BOOLEAN_CALLS


def _at_boundary(ctx: Context, node: ast.AST) -> bool:
    function = ctx.enclosing_function(node)
    if function is None:
        return True
    return function.name in _BOUNDARY_FUNCTIONS or function.name.startswith("main")


def _suppress_exception(node: ast.With, ctx: Context) -> Iterator[Finding]:
    if _under_main_guard(ctx, node):
        return
    for item in node.items:
        call = item.context_expr
        if not isinstance(call, ast.Call):
            continue
        if (ctx.qualname(call.func) or dotted_name(call.func)) not in {
            "contextlib.suppress", "suppress"
        }:  # fmt: skip
            continue
        broad = [ctx.segment(a) for a in call.args if (ctx.qualname(a) or dotted_name(a) or "") in BROAD]  # fmt: skip
        if broad:
            yield ctx.finding(
                node,
                f"`suppress({', '.join(broad)})` discards every error raised in this block",
                evidence={"handler": ctx.segment(call), "result": "pass", "reported": False},
                fix="Suppress only the exceptions you expect (suppress(FileNotFoundError)).",
            )


def _under_main_guard(ctx: Context, node: ast.AST) -> bool:
    """Inside ``if __name__ == "__main__":``: a script's own top level, not library code
    whose callers could be misled."""
    for ancestor in ctx.ancestors(node):
        test = ancestor.test if isinstance(ancestor, ast.If) else None
        if (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and test.left.id == "__name__"
            and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
        ):
            return True
    return False


def _bound_names(statements: list[ast.stmt]) -> set[str]:
    return {
        n.id
        for n in own_nodes(statements)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _failure_visible_after(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """The code after the handler can tell failure from success: a ``try/except/else``
    whose ``else`` holds the success path; a flag set to ``True``/``False`` at the end of the
    ``try`` under ``except Exception`` (a capability probe: ``has_ipv6 = True``, the
    failure is the answer); or a result name the ``try`` binds, which the handler leaves
    unset or ``None``, and which a later ``if`` checks, raising or reporting when it is
    missing (``if ts is None: raise ...``)."""
    statement = ctx.parent(handler)
    if not isinstance(statement, ast.Try):
        return False
    if statement.orelse:
        return True
    flags = {
        t.id
        for s in statement.body
        if isinstance(s, ast.Assign)
        and isinstance(s.value, ast.Constant)
        and isinstance(s.value.value, bool)
        for t in s.targets
        if isinstance(t, ast.Name)
    }
    # Catching BaseException (or everything) also turns Ctrl-C and sys.exit into "no": not
    # a probe any more.
    if flags and is_broad(ctx, handler) == "Exception":
        return True
    handler_values = {
        t.id: s.value
        for s in handler.body
        if isinstance(s, ast.Assign)
        for t in s.targets
        if isinstance(t, ast.Name)
    }
    results = {
        name
        for name in _bound_names(statement.body)
        if name not in handler_values or _is_none(handler_values[name])
    }
    if not results:
        return False
    function = ctx.enclosing_function(handler)
    scope: list[ast.stmt] = function.body if function is not None else ctx.tree.body
    end = getattr(statement, "end_lineno", None) or statement.lineno
    return any(
        isinstance(n, ast.If) and n.lineno > end and _acts_on_missing(n, results)
        for n in own_nodes(scope)
    )


def _fast_path(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """``try: return tz.is_ambiguous(dt) except Exception: pass`` followed by the general
    computation: the ``try`` is an optional shortcut, and a failure only means the function
    computes the answer the long way (a later ``return`` of a computed value)."""
    statement = ctx.parent(handler)
    function = ctx.enclosing_function(handler)
    if not isinstance(statement, ast.Try) or function is None or not statement.body:
        return False
    last = statement.body[-1]
    if not isinstance(last, ast.Return) or is_default_value(last.value):
        return False
    end = getattr(statement, "end_lineno", None) or statement.lineno
    return any(
        isinstance(n, ast.Return) and n.lineno > end and not is_default_value(n.value)
        for n in own_nodes(function.body)
    )


def _is_none(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


def _acts_on_missing(branch: ast.If, names: set[str]) -> bool:
    """``if value is None: raise ...`` (or ``if not value:``, or the ``else`` of
    ``if value is not None:``): the branch taken when the ``try`` left no result raises,
    reports, or returns a computed value, so the failure does not pass for a result."""
    test = branch.test
    missing: list[ast.stmt] | None = None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        if isinstance(test.operand, ast.Name) and test.operand.id in names:
            missing = branch.body
    elif isinstance(test, ast.Name) and test.id in names:
        missing = branch.orelse
    elif (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id in names
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Is, ast.IsNot))
        and _is_none(test.comparators[0])
    ):
        missing = branch.body if isinstance(test.ops[0], ast.Is) else branch.orelse
    if not missing:
        return False
    return any(
        isinstance(n, ast.Raise)
        or (isinstance(n, ast.Call) and (log_call(n) is not None or _is_report_call(n)))
        or (isinstance(n, ast.Return) and not is_default_value(n.value))
        for n in own_nodes(missing)
    )


_EXC_INFO_CALLS = (
    "exc_info",
    "exception",
    "format_exc",
    "format_exception",
    "format_exception_only",
)


def _in_error_path(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """The ``try`` is a best-effort step while another error is being handled: it sits in an
    ``except`` block, or it formats the error being handled (``sys.exc_info()``), where
    raising would replace the original error with a lesser one."""
    statement = ctx.parent(handler)
    for ancestor in ctx.ancestors(handler):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            break
        if isinstance(ancestor, ast.ExceptHandler) and ancestor is not handler:
            return True
    if not isinstance(statement, ast.Try):
        return False
    return any(
        isinstance(n, ast.Call) and call_name(n).rsplit(".", 1)[-1] in _EXC_INFO_CALLS
        for n in own_nodes(statement.body)
    )


def _reports_traceback(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """The handler reports the error in full, with its traceback (``traceback.print_exc()``,
    ``logger.exception(...)``, ``log.error(..., exc_info=True)``), directly or through a
    helper function of this module whose body does so (``_warn_unhandled_exception()``). A
    one-line message without the traceback does not count."""
    helpers = {
        f.name: f
        for f in ast.walk(ctx.tree)
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    for node in own_nodes(handler.body):
        if not isinstance(node, ast.Call):
            continue
        if _carries_traceback(node):
            return True
        helper = helpers.get(call_name(node).rsplit(".", 1)[-1])
        if helper is not None and any(
            isinstance(n, ast.Call) and _carries_traceback(n) for n in own_nodes(helper.body)
        ):
            return True
    return False


_TRACEBACK_CALLS = ("print_exc", "print_exception", "format_exc", "format_exception")


def _carries_traceback(call: ast.Call) -> bool:
    if call_name(call).endswith(_TRACEBACK_CALLS):
        return True
    if isinstance(call.func, ast.Attribute) and call.func.attr == "exception":
        return True
    return any(
        k.arg == "exc_info" and not (isinstance(k.value, ast.Constant) and not k.value.value)
        for k in call.keywords
    )
