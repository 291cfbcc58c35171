"""AS406: ``assert`` as validation."""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.naming import is_test_path
from assay.rules.silent_failure._common import FunctionNode, parameter_names
from assay.syntax import dotted_name, own_nodes

__all__: list[str] = []


def _narrowing(test: ast.expr, *, optional: bool = False) -> bool:
    """``assert isinstance(x, T)`` / ``assert x is not None`` without a message, or an
    ``or`` of such tests (``assert x is None or isinstance(x, str)``): the idiom that
    narrows a type for a type checker, not a check written for callers."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return all(_narrowing(value, optional=True) for value in test.values)
    if isinstance(test, ast.Call) and dotted_name(test.func) == "isinstance":
        return True
    allowed = (ast.IsNot, ast.Is) if optional else (ast.IsNot,)
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], allowed)
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

_DOCUMENTED_CONTRACT = re.compile(r"\bpre-?conditions?\b|\bcontract\b", re.IGNORECASE)


def _states_a_contract(node: ast.Assert, function: FunctionNode, ctx: Context) -> bool:
    """The author says it is a contract: ``"INTERNAL ERROR: ..."``, ``# Function contract is
    ...`` above it, "Pre-conditions:" in the docstring, or a function named ``assert_*``
    whose whole job is to assert."""
    if function.name.lstrip("_").startswith("assert"):
        return True
    # A docstring mentions "internal" for many reasons; only a stated contract counts there.
    if _DOCUMENTED_CONTRACT.search(ast.get_docstring(function) or ""):
        return True
    texts: list[str] = []
    if node.msg is not None:
        texts.append(ctx.segment(node.msg))
    line = node.lineno - 2
    while line >= 0 and ctx.lines[line].strip().startswith("#"):
        texts.append(ctx.lines[line])
        line -= 1
    return any(_CONTRACT_WORDS.search(text) for text in texts)


def _package_init(directory: str) -> str | None:
    """The text of `directory`'s ``__init__.py`` (None when there is none)."""
    init = Path(directory) / "__init__.py"
    try:
        # Keyed on the modification time so that a long-running service sees edits.
        return _read_init(str(init), init.stat().st_mtime_ns)
    except OSError:
        return None


@lru_cache(maxsize=256)
def _read_init(path: str, mtime_ns: int) -> str:
    del mtime_ns  # part of the cache key only
    return Path(path).read_text(encoding="utf-8", errors="replace")


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


def _built_here(function: FunctionNode, name: str, node: ast.Assert) -> bool:
    """A local (not a parameter) computed before the assert (``url = self.build(...)``,
    ``total = sum(items)``): an assert on it is a postcondition on the function's own work."""
    for binding in _bindings_before(function, name, node):
        value = binding.value
        if value is not None and any(isinstance(n, ast.Call) for n in ast.walk(value)):
            return True
        if binding in function.body:
            return True
    return False


def _replaced_by_own_call(
    function: FunctionNode, name: str, node: ast.Assert, ctx: Context
) -> bool:
    """Before the assert, parameter `name` was re-bound from a call into the module's own code
    (``name = self.get_name(plugin)``, ``tokens, value = parser.get_list(value)`` with
    ``parser`` from the same package): the value now comes from the code, not the caller.
    Conversions of the argument itself (``amount = float(amount)``, ``text = text.strip()``,
    ``data = json.loads(data)``) still carry the caller's input."""
    return any(
        isinstance(call, ast.Call) and _own_call(call, name, ctx)
        for binding in _bindings_before(function, name, node)
        if binding.value is not None
        for call in ast.walk(binding.value)
    )


def _own_call(call: ast.Call, parameter: str, ctx: Context) -> bool:
    func = call.func
    while isinstance(func, ast.Attribute):
        func = func.value
    if isinstance(call.func, ast.Name):
        name = call.func.id
    elif isinstance(call.func, ast.Attribute) and isinstance(func, ast.Name):
        name = func.id
        if name == parameter:
            return False  # a method of the argument itself: a conversion
        if name in {"self", "cls"}:
            return True
    else:
        return isinstance(call.func, ast.Attribute)  # a method of a computed object
    if name in _BUILTINS:
        return False
    binding = ctx.imports.get(name)
    return binding is None or _same_package(binding.target, ctx)


_BUILTINS = frozenset(dir(builtins))


def _same_package(target: str, ctx: Context) -> bool:
    """`target` (an imported dotted name) belongs to the package of the file being checked."""
    top = target.split(".", 1)[0]
    return top in ctx.project_modules or top in Path(ctx.path).parts[:-1]


def _used_before(function: FunctionNode, names: set[str], node: ast.Assert) -> bool:
    """The function already read one of `names` before the assert (other than in another
    assert or an ``is None`` test that fills a default): the value was relied on, so the
    assert is an invariant in the middle of the work, not a guard at the door."""
    skipped: set[int] = set()
    for other in own_nodes(function.body):
        if isinstance(other, ast.Assert):
            skipped.update(id(n) for n in ast.walk(other))
        elif isinstance(other, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and other.value:
            # ``amount = float(amount)`` converts the argument; it does not rely on it.
            targets = other.targets if isinstance(other, ast.Assign) else [other.target]
            rebound = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            skipped.update(
                id(n) for n in ast.walk(other.value) if isinstance(n, ast.Name) and n.id in rebound
            )
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
    then `assert name is not None`; `url = self.build(...)` then `assert url != path`;
    a conversion such as `amount = float(amount)` still carries the caller's input);
    invariants in the middle of the work, after the function already used the parameter;
    asserts whose message or comment above says "internal error", "contract" or "should not
    happen", in functions whose docstring states a contract or "pre-conditions", and in
    `assert_*` helpers; and the message-less
    type-narrowing idioms (`assert isinstance(x, T)`, `assert x is not None`,
    `assert x is None or isinstance(x, str)`).

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
    if any(_built_here(function, name, node) for name in read - parameters):
        return
    checked = sorted(
        n for n in read & parameters if not _replaced_by_own_call(function, n, node, ctx)
    )
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
