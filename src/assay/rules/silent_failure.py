"""Silent failures: code that reports success when it did not succeed.

A broad ``except`` that returns ``[]``, a loop that drops the items it could not process, a
stub left inside finished code, a function that returns sample data whatever it is given,
``row[3]`` where a column name was available, ``assert`` standing in for validation, and
validation that was present in the previous version and is gone now (``--base REV``).
Each finding says what the caller will see instead of the error.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import weakref
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from assay.model import Family, Finding, Severity
from assay.rules._context import Context, qualified_name
from assay.rules._registry import rule
from assay.rules._support.naming import is_test_path, words

__all__: list[str] = []

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "fatal"}
)
_CLEANUP_WORDS = (
    "close", "remove", "unlink", "rmtree", "rmdir", "kill", "terminate", "cancel", "shutdown",
    "cleanup", "clean_up", "release", "disconnect", "stop", "join", "wait", "flush", "delete",
)  # fmt: skip
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


# -- shared helpers ----------------------------------------------------------------------


def _is_broad(ctx: Context, handler: ast.ExceptHandler) -> str | None:
    """``"bare except"``, ``"Exception"`` or ``"BaseException"`` when the handler is broad."""
    if handler.type is None:
        return "bare except"
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for kind in kinds:
        name = ctx.qualname(kind) or qualified_name(kind) or ""
        if name in _BROAD:
            return name.rsplit(".", 1)[-1]
    return None


def _own_nodes(statements: list[ast.stmt]) -> Iterator[ast.AST]:
    """Nodes of `statements`, not descending into nested functions, lambdas or classes."""
    stack: list[ast.AST] = list(statements)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _call_name(call: ast.Call) -> str:
    return qualified_name(call.func) or (
        call.func.attr if isinstance(call.func, ast.Attribute) else ""
    )


def _is_log_call(call: ast.Call) -> bool:
    if isinstance(call.func, ast.Name) and call.func.id == "print":
        return True
    if isinstance(call.func, ast.Attribute) and call.func.attr in _LOG_METHODS:
        return "log" in (qualified_name(call.func.value) or "").lower()
    return False


def _passes_on(handler: ast.ExceptHandler) -> bool:
    """The handler hands the error to someone: re-raises, exits, or uses the exception
    object other than in a log line (``errors.append(e)``, ``return {"error": str(e)}``)."""
    inside_logs: set[int] = set()
    for node in _own_nodes(handler.body):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call):
            if _call_name(node) in {"sys.exit", "os._exit", "exit", "abort", "flask.abort"}:
                return True
            if _is_log_call(node) or _is_report_call(node):
                inside_logs.update(id(n) for n in ast.walk(node))
    return any(
        isinstance(node, ast.Name) and node.id == handler.name and id(node) not in inside_logs
        for node in _own_nodes(handler.body)
    )


def _is_report_call(call: ast.Call) -> bool:
    name = _call_name(call)
    return name.endswith(("print_exc", "format_exc", "print_exception", "warnings.warn")) or (
        isinstance(call.func, ast.Attribute) and call.func.attr == "exception"
    )


def _logs(handler: ast.ExceptHandler) -> bool:
    """The handler writes something about the failure (a log line, print, traceback)."""
    return any(
        isinstance(n, ast.Call) and (_is_log_call(n) or _is_report_call(n))
        for n in _own_nodes(handler.body)
    )


def _is_default_value(expr: ast.AST | None) -> bool:
    """None, a literal, an empty or literal container, ``list()``/``dict()``...: data that
    looks like a result but was made up by the handler."""
    if expr is None:
        return True
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return all(_is_default_value(e) for e in expr.elts)
    if isinstance(expr, ast.Dict):
        return all(v is not None and _is_default_value(v) for v in expr.values)
    if isinstance(expr, ast.Call) and not expr.args and not expr.keywords:
        return _call_name(expr) in {"list", "dict", "set", "tuple", "str", "frozenset"}
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.operand, ast.Constant):
        return True
    return False


def _describe(expr: ast.AST | None, ctx: Context) -> str:
    return "None" if expr is None else ctx.segment(expr)


def _enclosing_loop(ctx: Context, node: ast.AST) -> ast.For | ast.AsyncFor | ast.While | None:
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.For, ast.AsyncFor, ast.While)):
            return ancestor
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return None
    return None


def _skips_item(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """The handler only moves on to the next loop iteration (``continue``, or ``pass`` as
    the last statement of the loop body)."""
    body = handler.body
    if len(body) != 1:
        return False
    if isinstance(body[0], ast.Continue):
        return _enclosing_loop(ctx, handler) is not None
    if not isinstance(body[0], ast.Pass):
        return False
    loop = _enclosing_loop(ctx, handler)
    if loop is None:
        return False
    statement = ctx.parent(handler)
    return statement is not None and bool(loop.body) and loop.body[-1] is statement


def _best_effort_cleanup(ctx: Context, handler: ast.ExceptHandler) -> bool:
    """``try: os.remove(tmp) except Exception: pass``: the try only cleans up."""
    statement = ctx.parent(handler)
    if not isinstance(statement, ast.Try) or len(statement.body) != 1:
        return False
    only = statement.body[0]
    if not isinstance(only, ast.Expr) or not isinstance(only.value, ast.Call):
        return False
    name = _call_name(only.value).rsplit(".", 1)[-1].lower()
    return any(word in name for word in _CLEANUP_WORDS)


def _function_name(ctx: Context, node: ast.AST) -> str | None:
    function = ctx.enclosing_function(node)
    return function.name if function is not None else None


# -- AS401 broad except with a made-up result --------------------------------------------


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
    clean-up call); predicates answering `False` (`is_...()`, `-> bool`); functions whose
    docstring says they swallow errors; and narrow handlers (`except KeyError: return None`).

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
    ```
    """
    if isinstance(node, ast.With):
        yield from _suppress_exception(node, ctx)
        return
    if not isinstance(node, ast.ExceptHandler):
        return
    broad = _is_broad(ctx, node)
    if broad is None or _passes_on(node):
        return
    reported = _logs(node)
    if reported and _at_boundary(ctx, node):
        return
    if _skips_item(ctx, node) or _best_effort_cleanup(ctx, node):
        return
    fake = _fake_result(node)
    if fake is None or _deliberate_fallback(ctx, node, fake[1]):
        return
    result, value = fake
    falls_through = result == "pass" and not _ends_function(ctx, node)
    if result == "pass" and not falls_through:
        result, value = "return", None  # the function ends here: it returns None
    what = (
        "passes and carries on"
        if falls_through
        else "passes"
        if result == "pass"
        else f"returns {_describe(value, ctx)}"
    )
    message = (
        f"`{_handler_text(node, broad)}` {what}"
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
            "handler": _handler_text(node, broad),
            "result": "pass" if result == "pass" else _describe(value, ctx),
            "reported": reported,
            "falls_through": falls_through,
            "function": _function_name(ctx, node),
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


def _handler_text(handler: ast.ExceptHandler, broad: str) -> str:
    return "except:" if broad == "bare except" else f"except {broad}:"


def _fake_result(handler: ast.ExceptHandler) -> tuple[str, ast.expr | None] | None:
    """("pass", None) or ("return", value) when the handler's outcome is made up."""
    meaningful = [
        s
        for s in handler.body
        if not (isinstance(s, ast.Expr) and isinstance(s.value, (ast.Constant, ast.Call)))
        or (isinstance(s.value, ast.Call) and not _is_log_call(s.value))
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
    if isinstance(last, ast.Return) and _is_default_value(last.value):
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
        return all(isinstance(t, ast.Name) for t in statement.targets) and _is_default_value(
            statement.value
        )
    if isinstance(statement, ast.AnnAssign):
        return isinstance(statement.target, ast.Name) and _is_default_value(statement.value)
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
    values = [n.value for n in _own_nodes(function.body) if isinstance(n, ast.Return)]
    return bool(values) and all(
        isinstance(v, ast.Constant) and isinstance(v.value, bool) for v in values
    )


def _at_boundary(ctx: Context, node: ast.AST) -> bool:
    function = ctx.enclosing_function(node)
    if function is None:
        return True
    return function.name in _BOUNDARY_FUNCTIONS or function.name.startswith("main")


def _suppress_exception(node: ast.With, ctx: Context) -> Iterator[Finding]:
    for item in node.items:
        call = item.context_expr
        if not isinstance(call, ast.Call):
            continue
        if (ctx.qualname(call.func) or qualified_name(call.func)) not in {
            "contextlib.suppress", "suppress"
        }:  # fmt: skip
            continue
        broad = [ctx.segment(a) for a in call.args if (ctx.qualname(a) or qualified_name(a) or "") in _BROAD]  # fmt: skip
        if broad:
            yield ctx.finding(
                node,
                f"`suppress({', '.join(broad)})` discards every error raised in this block",
                evidence={"handler": ctx.segment(call), "result": "pass", "reported": False},
                fix="Suppress only the exceptions you expect (suppress(FileNotFoundError)).",
            )


# -- AS402 errors swallowed in loops -----------------------------------------------------


@rule(
    id="AS402", name="error-swallowed-in-loop", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, nodes=(ast.ExceptHandler,),
)  # fmt: skip
def error_swallowed_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A loop drops the items that fail, without a trace (`except Exception: continue`).

    ## What it finds
    A broad handler (`except:`, `except Exception:`, `except BaseException:`) inside a loop
    whose whole body is `continue` (or `pass` as the last statement of the loop body), so a
    failing item silently disappears from the output. Handlers that log, count, record or
    re-raise, and narrow handlers (`except ValueError: continue` for lines that are
    expected not to parse) stay silent.

    ## Why it matters for AI-written code
    "Skip bad records" is a frequent instruction and `except Exception: continue` its
    frequent answer: a bug that breaks every record then produces an empty, successful run.

    ## Example
    ```python
    def load_prices(rows):
        prices = []
        for row in rows:
            try:
                prices.append(float(row["price"]))
            except Exception:
                continue
        return prices
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)

    def load_prices(rows):
        prices = []
        for number, row in enumerate(rows):
            try:
                prices.append(float(row["price"]))
            except (KeyError, ValueError) as error:
                logger.warning("row %d skipped: %s", number, error)
        return prices
    ```
    """
    if not isinstance(node, ast.ExceptHandler):
        return
    broad = _is_broad(ctx, node)
    if broad is None or not _skips_item(ctx, node):
        return
    loop = _enclosing_loop(ctx, node)
    action = "continue" if isinstance(node.body[0], ast.Continue) else "pass"
    yield ctx.finding(
        node,
        f"`{_handler_text(node, broad)} {action}` inside a loop drops every failing item "
        "without a trace",
        evidence={
            "handler": f"{_handler_text(node, broad)} {action}",
            "loop_line": getattr(loop, "lineno", None),
            "function": _function_name(ctx, node),
        },
        fix="Catch the exceptions you expect, and log or count what was skipped (or collect "
        "the failures and report them after the loop).",
    )


# -- AS403 stubs in finished code --------------------------------------------------------

_TODO = re.compile(r"#.*\b(TODO|FIXME|XXX|HACK|implement|placeholder|stub)\b", re.IGNORECASE)
_HOOK_DOC = re.compile(
    r"\b(override|overridden|subclass|hook|no-op|noop|does nothing|intentionally|interface|"
    r"abstract|to be implemented by)\b",
    re.IGNORECASE,
)
_EXEMPT_DECORATORS = frozenset(
    {"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod",
     "overload", "override"}
)  # fmt: skip
_INTERFACE_BASES = frozenset({"Protocol", "ABC", "ABCMeta", "Generic", "TypedDict"})
#: Methods of file-like and resource protocols that are legitimately empty on objects
#: that hold nothing (a null file, an in-memory stream).
_PROTOCOL_NO_OPS = frozenset(
    {"close", "aclose", "flush", "seek", "writelines", "fileno", "isatty", "truncate",
     "setup", "teardown", "reset", "connect", "disconnect"}
)  # fmt: skip
_NOOP_NAMES = ("noop", "no_op", "dummy", "nothing", "null", "ignore", "pass", "identity")


@cache
def _comment_lines(source: str) -> dict[int, str]:
    comments: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # The file parsed with ast; a tokenizer disagreement only loses TODO comments.
        return comments
    return comments


def _body_without_docstring(function: FunctionNode) -> list[ast.stmt]:
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            body = body[1:]
    return body


def _has_todo(ctx: Context, function: FunctionNode) -> bool:
    comments = _comment_lines(ctx.source)
    end = function.end_lineno or function.lineno
    return any(_TODO.search(comments[n]) for n in range(function.lineno, end + 1) if n in comments)


def _stub_kind(ctx: Context, function: FunctionNode) -> str | None:
    body = _body_without_docstring(function)
    if len(body) != 1:
        return None
    only = body[0]
    if isinstance(only, ast.Pass):
        return "pass"
    if isinstance(only, ast.Expr) and isinstance(only.value, ast.Constant):
        if only.value.value is Ellipsis:
            return "..."
    if isinstance(only, ast.Raise) and only.exc is not None:
        raised = only.exc.func if isinstance(only.exc, ast.Call) else only.exc
        if qualified_name(raised) in {"NotImplementedError", "builtins.NotImplementedError"}:
            return "raise NotImplementedError"
    if isinstance(only, ast.Return) and _is_default_value(only.value) and _has_todo(ctx, function):
        return f"return {_describe(only.value, ctx)} with a TODO"
    if isinstance(only, ast.Return) and _is_none(only.value) and _promises_a_value(function):
        return "return None, though annotated to return a value"
    return None


def _is_none(expr: ast.expr | None) -> bool:
    return expr is None or (isinstance(expr, ast.Constant) and expr.value is None)


def _promises_a_value(function: FunctionNode) -> bool:
    """Annotated with a return type other than None, with parameters it never reads."""
    returns = function.returns
    if returns is None or (isinstance(returns, ast.Constant) and returns.value is None):
        return False
    if isinstance(returns, ast.Name) and returns.id in {"None", "NoReturn", "Never"}:
        return False
    parameters = set(_parameters(function))
    return bool(parameters) and not parameters & _nested_names(function)


def _decorator_names(function: FunctionNode) -> set[str]:
    names: set[str] = set()
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        dotted = qualified_name(target) or ""
        names.add(dotted.rsplit(".", 1)[-1])
    return names


_INTERFACE_WORDS = frozenset({"base", "abstract", "interface", "mixin", "protocol", "abc"})


def _is_interface_class(ctx: Context, cls: ast.ClassDef) -> bool:
    for base in [*cls.bases, *(k.value for k in cls.keywords)]:
        name = qualified_name(base.value if isinstance(base, ast.Subscript) else base) or ""
        if name.rsplit(".", 1)[-1] in _INTERFACE_BASES:
            return True
    if set(words(cls.name)) & _INTERFACE_WORDS:
        return True
    if _is_subclassed(ctx, cls.name):
        return True
    methods = [s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    kinds = [_stub_kind(ctx, m) for m in methods if m.name != "__init__"]
    # A class that leaves any method to NotImplementedError is meant to be subclassed.
    return bool(kinds) and (None not in kinds or any(_raises_not_implemented(m) for m in methods))


def _raises_not_implemented(function: FunctionNode) -> bool:
    for statement in function.body:
        if isinstance(statement, ast.Raise) and statement.exc is not None:
            raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
            if qualified_name(raised) in {"NotImplementedError", "builtins.NotImplementedError"}:
                return True
    return False


def _is_subclassed(ctx: Context, name: str) -> bool:
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if (qualified_name(base) or "").rsplit(".", 1)[-1] == name:
                    return True
    return False


def _finished_elsewhere(ctx: Context, function: FunctionNode) -> bool:
    """Some other function in the file has a real body: the file is not a sketch."""
    for node in ast.walk(ctx.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is not function:
            if _stub_kind(ctx, node) is None and len(_body_without_docstring(node)) >= 1:
                return True
    return False


def _deliberate(ctx: Context, function: FunctionNode) -> bool:
    if _decorator_names(function) & _EXEMPT_DECORATORS:
        return True
    if any(word in function.name.lower() for word in _NOOP_NAMES):
        return True
    if function.name.startswith("__") and function.name.endswith("__"):
        return True
    if ctx.enclosing_function(function) is not None:
        return True  # a nested function is a callback whose no-op body is the point
    parent = ctx.parent(function)
    if isinstance(parent, ast.ClassDef) and function.name in _PROTOCOL_NO_OPS:
        return True
    docstring = ast.get_docstring(function) or ""
    if _HOOK_DOC.search(docstring):
        return True
    if isinstance(parent, ast.ClassDef) and (
        _stub_kind(ctx, function) == "raise NotImplementedError" or _is_interface_class(ctx, parent)
    ):
        return True
    # Defined under an `if` (TYPE_CHECKING, a platform or version switch): one alternative
    # of several, where the empty one is the point.
    return any(isinstance(a, ast.If) for a in ctx.ancestors(function))


@rule(
    id="AS403", name="stub-in-finished-code", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, nodes=(ast.FunctionDef, ast.AsyncFunctionDef),
)  # fmt: skip
def stub_in_finished_code(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A function body is still a stub (`pass`, `...`, `NotImplementedError`, TODO return).

    ## What it finds
    Functions whose whole body (after the docstring) is `pass`, `...`,
    `raise NotImplementedError`, or a literal `return` next to a TODO/FIXME comment — in a
    file where other functions are implemented. Not reported: abstract methods, `@overload`,
    Protocol/ABC classes and classes that are subclassed in the file or named like a base
    (`BaseHandler`, `StorageInterface`), classes whose methods are all stubs (an interface),
    dunder methods, nested functions (callbacks), protocol no-ops on classes (`close`,
    `flush`, `seek`...), methods raising `NotImplementedError` (the abstract-method idiom),
    functions documented as hooks or no-ops, functions defined under an `if` (platform or
    version alternatives, `TYPE_CHECKING`), and test files.

    ## Why it matters for AI-written code
    Long answers often implement the interesting parts and leave "the rest as an exercise":
    `def refund(order): pass` imports, type-checks and "works" until the day it is called.

    ## Example
    ```python
    def charge(order, card):
        amount = sum(line.price * line.quantity for line in order.lines)
        return card.charge(amount)


    def refund(order):
        pass
    ```

    ## Use instead
    ```python
    def charge(order, card):
        amount = sum(line.price * line.quantity for line in order.lines)
        return card.charge(amount)


    def refund(order, card):
        return card.refund(order.charge_id)
    ```
    """
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return
    if is_test_path(ctx.path) or ctx.path.endswith(".pyi"):
        return
    kind = _stub_kind(ctx, node)
    if kind is None or _deliberate(ctx, node) or not _finished_elsewhere(ctx, node):
        return
    yield ctx.finding(
        node,
        f"{node.name}() is a stub ({kind}) in otherwise finished code",
        evidence={"function": node.name, "body": kind},
        fix="Implement the function, or raise NotImplementedError with a message and make "
        "sure no caller can reach it (mark interfaces with abc.abstractmethod / Protocol).",
    )


# -- AS404 hard-coded results ------------------------------------------------------------


def _parameters(function: FunctionNode) -> list[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return [a.arg for a in every if a.arg not in {"self", "cls"} and not a.arg.startswith("_")]


def _returns(function: FunctionNode) -> list[ast.Return]:
    return [n for n in _own_nodes(function.body) if isinstance(n, ast.Return)]


def _literal_data(expr: ast.AST | None) -> bool:
    """A literal that looks like real data: numbers, text, non-empty containers of them."""
    if expr is None:
        return False
    if isinstance(expr, ast.Constant):
        return expr.value is not None and expr.value is not Ellipsis
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return bool(expr.elts) and all(_literal_data(e) or _is_default_value(e) for e in expr.elts)
    if isinstance(expr, ast.Dict):
        return bool(expr.values) and all(
            v is not None and (_literal_data(v) or _is_default_value(v)) for v in expr.values
        )
    if isinstance(expr, ast.UnaryOp):
        return isinstance(expr.operand, ast.Constant)
    if isinstance(expr, ast.Call) and (expr.args or expr.keywords):
        # Decimal("1.08"), datetime(2024, 1, 1), Forecast("London", 18.5): a value object
        # built from literals only is literal data too.
        name = (qualified_name(expr.func) or "").rsplit(".", 1)[-1]
        arguments = [*expr.args, *(k.value for k in expr.keywords)]
        return (name[:1].isupper() or name in _VALUE_FUNCTIONS) and all(
            _literal_data(a) or _is_default_value(a) for a in arguments
        )
    return False


_VALUE_FUNCTIONS = frozenset(
    {"float", "int", "str", "complex", "datetime", "date", "time", "timedelta", "dict",
     "list", "tuple", "set", "frozenset", "bytes"}
)  # fmt: skip


def all_returns_literal(function: FunctionNode) -> bool:
    """At least one return, and every return of the function's own body is literal data."""
    seen = False
    for node in _own_nodes(function.body):
        if isinstance(node, ast.Return):
            if not _literal_data(node.value):
                return False
            seen = True
    return seen


def hardcoded_candidates(tree: ast.Module) -> Iterator[tuple[FunctionNode, list[str]]]:
    """Functions whose every return is literal data while no parameter is read.

    Used by AS404 and by its sandboxed confirmation.
    """
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        parameters = _parameters(node)
        if not parameters or not all_returns_literal(node) or _only_flags(node):
            continue
        if _decorator_names(node) & _EXEMPT_DECORATORS:
            continue
        used = {n.id for n in _own_nodes(node.body) if isinstance(n, ast.Name)} | _nested_names(
            node
        )
        if used & set(parameters):
            continue
        yield node, parameters


def _only_flags(function: FunctionNode) -> bool:
    """Every return is True or False: a hook or default policy (``is_allowed() -> True``)."""
    return all(
        isinstance(n.value, ast.Constant) and isinstance(n.value.value, bool)
        for n in _own_nodes(function.body)
        if isinstance(n, ast.Return)
    )


def _dispatch_method(parent: ast.AST | None, function: FunctionNode) -> bool:
    """A method whose parameter list it shares with sibling methods (a visitor's
    ``date_schema(self, schema)`` / ``time_schema(self, schema)``): the signature is fixed by
    the dispatcher, so an unread parameter says nothing."""
    if not isinstance(parent, ast.ClassDef):
        return False
    mine = [a.arg for a in function.args.args]
    siblings = [
        s
        for s in parent.body
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s is not function
    ]
    return sum([a.arg for a in s.args.args] == mine for s in siblings) >= 2


def _nested_names(function: FunctionNode) -> set[str]:
    return {
        n.id
        for n in ast.walk(function)
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)
    }


@rule(
    id="AS404", name="hardcoded-result", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, kind="module",
)  # fmt: skip
def hardcoded_result(ctx: Context) -> Iterator[Finding]:
    """A function ignores its inputs and returns hard-coded data.

    ## What it finds
    Functions with parameters that never read any of them, and whose every `return` is
    literal data (`return {"temp": 21.5, "condition": "sunny"}`, `return [1, 2, 3]`,
    `return 42`): the output is the same whatever the caller passes. Not reported: functions
    that only return True/False (hooks and default policies), methods of classes that
    implement an interface (any base class) or that share their parameter list with sibling
    methods (visitor dispatch), abstract/overloaded functions, and test files. With dynamic checks on, assay calls the function in the
    sandbox with varied inputs and attaches the observed outputs as evidence.

    ## Why it matters for AI-written code
    When an assistant cannot do the real work (no API access, unknown schema), it often
    returns sample data "for demonstration" in exactly the expected format — and the code
    passes a glance and a smoke test.

    ## Example
    ```python
    def get_weather(city):
        # In a real application this would call a weather API.
        return {"city": "London", "temperature": 18.5, "condition": "cloudy"}
    ```

    ## Use instead
    ```python
    import requests

    def get_weather(city):
        response = requests.get("https://api.example.com/weather", params={"q": city}, timeout=5)
        response.raise_for_status()
        return response.json()
    ```
    """
    if is_test_path(ctx.path):
        return
    for function, parameters in hardcoded_candidates(ctx.tree):
        parent = ctx.parent(function)
        if isinstance(parent, ast.ClassDef) and (parent.bases or parent.keywords):
            continue
        if _dispatch_method(parent, function):
            continue
        if _stub_kind(ctx, function) is not None:
            continue  # a placeholder marked TODO is AS403's
        returned = [ctx.segment(r.value) for r in _returns(function) if r.value is not None]
        yield ctx.finding(
            function,
            f"{function.name}() never reads {', '.join(parameters)} and returns hard-coded "
            f"data ({_shorten(returned[0])})",
            evidence={"function": function.name, "unused": parameters, "returns": returned},
            fix="Compute the result from the inputs (or fetch it); if this is sample data, "
            "raise NotImplementedError instead so no caller mistakes it for a real answer.",
        )


@rule(
    id="AS408", name="same-literal-for-any-input", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, kind="dynamic",
)  # fmt: skip
def constant_output(
    path: str, function: FunctionNode, evidence: dict[str, Any]
) -> Iterator[Finding]:
    """A function reads its inputs but returns the same literal for every input tried.

    ## What it finds
    Top-level functions whose every `return` is literal data (numbers, text, containers,
    value objects such as `Decimal("9.99")`) and which do use their parameters — so AS404
    stays silent — but which returned one and the same value when assay called them in the
    sandbox with at least three different inputs (from type hints and examples, else a spread
    of plain values). The calls and the output are the evidence. Functions returning only
    bools or None, and functions that read files, the network, the clock or a random
    generator, are not called. The same probe confirms AS404 findings
    (`evidence["dynamic"]`). Where the behaviour probe already reported the function as
    AS606 (constant output against its examples or return hint), AS408 is not repeated.

    ## Why it matters for AI-written code
    The input is checked, logged or parsed — so the function looks busy — and then a sample
    answer is returned. A unit test with that sample passes.

    ## Example
    ```python
    def unit_price(sku: str) -> float:
        if not sku:
            raise ValueError("sku is required")
        return 9.99
    ```

    ## Use instead
    ```python
    PRICES = {"A-1": 9.99, "B-2": 14.5}


    def unit_price(sku: str) -> float:
        if not sku:
            raise ValueError("sku is required")
        return PRICES[sku]
    ```
    """
    # Dynamic: `assay.behaviour.stages.constant_output` runs the function and calls this with what it saw.
    yield Finding(
        rule="AS408",
        family=Family.SILENT_FAILURE,
        severity=Severity.WARNING,
        path=path,
        line=function.lineno,
        col=function.col_offset,
        message=(
            f"{function.name}() returned {evidence['output']} for all "
            f"{len(evidence['calls'])} different inputs tried"
        ),
        evidence={"function": function.name, **evidence},
        fix="Compute the result from the inputs; if this is sample data, raise "
        "NotImplementedError instead so no caller mistakes it for a real answer.",
        function=function.name,
    )


def _shorten(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


# -- AS405 positional column access ------------------------------------------------------

_FRAME_READERS = frozenset(
    {"pandas.read_csv", "pandas.read_excel", "pandas.read_sql", "pandas.read_sql_query",
     "pandas.read_sql_table", "pandas.read_parquet", "pandas.read_json", "pandas.DataFrame",
     "pandas.read_table", "pandas.read_feather"}
)  # fmt: skip
_ROW_SOURCES = frozenset({"fetchone", "fetchall", "fetchmany", "execute"})
_SELECT_STAR = re.compile(r"\bselect\s+(\w+\.)?\*", re.IGNORECASE)
_SELECT = re.compile(r"\bselect\b", re.IGNORECASE)


def _int_index(expr: ast.AST) -> int | None:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, int):
        if not isinstance(expr.value, bool):
            return expr.value
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        inner = _int_index(expr.operand)
        return -inner if inner is not None else None
    return None


_Bindings = dict[str, list[tuple[ast.AST, bool]]]
_BINDINGS: weakref.WeakKeyDictionary[ast.AST, _Bindings] = weakref.WeakKeyDictionary()


def _scope_statements(ctx: Context, node: ast.AST) -> list[ast.AST]:
    function = ctx.enclosing_function(node)
    return list(ast.walk(function if function is not None else ctx.tree))


def _bindings(scope: ast.AST) -> _Bindings:
    """name -> (value, is_loop_element) for every binding in `scope` (cached per scope)."""
    cached = _BINDINGS.get(scope)
    if cached is not None:
        return cached
    found: _Bindings = {}
    for item in ast.walk(scope):
        if isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append((item.value, False))
        elif isinstance(item, (ast.For, ast.AsyncFor, ast.comprehension)):
            for element in ast.walk(item.target):
                if isinstance(element, ast.Name):
                    found.setdefault(element.id, []).append((item.iter, True))
        elif isinstance(item, (ast.With, ast.AsyncWith)):
            for with_item in item.items:
                var = with_item.optional_vars
                if isinstance(var, ast.Name):
                    found.setdefault(var.id, []).append((with_item.context_expr, False))
    _BINDINGS[scope] = found
    return found


def _assigned(ctx: Context, name: str, node: ast.AST) -> list[tuple[ast.AST, bool]]:
    """(value, is_loop_element) for every binding of `name` in the scope of `node`."""
    function = ctx.enclosing_function(node)
    return _bindings(function if function is not None else ctx.tree).get(name, [])


def _frame_origin(ctx: Context, expr: ast.AST, depth: int = 4) -> ast.Call | None:
    """The pandas reader call a DataFrame expression comes from (through locals/methods)."""
    current = expr
    for _ in range(depth):
        if isinstance(current, ast.Call):
            name = ctx.qualname(current.func) or ""
            if name in _FRAME_READERS:
                return current
            if isinstance(current.func, ast.Attribute):
                current = current.func.value
                continue
            return None
        if isinstance(current, ast.Name):
            values = [v for v, element in _assigned(ctx, current.id, current) if not element]
            if not values:
                return None
            current = values[-1]
            continue
        if isinstance(current, ast.Subscript):
            current = current.value
            continue
        return None
    return None


def _iloc_column(ctx: Context, node: ast.Subscript) -> dict[str, object] | None:
    target = node.value
    if not (isinstance(target, ast.Attribute) and target.attr in {"iloc", "iat"}):
        return None
    if not isinstance(node.slice, ast.Tuple) or len(node.slice.elts) != 2:
        return None
    column = node.slice.elts[1]
    columns = column.elts if isinstance(column, (ast.List, ast.Tuple)) else [column]
    indexes = [_int_index(c) for c in columns]
    if not indexes or any(i is None for i in indexes):
        return None
    origin = _frame_origin(ctx, target.value)
    if origin is None:
        return None
    header = next((k.value for k in origin.keywords if k.arg == "header"), None)
    if header is not None and isinstance(header, ast.Constant) and header.value is None:
        return None
    return {
        "kind": "dataframe",
        "access": ctx.segment(node),
        "source": ctx.segment(origin),
        "columns": indexes,
    }


def _query_of(ctx: Context, row_value: ast.AST) -> str | None:
    """The SQL literal executed on the cursor that produced `row_value`, if visible."""
    receiver: ast.AST | None = None
    if isinstance(row_value, ast.Call) and isinstance(row_value.func, ast.Attribute):
        if row_value.func.attr == "execute" and row_value.args:
            first = row_value.args[0]
            return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None  # fmt: skip
        receiver = row_value.func.value
    elif isinstance(row_value, ast.Name):
        receiver = row_value
    if receiver is None:
        return None
    name = qualified_name(receiver)
    for item in _scope_statements(ctx, row_value):
        if (
            isinstance(item, ast.Call)
            and isinstance(item.func, ast.Attribute)
            and item.func.attr == "execute"
            and item.args
            and qualified_name(item.func.value) == name
        ):
            first = item.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
            if isinstance(first, ast.JoinedStr):
                return "".join(
                    v.value for v in first.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
                )  # fmt: skip
    return None


def _row_source(ctx: Context, value: ast.AST) -> ast.AST | None:
    """The cursor call (or cursor name) rows in `value` come from, following one local."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        return value if value.func.attr in _ROW_SOURCES else None
    if isinstance(value, ast.Name):
        lowered = value.id.lower()
        if "cursor" in lowered or lowered == "cur":
            return value
        for assigned, element in _assigned(ctx, value.id, value):
            if not element and isinstance(assigned, ast.Call) and _row_source(ctx, assigned):
                return assigned
    return None


def _row_column(ctx: Context, node: ast.Subscript, index: int) -> dict[str, object] | None:
    if not isinstance(node.value, ast.Name):
        return None
    bindings = _assigned(ctx, node.value.id, node)
    for bound, element in bindings:
        value = _row_source(ctx, bound)
        if value is None:
            continue
        call = value if isinstance(value, ast.Call) else None
        single_row = call is not None and isinstance(call.func, ast.Attribute) and call.func.attr == "fetchone"  # fmt: skip
        if not (element or single_row):
            continue
        query = _query_of(ctx, value)
        if query is not None and _SELECT.search(query) and not _SELECT_STAR.search(query):
            return None
        if query is None and index < 1:
            return None
        return {
            "kind": "database row",
            "access": ctx.segment(node),
            "query": query,
            "columns": [index],
        }
    return None


_HEADER_SKIPS = re.compile(r"\bnext\(|\.readline\(\)|\[1:\]")
_READS_FILE = re.compile(r"\bopen\(|\.readlines\(\)|\.read_text\(\)|\bcsv\.|\.splitlines\(\)")


def _csv_column(ctx: Context, node: ast.Subscript, index: int) -> dict[str, object] | None:
    """``line.split(",")[4]`` / ``parts[4]`` / ``row[4]`` of csv.reader with a header line."""
    source: ast.AST | None = node.value
    if isinstance(source, ast.Name):
        values = _assigned(ctx, source.id, node)
        source = values[-1][0] if values else None
        is_reader_row = bool(values) and values[-1][1] and _is_csv_reader(ctx, source)
        if is_reader_row:
            return _with_header(ctx, node, index, "csv.reader row")
    if (
        isinstance(source, ast.Call)
        and isinstance(source.func, ast.Attribute)
        and source.func.attr == "split"
        and source.args
        and isinstance(source.args[0], ast.Constant)
        and source.args[0].value in {",", ";", "\t", "|"}
    ):
        return _with_header(ctx, node, index, "split line")
    return None


def _is_csv_reader(ctx: Context, expr: ast.AST | None) -> bool:
    if isinstance(expr, ast.Name):
        values = _assigned(ctx, expr.id, expr)
        return any(_is_csv_reader(ctx, v) for v, _ in values if v is not expr)
    return isinstance(expr, ast.Call) and (ctx.qualname(expr.func) or "") == "csv.reader"


def _with_header(ctx: Context, node: ast.AST, index: int, kind: str) -> dict[str, object] | None:
    function = ctx.enclosing_function(node)
    text = ctx.segment(function) if function is not None else ctx.source
    if not (_HEADER_SKIPS.search(text) and _READS_FILE.search(text)):
        return None
    return {"kind": kind, "access": ctx.segment(node), "columns": [index], "header": True}


@rule(
    id="AS405", name="positional-column-access", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, nodes=(ast.Subscript,),
)  # fmt: skip
def positional_column_access(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A column is read by position (`row[3]`, `.iloc[:, 2]`) where its name was available.

    ## What it finds
    * `df.iloc[:, 2]` / `df.iloc[i, 3]` on a DataFrame read with `pandas.read_*` (which has
      column names unless `header=None`);
    * `row[3]` on rows from a DB cursor when the query is `SELECT *` (column order is the
      table's, not the code's) or not visible; explicit column lists stay silent;
    * `line.split(",")[4]` and `csv.reader` rows indexed by position in a function that
      skips a header line (so the names were right there).

    ## Why it matters for AI-written code
    Assistants do not know your schema, so they guess positions. When a column is added or
    reordered, positional access keeps "working" and silently reads the wrong field.

    ## Example
    ```python
    import pandas as pd

    def average_price(path):
        frame = pd.read_csv(path)
        return frame.iloc[:, 3].mean()
    ```

    ## Use instead
    ```python
    import pandas as pd

    def average_price(path):
        frame = pd.read_csv(path)
        return frame["price"].mean()
    ```
    """
    if not isinstance(node, ast.Subscript) or is_test_path(ctx.path):
        return
    evidence = _iloc_column(ctx, node)
    if evidence is None:
        index = _int_index(node.slice)
        if index is None:
            return
        evidence = _row_column(ctx, node, index) or _csv_column(ctx, node, index)
    if evidence is None:
        return
    yield ctx.finding(
        node,
        f"`{ctx.segment(node)}` reads a {evidence['kind']} column by position; a renamed or "
        "reordered column will be read silently",
        evidence=evidence,
        fix="Use the column name: df['price'], sqlite3.Row / DictCursor with row['price'], "
        "csv.DictReader with row['price'].",
    )


# -- AS406 assert as validation ----------------------------------------------------------


def _narrowing(test: ast.expr) -> bool:
    """``assert isinstance(x, T)`` / ``assert x is not None`` without a message: the idiom
    that narrows a type for a type checker, not a check written for callers."""
    if isinstance(test, ast.Call) and qualified_name(test.func) == "isinstance":
        return True
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


@rule(
    id="AS406", name="assert-validates-input", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, nodes=(ast.Assert,),
)  # fmt: skip
def assert_validates_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """`assert` checks a function's arguments; `python -O` removes the check.

    ## What it finds
    `assert` statements outside test code whose condition reads a parameter of the enclosing
    public function (`assert amount > 0`, `assert isinstance(user, User), "need a User"`).
    Asserts in tests, in private helpers (`_name`), on local invariants that do not involve
    parameters, and the message-less type-narrowing idioms (`assert isinstance(x, T)`,
    `assert x is not None`) stay silent.

    ## Why it matters for AI-written code
    Assistants use `assert` as a compact guard. Under `python -O` (common in containers and
    some deployment tools) every assert disappears, and invalid input flows on unchecked.

    ## Example
    ```python
    def withdraw(account, amount):
        assert amount > 0, "amount must be positive"
        account.balance -= amount
    ```

    ## Use instead
    ```python
    def withdraw(account, amount):
        if amount <= 0:
            raise ValueError(f"amount must be positive, got {amount!r}")
        account.balance -= amount
    ```
    """
    if not isinstance(node, ast.Assert) or is_test_path(ctx.path):
        return
    function = ctx.enclosing_function(node)
    if function is None or (function.name.startswith("_") and not function.name.startswith("__")):
        return
    if node.msg is None and _narrowing(node.test):
        return
    parameters = set(_parameters(function))
    checked = sorted({n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)} & parameters)
    if not checked:
        return
    yield ctx.finding(
        node,
        f"`assert {ctx.segment(node.test)}` validates {', '.join(checked)} of "
        f"{function.name}(); the check vanishes under python -O",
        evidence={"function": function.name, "parameters": checked, "assert": ctx.segment(node)},
        fix="Raise an exception instead: if not <condition>: raise ValueError(...) "
        "(TypeError for wrong types).",
    )


# -- AS407 validation removed since --base -----------------------------------------------


def _functions_by_qualname(tree: ast.Module) -> dict[str, FunctionNode]:
    found: dict[str, FunctionNode] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                found.setdefault(name, child)
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif not isinstance(child, ast.Lambda):
                visit(child, prefix)

    visit(tree, "")
    return found


def _leaves(statements: list[ast.stmt]) -> bool:
    return bool(statements) and isinstance(statements[-1], (ast.Raise, ast.Return))


def validations(function: FunctionNode) -> list[tuple[str, ast.stmt]]:
    """The checks in `function`'s own body, each with a comparison key:
    guard clauses (``if ...: raise/return``), asserts, and raises outside guards."""
    found: list[tuple[str, ast.stmt]] = []
    inside_guards: set[int] = set()
    for node in _own_nodes(function.body):
        if isinstance(node, ast.If) and _leaves(node.body) and len(node.body) <= 3:
            found.append((f"guard {ast.unparse(node.test)}", node))
            inside_guards.update(id(n) for n in _own_nodes(node.body))
    for node in _own_nodes(function.body):
        if isinstance(node, ast.Assert):
            found.append((f"assert {ast.unparse(node.test)}", node))
        elif isinstance(node, ast.Raise) and id(node) not in inside_guards and node.exc:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            found.append((f"raise {ast.unparse(raised)}", node))
    return sorted(found, key=lambda item: item[1].lineno)


def _tests_in(function: FunctionNode) -> set[str]:
    return {
        ast.unparse(n.test) for n in _own_nodes(function.body) if isinstance(n, (ast.If, ast.While))
    }


def _old_lines(source: str, node: ast.stmt) -> str:
    lines = source.splitlines()
    end = getattr(node, "end_lineno", None) or node.lineno
    return "\n".join(lines[node.lineno - 1 : end])


def removed_validations(
    old_source: str, new_tree: ast.Module
) -> Iterator[tuple[FunctionNode, str, ast.stmt]]:
    """(new function, key, old statement) for each check present before and gone now."""
    try:
        old_tree = ast.parse(old_source)
    except SyntaxError:
        return
    old_functions = _functions_by_qualname(old_tree)
    for name, function in _functions_by_qualname(new_tree).items():
        previous = old_functions.get(name)
        if previous is None:
            continue
        remaining = [key for key, _ in validations(function)]
        tests_now = _tests_in(function)
        for key, statement in validations(previous):
            if key in remaining:
                remaining.remove(key)
                continue
            if key.startswith("guard ") and key[len("guard ") :] in tests_now:
                continue
            yield function, name, statement


@rule(
    id="AS407", name="validation-removed", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, kind="module",
)  # fmt: skip
def validation_removed(ctx: Context) -> Iterator[Finding]:
    """A check that the previous version had is gone (`assay check --base REV`).

    ## What it finds
    With `--base REV`, each file is compared with its version at git revision `REV`;
    functions are matched by qualified name (`Class.method`), and every guard clause
    (`if ...: raise`/`return`), `assert` and `raise` of the old version that no longer
    exists in the new one is reported with the old lines as evidence. Without `--base`, or
    for files that did not exist at `REV`, the rule has nothing to compare and stays silent.

    ## Why it matters for AI-written code
    Asked to "fix" or "simplify" a function, assistants often make the failing case pass by
    deleting the check that rejected it. The diff looks like a cleanup; the validation is
    gone.

    ## Example
    ```python
    def set_age(user, age):
        user.age = age
    ```

    ## Use instead
    ```python
    def set_age(user, age):
        if not 0 <= age <= 150:
            raise ValueError(f"age out of range: {age!r}")
        user.age = age
    ```
    """
    revision = ctx.settings.base
    if revision is None or ctx.path in {"-", ""} or ctx.path.startswith("<"):
        return
    path = Path(ctx.path)
    if not path.is_file():
        return
    from assay.source.gitbase import file_at

    old_source = file_at(revision, path)
    if old_source is None:
        return
    for function, name, statement in removed_validations(old_source, ctx.tree):
        old = _old_lines(old_source, statement)
        first = old.strip().splitlines()[0]
        yield ctx.finding(
            function,
            f"{name}() no longer has `{first}` (present at {revision}, line {statement.lineno})",
            evidence={
                "base": revision,
                "function": name,
                "old_line": statement.lineno,
                "old_code": old,
            },
            fix="Restore the check, or make sure the caller now validates this case and add a "
            "test that shows the bad input is still rejected.",
        )
