"""Loop and growth analysis shared by the performance rules (AS501–AS505, AS507, AS510).

Which loop repeats a node (`enclosing_loop`, skipping loops over a small constant collection),
whether a name is a list built outside that loop (`list_bound_outside`), whether the loop runs
over the function's input (`loops_over_input`) or grows the list it tests (`grows_in_loop`),
the bindings of a name in its scope, and `loop_finding`, which sets a finding's severity
from that analysis.
"""

from __future__ import annotations

import ast

from assay.model import Finding, Severity
from assay.rules._context import Context

__all__ = [
    "LoopNode",
    "bindings_of",
    "enclosing_loop",
    "grows_in_loop",
    "is_inside",
    "is_list_value",
    "is_small_constant",
    "list_bound_outside",
    "loop_finding",
    "loop_iterable",
    "loops_over_input",
    "scope_of",
]

LoopNode = ast.For | ast.AsyncFor | ast.While | ast.comprehension
_SMALL = 16
_LIST_FUNCS = frozenset({"list", "sorted"})
_LIST_METHODS = frozenset({"split", "splitlines", "readlines", "fetchall"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.Module)


def is_small_constant(node: ast.AST) -> bool:
    """A literal collection of at most 16 constants, a string, or ``range(<small constant>)``."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return len(node.elts) <= _SMALL and all(isinstance(e, ast.Constant) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range":
        return all(
            isinstance(a, ast.Constant) and isinstance(a.value, int) and abs(a.value) <= _SMALL
            for a in node.args
        )
    return False


def loop_iterable(loop: LoopNode) -> ast.AST | None:
    """What `loop` iterates over; None for a ``while`` loop."""
    if isinstance(loop, (ast.For, ast.AsyncFor, ast.comprehension)):
        return loop.iter
    return None


def enclosing_loop(node: ast.AST, ctx: Context) -> LoopNode | None:
    """The innermost loop (over something that is not a small constant) containing `node`
    within the same function, where `node` sits in the loop's repeated part."""
    child: ast.AST = node
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, _SCOPES):
            return None
        if isinstance(ancestor, (ast.For, ast.AsyncFor)) and child in ancestor.body:
            if not is_small_constant(ancestor.iter):
                return ancestor
        elif isinstance(ancestor, ast.While) and child in ancestor.body:
            return ancestor
        elif isinstance(ancestor, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            if not is_inside(node, ancestor.generators[0].iter):
                for generator in ancestor.generators:
                    if not is_small_constant(generator.iter):
                        return generator
        child = ancestor
    return None


def scope_of(node: ast.AST, ctx: Context) -> ast.AST:
    """The innermost function or lambda holding `node`, else the module."""
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return ancestor
    return ctx.tree


def bindings_of(scope: ast.AST, name: str) -> list[tuple[ast.AST, ast.AST | None]]:
    """``(binding statement, value)`` pairs for `name` in `scope`, not in nested scopes."""
    found: list[tuple[ast.AST, ast.AST | None]] = []
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for arg in [*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs]:
            if arg.arg == name:
                found.append((arg, arg.annotation))
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    found.append((node, node.value))
                elif isinstance(target, (ast.Tuple, ast.List)) and any(
                    isinstance(e, ast.Name) and e.id == name for e in target.elts
                ):
                    found.append((node, None))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name:
                found.append((node, node.value if node.value is not None else node.annotation))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node.target)):
                found.append((node, None))
        elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
            if node.optional_vars.id == name:
                found.append((node, None))
        stack.extend(ast.iter_child_nodes(node))
    return found


def is_list_value(value: ast.AST | None) -> bool:
    """`value` (a bound value or an annotation) makes its name a list."""
    if value is None:
        return False
    if isinstance(value, ast.List):
        return not value.elts or not is_small_constant(value)
    if isinstance(value, ast.ListComp):
        return True
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Name):
            return func.id in _LIST_FUNCS
        if isinstance(func, ast.Attribute):
            return func.attr in _LIST_METHODS
        return False
    return _is_list_annotation(value)


def _is_list_annotation(value: ast.AST) -> bool:
    base = value.value if isinstance(value, ast.Subscript) else value
    name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", None)
    return name in {"list", "List"}


def is_inside(node: ast.AST, container: ast.AST) -> bool:
    """`node` is `container` or one of its descendants."""
    return any(node is n for n in ast.walk(container))


def list_bound_outside(name: ast.AST, loop: LoopNode, ctx: Context) -> bool:
    """`name` is a plain name bound to a list, and never re-bound inside `loop`."""
    if not isinstance(name, ast.Name):
        return False
    bindings = bindings_of(scope_of(name, ctx), name.id)
    if not bindings:
        return False
    loop_node: ast.AST = loop
    if isinstance(loop, ast.comprehension):
        loop_node = ctx.parent(loop) or loop
    outside = [
        v
        for b, v in bindings
        if not is_inside(b, loop_node) and not (isinstance(b, ast.arg) and v is None)
    ]
    inside = [b for b, _ in bindings if is_inside(b, loop_node)]
    return bool(outside) and not inside and all(is_list_value(v) for v in outside)


def loops_over_input(loop: LoopNode, ctx: Context) -> bool:
    """The loop iterates over (something reached from) a parameter of its function."""
    iterable = loop_iterable(loop)
    function = ctx.enclosing_function(
        loop if not isinstance(loop, ast.comprehension) else iterable or loop
    )
    if iterable is None or function is None:
        return False
    params = {
        a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    }
    if function.args.vararg is not None:
        params.add(function.args.vararg.arg)
    return any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(iterable))


def grows_in_loop(name: ast.AST, loop: LoopNode, ctx: Context) -> bool:
    """The list `name` is appended to / extended inside `loop` (an accumulator)."""
    if not isinstance(name, ast.Name):
        return False
    loop_node: ast.AST = ctx.parent(loop) or loop if isinstance(loop, ast.comprehension) else loop
    for node in ast.walk(loop_node):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name.id:
                return True
        if _is_growth_call(node, name.id):
            return True
    return any(_is_growth_call(a, name.id) for a in ctx.ancestors(loop_node))


def _is_growth_call(node: ast.AST, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"append", "extend", "insert"}
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
    )


def loop_finding(
    ctx: Context,
    node: ast.AST,
    loop: LoopNode,
    message: str,
    fix: str,
    *,
    self_quadratic: bool = True,
    always_warn: bool = False,
    **evidence: object,
) -> Finding:
    """A warning when the loop runs over the function's input and the repeated work grows
    with that same input (`self_quadratic`); otherwise info (the cost is a product of two
    sizes, one of which is often small)."""
    loop_line = getattr(loop, "lineno", None) or getattr(loop_iterable(loop), "lineno", 0)
    over_input = always_warn or (loops_over_input(loop, ctx) and self_quadratic)
    return ctx.finding(
        node,
        message,
        evidence={
            "loop_line": loop_line,
            "loop_over_input": over_input,
            "complexity": "O(n*m) instead of O(n)",
            **evidence,
        },
        fix=fix,
        severity=None if over_input else Severity.INFO,
    )
