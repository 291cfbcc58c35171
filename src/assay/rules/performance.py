"""The `performance` family (AS5xx): code that is fine on 10 rows and quadratic on 10,000.

Static shapes (AS501–AS507) look for linear work repeated inside a loop over the input:
membership tests and ``.index`` on lists, ``pop(0)``, string ``+=``, sorting or copying,
pairwise loops over one collection, and queries or HTTP requests issued per item (N+1).
AS508 plans the file's SQLite queries with ``EXPLAIN QUERY PLAN`` in the sandbox, against
the schema written in the same file. AS509 is reported by `assay.behaviour.stages.complexity` from
timings at growing input sizes.

Loops over a small constant collection (``for op in ("+", "-")``, ``range(3)``) are not
"over the input" and never make these rules fire.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import declare, rule

__all__ = ["LoopNode", "enclosing_loop", "is_small_constant"]

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


def _loop_iter(loop: LoopNode) -> ast.AST | None:
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
            if not _inside(node, ancestor.generators[0].iter):
                for generator in ancestor.generators:
                    if not is_small_constant(generator.iter):
                        return generator
        child = ancestor
    return None


def _scope(node: ast.AST, ctx: Context) -> ast.AST:
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return ancestor
    return ctx.tree


def _bindings(scope: ast.AST, name: str) -> list[tuple[ast.AST, ast.AST | None]]:
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


def _is_list_value(value: ast.AST | None) -> bool:
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


def _inside(node: ast.AST, container: ast.AST) -> bool:
    return any(node is n for n in ast.walk(container))


def list_bound_outside(name: ast.AST, loop: LoopNode, ctx: Context) -> bool:
    """`name` is a plain name bound to a list, and never re-bound inside `loop`."""
    if not isinstance(name, ast.Name):
        return False
    bindings = _bindings(_scope(name, ctx), name.id)
    if not bindings:
        return False
    loop_node: ast.AST = loop
    if isinstance(loop, ast.comprehension):
        loop_node = ctx.parent(loop) or loop
    outside = [
        v
        for b, v in bindings
        if not _inside(b, loop_node) and not (isinstance(b, ast.arg) and v is None)
    ]
    inside = [b for b, _ in bindings if _inside(b, loop_node)]
    return bool(outside) and not inside and all(_is_list_value(v) for v in outside)


def loops_over_input(loop: LoopNode, ctx: Context) -> bool:
    """The loop iterates over (something reached from) a parameter of its function."""
    iterable = _loop_iter(loop)
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


def _finding(
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
    loop_line = getattr(loop, "lineno", None) or getattr(_loop_iter(loop), "lineno", 0)
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


@rule(
    id="AS501",
    name="membership-test-on-list-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Compare,),
)
def membership_test_on_list_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """``x in some_list`` inside a loop, where the list was built outside the loop.

    ## What it finds
    An ``in`` / ``not in`` test against a variable bound to a list (a list display, a list
    comprehension, ``list(...)``, ``sorted(...)``, ``.split()``, a ``list`` parameter) inside
    a loop over the input, when the list is not rebuilt in the loop. Each test scans the
    list, so the loop costs ``len(items) * len(list)``. Tests against sets, dicts, strings
    and small constant lists stay silent.

    ## Why it matters for AI-written code
    ``if x not in seen: seen.append(x)`` is the assistant's favourite de-duplication: it
    reads well and passes every small test, then takes minutes on real data.

    ## Example
    ```python
    def unique(items):
        seen = []
        for item in items:
            if item not in seen:
                seen.append(item)
        return seen
    ```

    ## Use instead
    ```python
    def unique(items):
        seen = set()
        result = []
        for item in items:
            if item not in seen:
                seen.add(item)
                result.append(item)
        return result
    ```
    """
    if not isinstance(node, ast.Compare):
        return
    for op, right in zip(node.ops, node.comparators, strict=True):
        if not isinstance(op, (ast.In, ast.NotIn)):
            continue
        loop = enclosing_loop(node, ctx)
        if loop is None or not list_bound_outside(right, loop, ctx):
            continue
        label = ctx.segment(right)
        yield _finding(
            ctx,
            node,
            loop,
            f"membership test on list {label!r} inside a loop scans the list on every "
            "iteration (quadratic)",
            f"keep a set alongside (e.g. {label}_set = set({label})) and test membership there",
            self_quadratic=grows_in_loop(right, loop, ctx),
            collection=label,
        )


@rule(
    id="AS502",
    name="list-pop-front-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Call,),
)
def list_pop_front_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """``list.pop(0)`` or ``list.insert(0, x)`` inside a loop.

    ## What it finds
    Removing or inserting at the front of a list in a loop, when the receiver is a list (or
    an unannotated parameter) and not a ``collections.deque``. Every such call shifts all
    remaining elements, so draining a list this way is quadratic. ``pop()`` from the end and
    ``deque.popleft()`` stay silent.

    ## Why it matters for AI-written code
    Breadth-first searches and work queues written by assistants very often use a list as a
    queue; the result is correct and slow on large graphs.

    ## Example
    ```python
    def bfs(graph, start):
        queue = [start]
        order = []
        while queue:
            node = queue.pop(0)
            order.append(node)
            queue.extend(graph[node])
        return order
    ```

    ## Use instead
    ```python
    from collections import deque


    def bfs(graph, start):
        queue = deque([start])
        order = []
        while queue:
            node = queue.popleft()
            order.append(node)
            queue.extend(graph[node])
        return order
    ```
    """
    if not isinstance(node, ast.Call):
        return
    func = node.func
    if not isinstance(func, ast.Attribute) or not node.args:
        return
    first = node.args[0]
    front = (
        isinstance(first, ast.Constant) and first.value == 0 and not isinstance(first.value, bool)
    )
    if not front or func.attr not in {"pop", "insert"}:
        return
    if func.attr == "pop" and len(node.args) != 1:
        return
    loop = enclosing_loop(node, ctx)
    if loop is None or not _list_or_untyped_parameter(func.value, ctx):
        return
    label = ctx.segment(func.value)
    yield _finding(
        ctx,
        node,
        loop,
        f"{label}.{func.attr}(0{', ...' if func.attr == 'insert' else ''}) in a loop shifts "
        "every element each time (quadratic)",
        "use collections.deque and popleft()/appendleft()",
        # Draining or filling a list from the front is quadratic in that list alone.
        always_warn=True,
        collection=label,
    )


def _list_or_untyped_parameter(expr: ast.AST, ctx: Context) -> bool:
    if not isinstance(expr, ast.Name):
        return False
    bindings = _bindings(_scope(expr, ctx), expr.id)
    if not bindings:
        return False
    for binding, value in bindings:
        if isinstance(binding, ast.arg) and value is None:
            continue
        if not _is_list_value(value):
            return False
    return True


@rule(
    id="AS503",
    name="string-concat-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.AugAssign,),
)
def string_concat_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Building a string with ``+=`` inside a loop.

    ## What it finds
    ``text += ...`` inside a loop, where ``text`` was initialised to a string or bytes literal
    (or an f-string, ``str(...)``, ``"sep".join(...)``) in the same function. Strings are
    immutable: each ``+=`` may copy everything built so far. For ``bytes`` that is always so
    (a warning when the loop runs over the input); for ``str`` CPython usually resizes in
    place, so it is reported at info. Numeric ``+=`` and list appends stay silent.

    ## Why it matters for AI-written code
    Report builders, CSV writers and binary protocol encoders from assistants accumulate
    output this way; CPython's in-place optimisation for ``str`` hides the cost until a
    second reference, ``bytes`` or another interpreter appears.

    ## Example
    ```python
    def to_csv(rows):
        out = ""
        for row in rows:
            out += ",".join(row) + "\\n"
        return out
    ```

    ## Use instead
    ```python
    def to_csv(rows):
        return "".join(",".join(row) + "\\n" for row in rows)
    ```
    """
    if not isinstance(node, ast.AugAssign):
        return
    if not isinstance(node.op, ast.Add) or not isinstance(node.target, ast.Name):
        return
    loop = enclosing_loop(node, ctx)
    if loop is None:
        return
    bindings = _bindings(_scope(node, ctx), node.target.id)
    initial = [v for b, v in bindings if not _inside(b, loop) and v is not None]
    if not initial or not all(_is_string(v) for v in initial):
        return
    is_bytes = all(isinstance(v, ast.Constant) and isinstance(v.value, bytes) for v in initial)
    kind = "bytes" if is_bytes else "string"
    yield _finding(
        ctx,
        node,
        loop,
        f"{kind} {node.target.id!r} is built with += inside a loop (each step may copy the "
        f"whole {kind})",
        f"collect the pieces in a list and {kind[0] if is_bytes else ''}''.join(pieces) once "
        "after the loop (or use io.StringIO / bytearray)",
        self_quadratic=is_bytes,
        variable=node.target.id,
    )


def _is_string(value: ast.AST) -> bool:
    """A str literal, f-string, ``str(...)``, ``"sep".join(...)`` or a ``+`` involving one."""
    if isinstance(value, ast.JoinedStr):
        return True
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (str, bytes))
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _is_string(value.left) or _is_string(value.right)
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Name):
            return func.id == "str"
        return isinstance(func, ast.Attribute) and func.attr == "join" and _is_string(func.value)
    return False


@rule(
    id="AS504",
    name="sort-or-copy-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Call, ast.Subscript),
)
def sort_or_copy_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Sorting or copying a whole list inside a loop.

    ## What it finds
    ``sorted(xs)``, ``xs.sort()``, ``list(xs)``, ``xs.copy()`` or ``xs[:]`` inside a loop over
    the input, where ``xs`` is a list bound outside the loop, and ``xs = xs[1:]`` /
    ``xs = xs[:-1]`` (a sequence shrunk by one element by copying the rest) in any loop. Each iteration pays ``O(n log n)`` or
    ``O(n)`` again.

    ## Why it matters for AI-written code
    "Keep the list sorted" and "work on a copy to be safe" are common assistant habits; inside
    a loop they turn linear algorithms into quadratic ones.

    ## Example
    ```python
    def running_medians(values):
        window = []
        medians = []
        for value in values:
            window.append(value)
            ordered = sorted(window)
            medians.append(ordered[len(ordered) // 2])
        return medians
    ```

    ## Use instead
    ```python
    import bisect


    def running_medians(values):
        window = []
        medians = []
        for value in values:
            bisect.insort(window, value)
            medians.append(window[len(window) // 2])
        return medians
    ```
    """
    target: ast.AST | None = None
    what = ""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in {"sorted", "list"} and len(node.args) == 1:
            target, what = node.args[0], f"{func.id}()"
        elif isinstance(func, ast.Attribute) and func.attr in {"sort", "copy"} and not node.args:
            target, what = func.value, f".{func.attr}()"
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        bounds = (node.slice.lower, node.slice.upper, node.slice.step)
        if all(b is None for b in bounds) and isinstance(node.ctx, ast.Load):
            target, what = node.value, "[:] copy"
        elif _shrinks_itself(node, ctx):
            yield from _shrinking_slice(node, ctx)
            return
    if target is None:
        return
    loop = enclosing_loop(node, ctx)
    if loop is None or not list_bound_outside(target, loop, ctx):
        return
    label = ctx.segment(target)
    yield _finding(
        ctx,
        node,
        loop,
        f"{what} of list {label!r} inside a loop repeats the whole sort/copy on every iteration",
        "sort once outside the loop, keep it sorted with bisect.insort, or use heapq",
        collection=label,
    )


def _shrinks_itself(node: ast.Subscript, ctx: Context) -> bool:
    """``xs = xs[1:]`` (or ``xs[:-1]``): one element dropped by copying the rest, assigned
    back to the sliced name. Slicing by a computed amount (``data = data[written:]`` after a
    partial write) consumes chunks, not elements, and is left alone."""
    parent = ctx.parent(node)
    if not isinstance(node.slice, ast.Slice) or node.slice.step is not None:
        return False
    lower, upper = node.slice.lower, node.slice.upper
    by_one = (upper is None and _small_int(lower, 1, 2)) or (
        lower is None and _small_int(upper, -2, -1)
    )
    return (
        by_one
        and isinstance(parent, ast.Assign)
        and parent.value is node
        and isinstance(node.value, ast.Name)
        and any(isinstance(t, ast.Name) and t.id == node.value.id for t in parent.targets)
    )


def _small_int(node: ast.AST | None, low: int, high: int) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = node.operand
        return (
            isinstance(inner, ast.Constant)
            and isinstance(inner.value, int)
            and (low <= -inner.value <= high)
        )
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, int) and low <= node.value <= high
    )


def _shrinking_slice(node: ast.Subscript, ctx: Context) -> Iterator[Finding]:
    loop = enclosing_loop(node, ctx)
    if loop is None:
        return
    label = ctx.segment(node.value)
    yield _finding(
        ctx,
        node,
        loop,
        f"{label} = {ctx.segment(node)} inside a loop copies the rest of the sequence on every "
        "iteration (quadratic)",
        "iterate with an index or a for loop, or use collections.deque and popleft()",
        always_warn=True,
        collection=label,
    )


@rule(
    id="AS505",
    name="list-index-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Call,),
)
def list_index_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """``list.index(x)`` or ``list.count(x)`` inside a loop.

    ## What it finds
    A linear search (``.index`` / ``.count``) on a list bound outside a loop over the input.
    Searches in strings and in small constant lists stay silent.

    ## Why it matters for AI-written code
    Assistants reach for ``.index`` to find positions ("where is this id in the list?") in
    every iteration, instead of building a position map once.

    ## Example
    ```python
    def positions(ids, order):
        order = list(order)
        return [order.index(i) for i in ids]
    ```

    ## Use instead
    ```python
    def positions(ids, order):
        where = {value: index for index, value in enumerate(order)}
        return [where[i] for i in ids]
    ```
    """
    if not isinstance(node, ast.Call):
        return
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in {"index", "count"}:
        return
    loop = enclosing_loop(node, ctx)
    if loop is None or not list_bound_outside(func.value, loop, ctx):
        return
    label = ctx.segment(func.value)
    yield _finding(
        ctx,
        node,
        loop,
        f"{label}.{func.attr}() scans the list on every iteration of the loop (quadratic)",
        "build a dict (value -> index) or a collections.Counter once, before the loop",
        collection=label,
    )


@rule(
    id="AS506",
    name="pairwise-loop-over-same-collection",
    family=Family.PERFORMANCE,
    severity=Severity.INFO,
    nodes=(ast.For,),
)
def pairwise_loop_over_same_collection(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Two nested loops over the same collection whose inner body compares elements.

    ## What it finds
    ``for a in xs: for b in xs: if a == b ...`` (also over ``range(len(xs))``): every pair
    is visited, ``len(xs)**2`` steps, to answer a question a set or dict answers in one pass
    (duplicates, pairs summing to a target, matching keys). Nested loops over different
    collections (rows × columns) stay silent.

    ## Why it matters for AI-written code
    The brute-force pairwise loop is the first solution an assistant writes for "find
    duplicates" or "two sum"; it passes the examples and times out on the real input.

    ## Example
    ```python
    def has_duplicates(items):
        for i in range(len(items)):
            for j in range(len(items)):
                if i != j and items[i] == items[j]:
                    return True
        return False
    ```

    ## Use instead
    ```python
    def has_duplicates(items):
        return len(set(items)) != len(items)
    ```
    """
    if not isinstance(node, ast.For):
        return
    outer = _collection_key(node.iter)
    if outer is None:
        return
    for inner in ast.walk(node):
        if inner is node or not isinstance(inner, ast.For):
            continue
        if _collection_key(inner.iter) != outer:
            continue
        if not any(
            isinstance(c, ast.Compare)
            and any(isinstance(op, (ast.Eq, ast.In, ast.NotIn, ast.Is)) for op in c.ops)
            for c in ast.walk(inner)
        ):
            continue
        yield ctx.finding(
            inner,
            f"nested loops both iterate over {outer!r} and compare elements: "
            f"O(n^2) pairs for n = len({outer})",
            evidence={"outer_loop_line": node.lineno, "collection": outer},
            fix="index the elements once in a set or dict and look each one up",
        )
        return


def _collection_key(iterable: ast.AST) -> str | None:
    """``xs`` for ``xs``, ``range(len(xs))``, ``enumerate(xs)``, ``xs[i+1:]``."""
    if isinstance(iterable, ast.Name):
        return iterable.id
    if isinstance(iterable, ast.Attribute):
        return ast.unparse(iterable)
    if isinstance(iterable, ast.Subscript) and isinstance(iterable.slice, ast.Slice):
        return _collection_key(iterable.value)
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name):
        if iterable.func.id == "enumerate" and iterable.args:
            return _collection_key(iterable.args[0])
        if iterable.func.id == "range" and iterable.args:
            last = iterable.args[1] if len(iterable.args) > 1 else iterable.args[0]
            if (
                isinstance(last, ast.Call)
                and isinstance(last.func, ast.Name)
                and last.func.id == "len"
                and last.args
            ):
                return _collection_key(last.args[0])
    return None


_HTTP_CALLS = frozenset(
    f"{lib}.{verb}"
    for lib in ("requests", "httpx")
    for verb in ("get", "post", "put", "patch", "delete", "head", "request")
) | {"urllib.request.urlopen"}
_DB_RECEIVER = frozenset(
    {"cursor", "cur", "conn", "connection", "db", "session", "engine", "con", "c", "database"}
)


@rule(
    id="AS507",
    name="query-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.Call,),
)
def query_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A database query or HTTP request issued once per item of a loop (N+1).

    ## What it finds
    Inside a loop over the input: ``cursor.execute(...)``, ``session.query(...)``,
    ``session.get(...)``, ``Model.objects.get/filter(...)``, ``Model.query.get(...)``, or
    ``requests``/``httpx``
    calls. Each iteration pays a round trip; one batched query (``WHERE id IN (...)``, a
    join, ``executemany``) or one bulk request does the same work once. ``executemany``,
    queries outside loops and loops over a small constant collection stay silent.

    ## Why it matters for AI-written code
    Assistants write data access one record at a time because that is how the prompt reads
    ("for each order, load its customer"). Latency grows with the data, not with the code.

    ## Example
    ```python
    import sqlite3


    def load_customers(conn: sqlite3.Connection, order_ids):
        cursor = conn.cursor()
        names = []
        for order_id in order_ids:
            cursor.execute("SELECT name FROM customers WHERE order_id = ?", (order_id,))
            names.append(cursor.fetchone())
        return names
    ```

    ## Use instead
    ```python
    import sqlite3


    def load_customers(conn: sqlite3.Connection, order_ids):
        marks = ",".join("?" * len(order_ids))
        cursor = conn.execute(
            f"SELECT name FROM customers WHERE order_id IN ({marks})", list(order_ids)
        )
        return cursor.fetchall()
    ```
    """
    if not isinstance(node, ast.Call):
        return
    kind = _query_kind(node, ctx)
    if kind is None:
        return
    loop = enclosing_loop(node, ctx)
    if loop is None or isinstance(loop, ast.While) or _counting_loop(loop):
        return
    yield ctx.finding(
        node,
        f"{kind} {ctx.segment(node.func)}(...) is issued once per loop iteration (N+1)",
        evidence={"loop_line": getattr(loop, "lineno", 0), "call": ctx.segment(node)[:160]},
        fix="batch it: one query with WHERE ... IN (...) / a join / executemany, or one bulk "
        "request, before the loop",
    )


def _counting_loop(loop: LoopNode) -> bool:
    """``for attempt in range(retries)``: retries and pagination, not one call per item."""
    iterable = _loop_iter(loop)
    return (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "range"
    )


def _query_kind(node: ast.Call, ctx: Context) -> str | None:
    name = ctx.qualname(node.func)
    if name in _HTTP_CALLS:
        return "HTTP request"
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    receiver_name = (
        receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", None)
    )
    if func.attr == "execute" and (
        receiver_name in _DB_RECEIVER or _bound_to_cursor(receiver, ctx)
    ):
        return "query"
    if func.attr in {"query", "get", "scalars", "scalar"} and receiver_name in {
        "session",
        "db",
        "db_session",
    }:
        return "query"
    if func.attr in {"get", "filter"} and receiver_name == "objects":
        return "ORM query"
    if func.attr in {"get", "filter_by", "get_or_404"} and receiver_name == "query":
        return "ORM query"
    if func.attr in {"get", "post"} and receiver_name in {"client", "http", "session"}:
        return "HTTP request" if _imports_any(ctx, {"requests", "httpx"}) else None
    return None


def _bound_to_cursor(receiver: ast.AST, ctx: Context) -> bool:
    if not isinstance(receiver, ast.Name):
        return False
    for _, value in _bindings(_scope(receiver, ctx), receiver.id):
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in {"cursor", "connect"}
        ):
            return True
    return False


def _imports_any(ctx: Context, modules: Iterable[str]) -> bool:
    wanted = set(modules)
    return any(b.target.partition(".")[0] in wanted for b in ctx.imports.values())


# ---------------------------------------------------------------- AS508: SQLite query plans

_DDL = re.compile(r"^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?(TABLE|(UNIQUE\s+)?INDEX)\b", re.I)
_KEYED = re.compile(
    r"(?:\b\w+\.)?\b(\w+)\s*=\s*(\?\d*|:\w+|@\w+|\$\w+|'[^']*'|-?\d+(?:\.\d+)?)", re.I
)
_FULL_SCAN = re.compile(r"^SCAN (?:TABLE )?(\w+)(?: AS \w+)?$")
_PLANNER = """
import sqlite3


def plans(ddl, queries):
    db = sqlite3.connect(":memory:")
    schema_errors = []
    for statement in ddl:
        try:
            db.executescript(statement)
        except sqlite3.Error as error:
            schema_errors.append(str(error))
    results = []
    for query in queries:
        try:
            cursor = db.execute("EXPLAIN QUERY PLAN " + query)
        except sqlite3.ProgrammingError:
            names = {}
            for part in query.replace("(", " ").replace(")", " ").replace(",", " ").split():
                if part[:1] in ":@$" and len(part) > 1:
                    names[part[1:]] = None
            try:
                cursor = db.execute("EXPLAIN QUERY PLAN " + query, names or [None] * query.count("?"))
            except sqlite3.Error as error:
                results.append(["error", str(error)])
                continue
        except sqlite3.Error as error:
            results.append(["error", str(error)])
            continue
        results.append(["plan", [row[3] for row in cursor.fetchall()]])
    return [schema_errors, results]
"""


@rule(
    id="AS508",
    name="sqlite-full-scan-on-keyed-lookup",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    kind="module",
)
def sqlite_full_scan_on_keyed_lookup(ctx: Context) -> Iterator[Finding]:
    """A SQLite query that looks up rows by a column but is planned as a full table scan.

    ## What it finds
    In a file that uses ``sqlite3`` and contains its schema (``CREATE TABLE`` / ``CREATE
    INDEX`` string literals), every literal SQL query passed to ``execute`` with an equality
    condition (``WHERE email = ?``) is planned with ``EXPLAIN QUERY PLAN`` against that schema
    in the sandbox. A plan step ``SCAN <table>`` (no index) for such a query is reported, with
    the plan as evidence. Queries on an indexed or primary-key column (``SEARCH ... USING
    INDEX``) and queries without a keyed condition stay silent. Runs only when dynamic
    checks are on (``--no-dynamic`` skips it).

    ## Why it matters for AI-written code
    Assistants write the schema and the queries in one answer and forget the index the
    queries need: every lookup reads the whole table, which is instant in the demo and
    linear per request in production.

    ## Example
    ```python
    import sqlite3

    db = sqlite3.connect("app.db")
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT)")


    def find_user(email):
        return db.execute("SELECT id, name FROM users WHERE email = ?", (email,)).fetchone()
    ```

    ## Use instead
    ```python
    import sqlite3

    db = sqlite3.connect("app.db")
    db.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT)")
    db.execute("CREATE UNIQUE INDEX users_email ON users (email)")


    def find_user(email):
        return db.execute("SELECT id, name FROM users WHERE email = ?", (email,)).fetchone()
    ```
    """
    if not ctx.settings.dynamic or not any(
        b.target.partition(".")[0] == "sqlite3" for b in ctx.imports.values()
    ):
        return
    ddl = [
        node.value
        for node in ast.walk(ctx.tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _DDL.match(node.value)
    ]
    queries = [(call, sql) for call, sql in _executed_sql(ctx) if _keyed_columns(sql)]
    if not ddl or not queries:
        return
    from assay.errors import SandboxError

    try:
        planned = _plan(ddl, [sql for _, sql in queries])
    except SandboxError as error:
        # Say so rather than pretend the queries were planned.
        yield ctx.finding(
            queries[0][0],
            f"{len(queries)} keyed SQLite queries were not planned: the sandbox cannot run here",
            evidence={"reason": str(error), "queries": len(queries)},
            fix="run `assay sandbox doctor` to see what isolation is missing",
            severity=Severity.INFO,
        )
        return
    if planned is None:
        return
    for (call, sql), (kind, plan) in zip(queries, planned, strict=False):
        if kind != "plan" or not isinstance(plan, list):
            continue
        scans = [m.group(1) for step in plan if (m := _FULL_SCAN.match(str(step)))]
        if not scans:
            continue
        columns = _keyed_columns(sql)
        table, column = scans[0], columns[0]
        yield ctx.finding(
            call,
            f"query looks rows up by {', '.join(columns)} but SQLite plans a full scan of "
            f"{', '.join(scans)} (no index on the lookup column)",
            evidence={
                "query": " ".join(sql.split()),
                "plan": [str(step) for step in plan],
                "lookup_columns": columns,
                "schema_statements": len(ddl),
            },
            fix=f"CREATE INDEX {table}_{column} ON {table} ({column}) in the schema",
        )


def _executed_sql(ctx: Context) -> Iterator[tuple[ast.Call, str]]:
    constants = _string_constants(ctx.tree)
    for node in ast.walk(ctx.tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"execute", "executemany"}
            and node.args
        ):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            sql: str | None = first.value
        elif isinstance(first, ast.Name):
            sql = constants.get(first.id)
        else:
            sql = None
        if sql and re.match(r"\s*(SELECT|UPDATE|DELETE)\b", sql, re.I):
            yield node, sql


def _string_constants(tree: ast.Module) -> dict[str, str]:
    """Names assigned exactly one string literal anywhere in the file."""
    seen: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and isinstance(node.value, ast.Constant):
                if isinstance(node.value.value, str):
                    seen.setdefault(target.id, []).append(node.value.value)
    return {name: values[0] for name, values in seen.items() if len(values) == 1}


def _keyed_columns(sql: str) -> list[str]:
    """Columns compared for equality with a value in the WHERE clause."""
    match = re.search(r"\bWHERE\b(.*)", sql, re.I | re.S)
    if match is None:
        return []
    clause = re.split(r"\b(GROUP|ORDER|LIMIT|HAVING)\b", match.group(1), flags=re.I)[0]
    return list(dict.fromkeys(m.group(1) for m in _KEYED.finditer(clause)))


def _plan(ddl: list[str], queries: list[str]) -> list[tuple[str, object]] | None:
    """Plan `queries` against `ddl` in the sandbox: one ``("plan", [steps])`` or
    ``("error", message)`` per query; None when the planner did not run."""
    from assay.sandbox import Call, Job, Limits, run_job

    job = Job(
        source=_PLANNER,
        calls=(Call.function("plans", ddl, queries),),
        limits=Limits(timeout_s=10.0, memory_mb=256),
        name="explain-query-plan",
    )
    outcome = run_job(job).outcomes[0]
    value = outcome.value
    if not outcome.ok or not (isinstance(value, list) and len(value) == 2):
        return None
    results = value[1]
    if not isinstance(results, list):
        return None
    return [
        (str(item[0]), item[1]) for item in results if isinstance(item, list) and len(item) == 2
    ]


declare(
    id="AS509",
    name="superlinear-growth-measured",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    confidence="medium",
    module=__name__,
    docs="""A function whose measured running time grows faster than its output justifies.

    ## What it finds
    Functions assay can feed at a chosen size (type hints such as ``list[int]``, ``str``,
    ``dict[str, int]``) are timed in the sandbox at doubling sizes (64, 128, ... elements;
    five repetitions, the minimum kept) and the growth exponent is fitted on a log-log
    scale (`assay.behaviour.stages.complexity`). It is reported when the exponent is at least 1.5
    while the result grows at most linearly (so an ``O(n log n)`` version exists), or when
    another version of the function in the same file (``f_v1`` / ``f_v2``) grows at least
    0.5 lower. Evidence: the timing series and the fitted exponents.

    ## Why it matters for AI-written code
    Static shapes miss quadratic work hidden in helpers or library calls; the clock does
    not. Generated code is usually tried on a handful of elements, where n² and n log n
    look the same.

    ## Example
    ```python
    def count_repeats(values: list[int]) -> int:
        repeats = 0
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                if values[i] == values[j]:
                    repeats += 1
                    break
        return repeats
    ```

    ## Use instead
    ```python
    def count_repeats(values: list[int]) -> int:
        return len(values) - len(set(values))
    ```
    """,
)


_ORM_ITERATORS = frozenset({"query", "scalars", "all", "filter", "filter_by", "objects"})
_EAGER = re.compile(
    r"\b(joinedload|selectinload|subqueryload|contains_eager|immediateload|"
    r"select_related|prefetch_related|raiseload)\b"
)


@rule(
    id="AS510",
    name="lazy-load-in-loop",
    family=Family.PERFORMANCE,
    severity=Severity.WARNING,
    nodes=(ast.For, ast.comprehension),
    confidence="medium",
)
def lazy_load_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A loop over ORM query results that reads a related object of every row (N+1).

    ## What it finds
    ``for order in session.scalars(select(Order)):`` (or ``session.query(...)``,
    ``Model.objects.all()``...) whose body reads ``order.customer.name`` or loops over
    ``order.items``: with lazy relationships each row triggers one more query. Loops whose
    query asks for eager loading (``joinedload``, ``selectinload``, ``select_related``,
    ``prefetch_related``...) stay silent, as do loops over plain lists.

    ## Why it matters for AI-written code
    The ORM hides the query, so the assistant's answer reads like ordinary attribute
    access; the database sees one query per row.

    ## Example
    ```python
    from sqlalchemy import select


    def order_lines(session, Order):
        lines = []
        for order in session.scalars(select(Order)):
            lines.append(f"{order.id}: {order.customer.name}")
        return lines
    ```

    ## Use instead
    ```python
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload


    def order_lines(session, Order):
        query = select(Order).options(joinedload(Order.customer))
        return [f"{order.id}: {order.customer.name}" for order in session.scalars(query)]
    ```
    """
    if not isinstance(node, (ast.For, ast.comprehension)) or not isinstance(node.target, ast.Name):
        return
    source = _query_source(node.iter, ctx)
    if source is None or _EAGER.search(source):
        return
    row = node.target.id
    body = ctx.parent(node) if isinstance(node, ast.comprehension) else node
    for child in ast.walk(body or node):
        related = _related_access(child, row)
        if related is None:
            continue
        yield ctx.finding(
            child,
            f"{related} is loaded lazily for every row of the query in the loop (one query "
            "per row, N+1)",
            evidence={
                "loop_line": getattr(node, "lineno", node.iter.lineno),
                "query": " ".join(source.split())[:200],
            },
            fix="load the relationship with the query (joinedload / selectinload, or "
            "select_related / prefetch_related in Django)",
        )
        return


def _query_source(iterable: ast.AST, ctx: Context) -> str | None:
    """The source of the ORM query `iterable` runs (through one assignment), or None."""
    expression = iterable
    if isinstance(iterable, ast.Name):
        values = [v for _, v in _bindings(_scope(iterable, ctx), iterable.id) if v is not None]
        if len(values) != 1:
            return None
        expression = values[0]
    calls = [n for n in ast.walk(expression) if isinstance(n, ast.Call)]
    methods = {c.func.attr for c in calls if isinstance(c.func, ast.Attribute)}
    names = {n.attr for n in ast.walk(expression) if isinstance(n, ast.Attribute)}
    if not (methods & _ORM_ITERATORS) or not ({"query", "scalars", "objects"} & names):
        return None
    text = ctx.segment(expression)
    if isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute):
        # session.scalars(query): the eager-loading options live where `query` was built.
        for argument in expression.args:
            if isinstance(argument, ast.Name):
                bound = [v for _, v in _bindings(_scope(argument, ctx), argument.id) if v]
                text += " " + " ".join(ctx.segment(v) for v in bound)
    return text


def _related_access(node: ast.AST, row: str) -> str | None:
    """``row.rel.attr`` (a related object's field) or ``for x in row.rel`` (a collection)."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == row
    ):
        return f"{row}.{node.value.attr}"
    if (
        isinstance(node, (ast.For, ast.comprehension))
        and isinstance(node.iter, ast.Attribute)
        and isinstance(node.iter.value, ast.Name)
        and node.iter.value.id == row
    ):
        return f"{row}.{node.iter.attr}"
    return None
