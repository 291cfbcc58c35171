"""AS403: stubs in finished code."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.naming import is_test_path, words
from assay.rules.silent_failure._common import EXEMPT_DECORATORS, FunctionNode, decorator_names
from assay.rules.silent_failure._stubs import body_without_docstring, stub_kind
from assay.syntax import dotted_name

__all__: list[str] = []


_HOOK_DOC = re.compile(
    r"\b(override|overridden|subclass|hook|no-op|noop|does nothing|intentionally|interface|"
    r"abstract|to be implemented by)\b",
    re.IGNORECASE,
)
_INTERFACE_BASES = frozenset({"Protocol", "ABC", "ABCMeta", "Generic", "TypedDict"})
#: Methods of file-like and resource protocols that are legitimately empty on objects
#: that hold nothing (a null file, an in-memory stream).
_PROTOCOL_NO_OPS = frozenset(
    {"close", "aclose", "flush", "seek", "writelines", "fileno", "isatty", "truncate",
     "setup", "teardown", "reset", "connect", "disconnect",
     # importlib's loader protocol: exec_module is empty when create_module did the work.
     "exec_module", "invalidate_caches"}
)  # fmt: skip
_NOOP_NAMES = ("noop", "no_op", "dummy", "nothing", "null", "ignore", "pass", "identity")


_INTERFACE_WORDS = frozenset({"base", "abstract", "interface", "mixin", "protocol", "abc"})


def _is_interface_class(ctx: Context, cls: ast.ClassDef) -> bool:
    for base in [*cls.bases, *(k.value for k in cls.keywords)]:
        name = dotted_name(base.value if isinstance(base, ast.Subscript) else base) or ""
        if name.rsplit(".", 1)[-1] in _INTERFACE_BASES:
            return True
    if set(words(cls.name)) & _INTERFACE_WORDS:
        return True
    if _is_subclassed(ctx, cls.name):
        return True
    methods = [s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    kinds = [stub_kind(ctx, m) for m in methods if m.name != "__init__"]
    # A class that leaves any method to NotImplementedError is meant to be subclassed.
    return bool(kinds) and (None not in kinds or any(_raises_not_implemented(m) for m in methods))


def _raises_not_implemented(function: FunctionNode) -> bool:
    for statement in function.body:
        if isinstance(statement, ast.Raise) and statement.exc is not None:
            raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
            if dotted_name(raised) in {"NotImplementedError", "builtins.NotImplementedError"}:
                return True
    return False


def _is_subclassed(ctx: Context, name: str) -> bool:
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if (dotted_name(base) or "").rsplit(".", 1)[-1] == name:
                    return True
    return False


def _finished_elsewhere(ctx: Context, function: FunctionNode) -> bool:
    """Some other function in the file has a real body: the file is not a sketch."""
    for node in ast.walk(ctx.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is not function:
            if stub_kind(ctx, node) is None and len(body_without_docstring(node)) >= 1:
                return True
    return False


def _deliberate(ctx: Context, function: FunctionNode) -> bool:
    if decorator_names(function) & EXEMPT_DECORATORS:
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
    # The null-object pattern (`NullHandler`, `DummyLock`): doing nothing is the class's job.
    if isinstance(parent, ast.ClassDef) and any(w in parent.name.lower() for w in _NOOP_NAMES):
        return True
    docstring = ast.get_docstring(function) or ""
    if _HOOK_DOC.search(docstring):
        return True
    if isinstance(parent, ast.ClassDef) and (
        stub_kind(ctx, function) == "raise NotImplementedError" or _is_interface_class(ctx, parent)
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
    `flush`, `seek`, a loader's `exec_module`...), methods of null-object classes
    (`NullHandler`, `DummyLock`), methods raising `NotImplementedError` (the abstract-method idiom),
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
    kind = stub_kind(ctx, node)
    if kind is None or _deliberate(ctx, node) or not _finished_elsewhere(ctx, node):
        return
    yield ctx.finding(
        node,
        f"{node.name}() is a stub ({kind}) in otherwise finished code",
        evidence={"function": node.name, "body": kind},
        fix="Implement the function, or raise NotImplementedError with a message and make "
        "sure no caller can reach it (mark interfaces with abc.abstractmethod / Protocol).",
    )
