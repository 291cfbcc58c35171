"""AS406: ``assert`` as validation."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from assay.model import Family, Finding, Severity
from assay.rules._context import Context, qualified_name
from assay.rules._registry import rule
from assay.rules._support.naming import is_test_path
from assay.rules.silent_failure._common import FunctionNode, own_nodes, parameter_names

__all__: list[str] = []


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


#: Words with which an assert (its message, the comment above it, or its function's
#: docstring) declares a programmer contract rather than a check of caller input.
_CONTRACT_WORDS = re.compile(
    r"\binternal\b|\bcontract\b|\binvariant\b|\bpre-?conditions?\b|assertions? because"
    r"|should(?:n't| not| never) happen|can(?:not|'t|not ever) happen|\bnever happens?\b",
    re.IGNORECASE,
)


def _states_a_contract(node: ast.Assert, function: FunctionNode, ctx: Context) -> bool:
    """The author says it is a contract: ``"INTERNAL ERROR: ..."``, ``# Function contract is
    ...`` above it, "Pre-conditions:" in the docstring, or a function named ``assert_*``
    whose whole job is to assert."""
    if function.name.lstrip("_").startswith("assert"):
        return True
    texts = [ast.get_docstring(function) or ""]
    if node.msg is not None:
        texts.append(ctx.segment(node.msg))
    line = node.lineno - 2
    while line >= 0 and ctx.lines[line].strip().startswith("#"):
        texts.append(ctx.lines[line])
        line -= 1
    return any(_CONTRACT_WORDS.search(text) for text in texts)


@lru_cache(maxsize=256)
def _package_init(directory: str) -> str | None:
    try:
        return (Path(directory) / "__init__.py").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _private_scope(function: FunctionNode, ctx: Context) -> bool:
    """A private class around the function, or a private module (``_tokenizer.py``) that
    its package's ``__init__.py`` does not re-export: only the package itself calls it."""
    if any(isinstance(a, ast.ClassDef) and a.name.startswith("_") for a in ctx.ancestors(function)):
        return True
    stem = Path(ctx.path).stem
    if not stem.startswith("_") or stem.startswith("__"):
        return False
    init = _package_init(str(Path(ctx.path).parent))
    return init is None or re.search(rf"\b{re.escape(stem)}\b", init) is None


def _position(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


_Binding = ast.Assign | ast.AnnAssign | ast.AugAssign


def _bindings_before(function: FunctionNode, name: str, node: ast.Assert) -> list[_Binding]:
    """Assignments to `name` in `function` that come before `node` in the source."""
    found: list[_Binding] = []
    for statement in own_nodes(function.body):
        if not isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            continue
        if _position(statement) >= _position(node):
            continue
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        if any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t)):
            found.append(statement)
    return found


def _produced_here(function: FunctionNode, name: str, node: ast.Assert) -> bool:
    """Before the assert, `name` was bound from a call (``name = self.get_name(plugin)``,
    ``tokens, value = parser.get_list(value)``) or unconditionally re-bound: its value now
    comes from the code, not from the caller."""
    for binding in _bindings_before(function, name, node):
        value = binding.value
        if value is not None and any(isinstance(n, ast.Call) for n in ast.walk(value)):
            return True
        if binding in function.body:
            return True
    return False


def _used_before(function: FunctionNode, names: set[str], node: ast.Assert) -> bool:
    """The function already read one of `names` before the assert (other than in another
    assert or an ``is None`` test that fills a default): the value was relied on, so the
    assert is an invariant in the middle of the work, not a guard at the door."""
    skipped: set[int] = set()
    for other in own_nodes(function.body):
        if isinstance(other, ast.Assert):
            skipped.update(id(n) for n in ast.walk(other))
        elif (
            isinstance(other, ast.Compare)
            and isinstance(other.left, ast.Name)
            and len(other.ops) == 1
            and isinstance(other.ops[0], (ast.Is, ast.IsNot))
            and isinstance(other.comparators[0], ast.Constant)
            and other.comparators[0].value is None
        ):
            skipped.add(id(other.left))
    return any(
        isinstance(n, ast.Name)
        and isinstance(n.ctx, ast.Load)
        and n.id in names
        and id(n) not in skipped
        and _position(n) < _position(node)
        for n in own_nodes(function.body)
    )


@rule(
    id="AS406", name="assert-validates-input", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, nodes=(ast.Assert,),
)  # fmt: skip
def assert_validates_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """`assert` checks a function's arguments; `python -O` removes the check.

    ## What it finds
    `assert` statements outside test code that guard a public function's arguments: the
    condition reads a parameter as the caller passed it, before the function has used it
    (`assert amount > 0`, `assert isinstance(user, User), "need a User"`). Silent, because
    the value is not the caller's input or the assert is a programmer's contract: asserts in
    tests, in private helpers (`_name`), private classes and private modules their package
    does not re-export; on values the function produced (`name = self.get_name(plugin)`
    then `assert name is not None`; `url = self.build(...)` then `assert url != path`);
    invariants in the middle of the work, after the function already used the parameter;
    asserts whose message, comment or docstring says "internal error", "contract",
    "should not happen" or "pre-conditions", and `assert_*` helpers; and the message-less
    type-narrowing idioms (`assert isinstance(x, T)`, `assert x is not None`).

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


    def unregister(registry, plugin):
        name = registry.get_name(plugin)
        assert name is not None, "internal error: registered plugins always have a name"
        return registry.pop(name)
    ```
    """
    if not isinstance(node, ast.Assert) or is_test_path(ctx.path):
        return
    function = ctx.enclosing_function(node)
    if function is None or (function.name.startswith("_") and not function.name.startswith("__")):
        return
    if node.msg is None and _narrowing(node.test):
        return
    if _states_a_contract(node, function, ctx) or _private_scope(function, ctx):
        return
    read = {n.id for n in ast.walk(node.test) if isinstance(n, ast.Name)}
    parameters = set(parameter_names(function))
    # A local the function built before the assert (``url = self.build(...)``): the assert
    # is a postcondition on the function's own result, whatever parameters it compares with.
    if any(_produced_here(function, name, node) for name in read - parameters):
        return
    checked = sorted(n for n in read & parameters if not _produced_here(function, n, node))
    if not checked or _used_before(function, set(checked), node):
        return
    yield ctx.finding(
        node,
        f"`assert {ctx.segment(node.test)}` validates {', '.join(checked)} of "
        f"{function.name}(); the check vanishes under python -O",
        evidence={"function": function.name, "parameters": checked, "assert": ctx.segment(node)},
        fix="Raise an exception instead: if not <condition>: raise ValueError(...) "
        "(TypeError for wrong types).",
    )
