"""A light, intra-procedural data flow: where does the value reaching a sink come from?

Security rules ask one question of an expression at a sink (``cursor.execute(q)``,
``open(p)``, ``eval(s)``): which *sources* can its value come from, and was it assembled by
string interpolation on the way? The answer is a `Flow`. Sources are:

* ``request``: web request data (``request.args[...]``, ``request.get_json()``, Django's
  ``request.GET``, parameters of a route-decorated function);
* ``input``: ``input()``, ``sys.argv``, ``sys.stdin``, data read from a socket;
* ``environment``: ``os.environ``, ``os.getenv()``;
* ``param``: a parameter of the enclosing function (provenance unknown to this function);
* ``call``: the result of some other call (non-constant, provenance unknown; a file's
  ``read()`` is one).

Constants (literals, module-level constants, names bound by imports) carry no source, and
sanitizers (``int``, ``shlex.quote``, ``secure_filename``, ``os.path.basename``, ...) clean
what passes through them. Within a function, assignments are followed in source order (the
last unconditional assignment before a use, plus any conditional ones after it); items put
into a container (``d[k] = v``, ``items.append(v)``) taint the container. Across the module,
a call to a function of the same file is replaced by that function's *summary*, computed
once per function: which of its parameters reach its return value, and which sources it
reads itself — so ``def page(name): return "<p>" + name`` passes its argument on, and
``def clean(name): return html.escape(name)`` does not. ``self.attribute`` read in a method
carries what any method of the class assigns to it. Nothing is followed through aliasing or
through other modules. The analysis exists to keep false positives down — a constant or
parameterised query must stay silent — not to prove exploitability.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from assay.rules._context import Context
from assay.syntax import FUNCTION_SCOPES, call_name, dotted_name, own_nodes

__all__ = [
    "REQUEST_ATTRIBUTES",
    "Flow",
    "FunctionFlow",
    "ModuleFlows",
    "Source",
    "SourceKind",
    "Summary",
    "is_request_expression",
    "is_route",
    "module_flows",
]

SourceKind: TypeAlias = Literal["request", "input", "environment", "param", "call"]
QualnameResolver: TypeAlias = Callable[[ast.AST], "str | None"]
FunctionNode: TypeAlias = "ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda"
Scope: TypeAlias = "ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.Module"

#: Attributes of a web framework's request object that carry client-controlled data.
REQUEST_ATTRIBUTES = frozenset(
    {
        "args", "form", "values", "json", "data", "files", "cookies", "headers", "get_json",
        "get_data", "GET", "POST", "body", "query_params", "path_params", "query_string",
        "params", "view_args", "match_info", "query", "stream", "content", "text",
        "FILES", "COOKIES", "META", "environ",
    }
)  # fmt: skip
_REQUEST_NAMES = frozenset({"request", "req"})
_ROUTE_DECORATORS = frozenset(
    {"route", "get", "post", "put", "delete", "patch", "api_route", "websocket", "api_view"}
)
_SANITIZERS = frozenset(
    {
        "int", "float", "bool", "len", "abs", "round", "ord", "hash", "id", "range",
        "shlex.quote", "pipes.quote", "html.escape", "markupsafe.escape", "flask.escape",
        "bleach.clean", "werkzeug.utils.secure_filename", "secure_filename",
        "os.path.basename", "werkzeug.security.safe_join", "werkzeug.utils.safe_join",
        "flask.safe_join", "safe_join", "urllib.parse.quote", "urllib.parse.quote_plus",
        "flask.url_for", "url_for", "django.urls.reverse", "reverse", "uuid.uuid4",
        "uuid.uuid1", "time.time", "time.monotonic", "datetime.datetime.now",
        "datetime.datetime.utcnow", "datetime.date.today", "secrets.token_hex",
        "secrets.token_urlsafe", "json.dumps", "isinstance", "sum", "min", "max", "sorted",
    }
)  # fmt: skip
_SANITIZER_WORDS = ("sanitiz", "sanitis", "escape", "quote", "validat", "safe_", "clean_")
_INPUT_CALLS = frozenset({"input", "builtins.input", "sys.stdin.readline", "sys.stdin.read"})
_ENVIRONMENT_CALLS = frozenset({"os.getenv", "os.environ.get", "os.getenvb"})
#: Methods whose result is data received from the network (any receiver: a socket).
_SOCKET_READS = frozenset({"recv", "recvfrom", "recv_into", "recvmsg"})
#: Methods that put their (last) argument into the container they are called on.
_CONTAINER_ADDS = frozenset(
    {"append", "extend", "add", "insert", "update", "appendleft", "extendleft", "setdefault"}
)


@dataclass(frozen=True)
class Source:
    """Where a value can come from: its kind, the source text and its line."""

    kind: SourceKind
    description: str
    line: int


@dataclass(frozen=True)
class Flow:
    """What is known about the value of one expression.

    Attributes:
        sources: every source the value can come from (empty: a constant or sanitized).
        interpolated: the value was assembled by f-string, ``%``, ``+`` or ``.format`` with
            at least one non-constant part.
        via: the names the value travelled through, e.g. ``("query (line 4)",)``.
    """

    sources: frozenset[Source] = frozenset()
    interpolated: bool = False
    via: tuple[str, ...] = ()

    @property
    def constant(self) -> bool:
        """True when no source reaches the value."""
        return not self.sources

    def kinds(self) -> set[SourceKind]:
        """The kinds of the sources reaching the value."""
        return {s.kind for s in self.sources}

    def from_kinds(self, kinds: Iterable[SourceKind]) -> list[Source]:
        """The sources of the given kinds, ordered by line, then by name: the order of a set
        must not change a message from one process to the next."""
        wanted = set(kinds)
        chosen = (s for s in self.sources if s.kind in wanted)
        return sorted(chosen, key=lambda s: (s.line, s.description))

    def evidence(self, kinds: Iterable[SourceKind] | None = None) -> dict[str, object]:
        """A JSON-ready description: the sources (of `kinds`, default all) and the path."""
        wanted = set(kinds) if kinds is not None else {s.kind for s in self.sources}
        chosen = (s for s in self.sources if s.kind in wanted)
        ordered = sorted(chosen, key=lambda s: (s.line, s.description))
        return {
            "sources": [{"kind": s.kind, "source": s.description, "line": s.line} for s in ordered],
            "via": list(self.via),
        }


_CLEAN = Flow()


def _merge(flows: Iterable[Flow], *, interpolated: bool = False) -> Flow:
    sources: set[Source] = set()
    via: list[str] = []
    was_interpolated = False
    for flow in flows:
        sources |= flow.sources
        was_interpolated = was_interpolated or flow.interpolated
        via.extend(step for step in flow.via if step not in via)
    return Flow(
        frozenset(sources), was_interpolated or (interpolated and bool(sources)), tuple(via)
    )


@dataclass
class _Binding:
    line: int
    value: ast.AST | None
    unconditional: bool
    source: Source | None = None
    element: bool = False
    loop: bool = False


def is_request_expression(expr: ast.AST) -> bool:
    """True for ``request.<attribute>...`` chains that read client-controlled data."""
    chain: list[str] = []
    current = expr
    while True:
        if isinstance(current, ast.Attribute):
            chain.append(current.attr)
            current = current.value
        elif isinstance(current, ast.Call):
            current = current.func
        elif isinstance(current, ast.Subscript):
            current = current.value
        else:
            break
    if not isinstance(current, ast.Name) or current.id not in _REQUEST_NAMES or not chain:
        return False
    return chain[-1] in REQUEST_ATTRIBUTES


def is_route(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True for a web handler: a function decorated with ``@app.route``/``@router.get``/...
    (its parameters are request data)."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in _ROUTE_DECORATORS:
            return True
    return False


@dataclass
class FunctionFlow:
    """The data flow of one function (or of module-level code).

    Build it with `ModuleFlows.of`; ask `flow(expr)` for any expression inside it.
    """

    scope: Scope
    resolve: QualnameResolver
    module: ModuleFlows | None = None
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    guards: dict[str, list[int]] = field(default_factory=dict)
    parameters: dict[str, Source] = field(default_factory=dict)
    _memo: dict[int, Flow] = field(default_factory=dict, repr=False)
    _active: set[int] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.scope, ast.Module):
            self._bind_parameters(self.scope)
        body = self.scope.body
        if isinstance(body, list):
            for statement in body:
                self._collect(statement, unconditional=True)
        else:
            self._collect_expression(body)

    # -- building ---------------------------------------------------------------------------

    def _bind_parameters(self, scope: FunctionNode) -> None:
        route = isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_route(scope)
        arguments = scope.args
        every = [
            *arguments.posonlyargs,
            *arguments.args,
            *arguments.kwonlyargs,
            *([arguments.vararg] if arguments.vararg else []),
            *([arguments.kwarg] if arguments.kwarg else []),
        ]
        typed = (
            _typed_route_parameters(scope)
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) and route
            else set()
        )
        for argument in every:
            if argument.arg in {"self", "cls"}:
                continue
            if argument.arg in typed:
                continue  # an int/float/UUID parameter: the framework converted it
            kind: SourceKind = "request" if route else "param"
            source = Source(kind, f"parameter {argument.arg!r}", scope.lineno)
            self.parameters[argument.arg] = source
            self.bindings.setdefault(argument.arg, []).append(
                _Binding(scope.lineno, None, unconditional=True, source=source)
            )

    def _bind(self, target: ast.AST, value: ast.AST | None, line: int, unconditional: bool, *, element: bool = False, loop: bool = False) -> None:  # fmt: skip
        if isinstance(target, ast.Name):
            self.bindings.setdefault(target.id, []).append(
                _Binding(line, value, unconditional, element=element, loop=loop)
            )
        elif isinstance(target, (ast.Tuple, ast.List)):
            for item in target.elts:
                self._bind(item, value, line, unconditional, element=True, loop=loop)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, value, line, unconditional, element=element, loop=loop)

    def _collect(self, statement: ast.stmt, *, unconditional: bool) -> None:
        line = statement.lineno
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                self._bind(target, statement.value, line, unconditional)
                self._bind_item(target, statement.value, line)
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            if (
                isinstance(call.func, ast.Attribute)
                and call.func.attr in _CONTAINER_ADDS
                and isinstance(call.func.value, ast.Name)
                and (call.args or call.keywords)
            ):
                added = call.args[-1] if call.args else call.keywords[-1].value
                self._bind(call.func.value, added, line, False, element=True)
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            self._bind(statement.target, statement.value, line, unconditional)
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            combined = ast.BinOp(left=statement.target, op=statement.op, right=statement.value)
            ast.copy_location(combined, statement)
            self._bind(statement.target, combined, line, unconditional)
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            self._bind(statement.target, statement.iter, line, False, element=True, loop=True)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, item.context_expr, line, unconditional)
        elif isinstance(statement, ast.If):
            self._record_guard(statement)
        for child in ast.iter_child_nodes(statement):
            if isinstance(child, ast.stmt):
                self._collect(child, unconditional=False)
            elif isinstance(child, ast.expr):
                self._collect_expression(child)
            elif isinstance(child, ast.ExceptHandler):
                for inner in child.body:
                    self._collect(inner, unconditional=False)

    def _bind_item(self, target: ast.AST, value: ast.AST, line: int) -> None:
        """``d[key] = value``: the container now also holds `value` (never a whole
        reassignment, so it merges with what the container held before)."""
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            self._bind(target.value, value, line, False, element=True)

    def _collect_expression(self, expr: ast.AST) -> None:
        for node in ast.walk(expr):
            if isinstance(node, ast.NamedExpr):
                self._bind(node.target, node.value, node.lineno, False)

    def _record_guard(self, statement: ast.If) -> None:
        """Names tested by an ``if`` whose body leaves (raise/return/abort) are validated."""
        leaves = any(
            isinstance(s, (ast.Raise, ast.Return, ast.Continue, ast.Break))
            or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and call_name(s.value) in {"abort", "flask.abort"})
            for s in statement.body
        )  # fmt: skip
        if not leaves or not _validates(statement.test):
            return
        for node in ast.walk(statement.test):
            # `if "next" in request.args:` asks whether a value is there, not what it is:
            # the request object itself is never validated by a test that mentions it.
            if isinstance(node, ast.Name) and node.id not in _REQUEST_NAMES:
                self.guards.setdefault(node.id, []).append(statement.lineno)

    # -- querying ---------------------------------------------------------------------------

    def guarded(self, name: str, line: int) -> bool:
        """True when `name` is tested by a leaving ``if`` before `line`."""
        return any(guard < line for guard in self.guards.get(name, ()))

    def flow(self, expr: ast.AST, line: int | None = None) -> Flow:
        """The flow of `expr`, evaluated at `line` (default: the expression's own line)."""
        at = line if line is not None else getattr(expr, "lineno", 0)
        return self._flow(expr, at, {})

    def _flow(self, expr: ast.AST, line: int, local: dict[str, Flow]) -> Flow:
        if isinstance(expr, ast.Constant):
            return _CLEAN
        if isinstance(expr, ast.Name):
            if expr.id in local:
                return local[expr.id]
            return self._name(expr.id, line)
        if isinstance(expr, ast.JoinedStr):
            parts = [self._flow(v, line, local) for v in expr.values]
            return _merge(parts, interpolated=True)
        if isinstance(expr, ast.FormattedValue):
            return self._flow(expr.value, line, local)
        if isinstance(expr, ast.BinOp):
            parts = [self._flow(expr.left, line, local), self._flow(expr.right, line, local)]
            stringy = isinstance(expr.op, (ast.Add, ast.Mod))
            return _merge(parts, interpolated=stringy)
        if isinstance(expr, ast.IfExp):
            return _merge(
                [self._flow(expr.body, line, local), self._flow(expr.orelse, line, local)]
            )
        if isinstance(expr, ast.BoolOp):
            return _merge(self._flow(v, line, local) for v in expr.values)
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return _merge(self._flow(e, line, local) for e in expr.elts)
        if isinstance(expr, ast.Dict):
            return _merge(self._flow(v, line, local) for v in expr.values)
        if isinstance(expr, ast.Starred):
            return self._flow(expr.value, line, local)
        if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self._comprehension(expr, line, local)
        if isinstance(expr, ast.Subscript):
            if self._is_request(expr):
                return self._request(expr)
            return self._flow(expr.value, line, local)
        if isinstance(expr, ast.Attribute):
            if self._is_request(expr):
                return self._request(expr)
            resolved = self.resolve(expr)
            if resolved in {"sys.argv", "sys.stdin"}:
                return Flow(frozenset({Source("input", resolved, expr.lineno)}))
            if resolved == "os.environ":
                return Flow(frozenset({Source("environment", "os.environ", expr.lineno)}))
            attribute = self._self_attribute(expr)
            if attribute is not None:
                return attribute
            return self._flow(expr.value, line, local)
        if isinstance(expr, ast.Call):
            return self._call(expr, line, local)
        if isinstance(expr, ast.NamedExpr):
            return self._flow(expr.value, line, local)
        if isinstance(expr, ast.Await):
            return self._flow(expr.value, line, local)
        return _CLEAN

    def _is_request(self, expr: ast.AST) -> bool:
        """A request-data chain whose root is not a local variable that happens to be
        called ``request`` (``request = urllib.request.Request(url)``)."""
        if not is_request_expression(expr):
            return False
        root = expr
        while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
            root = root.func if isinstance(root, ast.Call) else root.value
        if not isinstance(root, ast.Name):
            return False
        return not any(b.value is not None for b in self.bindings.get(root.id, ()))

    def _request(self, expr: ast.AST) -> Flow:
        text = _dotted_with_subscripts(expr)
        return Flow(frozenset({Source("request", text, getattr(expr, "lineno", 0))}))

    def _comprehension(
        self,
        expr: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
        line: int,
        local: dict[str, Flow],
    ) -> Flow:
        inner = dict(local)
        for generator in expr.generators:
            iterated = self._flow(generator.iter, line, inner)
            for target in ast.walk(generator.target):
                if isinstance(target, ast.Name):
                    inner[target.id] = iterated
        if isinstance(expr, ast.DictComp):
            return _merge([self._flow(expr.key, line, inner), self._flow(expr.value, line, inner)])
        return self._flow(expr.elt, line, inner)

    def _call(self, call: ast.Call, line: int, local: dict[str, Flow]) -> Flow:
        name = call_name(call)
        qualified = self.resolve(call.func) or name
        if self._is_request(call):
            return self._request(call)
        if qualified in _INPUT_CALLS or name == "input":
            return Flow(frozenset({Source("input", f"{name}()", call.lineno)}))
        if qualified in _ENVIRONMENT_CALLS:
            text = _dotted_with_subscripts(call)
            return Flow(frozenset({Source("environment", text, call.lineno)}))
        if isinstance(call.func, ast.Attribute) and call.func.attr in _SOCKET_READS:
            text = f"{_dotted_with_subscripts(call.func)}()"
            return Flow(frozenset({Source("input", text, call.lineno)}))
        if qualified in _SANITIZERS or name in _SANITIZERS or _sanitizer_name(name):
            return _CLEAN
        summarised = self._summarised_call(call, line, local)
        if summarised is not None:
            return summarised
        arguments = [*call.args, *(k.value for k in call.keywords)]
        parts = [self._flow(a, line, local) for a in arguments]
        if isinstance(call.func, ast.Attribute):
            receiver = self._flow(call.func.value, line, local)
            if call.func.attr == "format" or call.func.attr == "join":
                return _merge([receiver, *parts], interpolated=True)
            return _merge([receiver, *parts])
        merged = _merge(parts)
        if (
            merged.constant
            and arguments == []
            and name not in {"dict", "list", "set", "tuple", "str"}
        ):
            return Flow(frozenset({Source("call", f"{name}()", call.lineno)}))
        return merged

    def _summarised_call(self, call: ast.Call, line: int, local: dict[str, Flow]) -> Flow | None:
        """The flow of a call to a function of this module, through its summary: the
        arguments of the parameters that reach its return value, plus what it reads itself.
        None when the callee is not a function of this file (or is being summarised)."""
        if self.module is None:
            return None
        callee = self._local_callee(call.func)
        if callee is None:
            return None
        function, bound = callee
        summary = self.module.summary(function)
        if summary is None:
            return None
        arguments = _arguments_by_parameter(
            call, summary.parameters[1:] if bound else summary.parameters
        )
        if arguments is None:
            return None
        parts = [summary.own]
        parts.extend(
            self._flow(arguments[p], line, local) for p in summary.passes if p in arguments
        )
        merged = _merge(parts, interpolated=summary.interpolated)
        if not merged.sources:
            return _CLEAN
        step = f"{function.name}() (line {call.lineno})"
        return Flow(merged.sources, merged.interpolated, (*merged.via, step))

    def _local_callee(
        self, func: ast.AST
    ) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool] | None:
        """The function of this module that `func` names (``helper``, ``self.helper``), and
        whether it is called bound (its first parameter is the instance)."""
        if self.module is None:
            return None
        if isinstance(func, ast.Name):
            if func.id in self.bindings:
                return None  # a local variable of that name, not the module's function
            found = self.module.function_named(func.id)
            return (found, False) if found is not None else None
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == self._self_name()
        ):
            method = self.module.method_named(self.scope, func.attr)
            return (method, True) if method is not None else None
        return None

    def _self_name(self) -> str | None:
        """The first parameter of a method (``self``), None outside methods."""
        if self.module is None or isinstance(self.scope, (ast.Module, ast.Lambda)):
            return None
        if self.module.class_of(self.scope) is None:
            return None
        positional = [*self.scope.args.posonlyargs, *self.scope.args.args]
        return positional[0].arg if positional else None

    def _self_attribute(self, expr: ast.Attribute) -> Flow | None:
        """``self.name`` in a method: what the class's methods assign to it."""
        if (
            self.module is None
            or not isinstance(expr.value, ast.Name)
            or expr.value.id != self._self_name()
            or not isinstance(self.scope, (ast.FunctionDef, ast.AsyncFunctionDef))
        ):
            return None
        return self.module.attribute_flow(self.scope, expr.attr)

    def _name(self, name: str, line: int) -> Flow:
        history = [b for b in self.bindings.get(name, ()) if b.line < line or b.source is not None]
        if not history:
            return _CLEAN
        start = 0
        for index, binding in enumerate(history):
            if binding.unconditional:
                start = index
        return _merge(self._binding_flow(name, b) for b in history[start:])

    def _binding_flow(self, name: str, binding: _Binding) -> Flow:
        if binding.source is not None:
            return Flow(frozenset({binding.source}))
        if binding.value is None:
            return _CLEAN
        key = id(binding)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return _CLEAN
        self._active.add(key)
        try:
            inner = self._flow(binding.value, binding.line, {})
        finally:
            self._active.discard(key)
        step = f"{name} (line {binding.line})"
        result = (
            Flow(inner.sources, inner.interpolated, (*inner.via, step)) if inner.sources else inner
        )
        self._memo[key] = result
        return result

    def assigned_values(self, name: str, line: int) -> list[ast.AST]:
        """The expressions assigned to `name` that can reach `line` (for shape questions)."""
        history = [b for b in self.bindings.get(name, ()) if b.line < line and b.value is not None]
        start = 0
        for index, binding in enumerate(history):
            if binding.unconditional:
                start = index
        return [b.value for b in history[start:] if b.value is not None and not b.element]


#: Route converters and annotations that leave no room for text an attacker chooses.
_NUMERIC_CONVERTERS = frozenset({"int", "float", "uuid", "path_int"})
_NUMERIC_ANNOTATIONS = frozenset({"int", "float", "bool", "UUID", "uuid.UUID", "datetime"})
_CONVERTED = re.compile(r"<(\w+)(?:\([^)]*\))?:(\w+)>")


def _typed_route_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Parameters a route receives already converted to a number or UUID: Flask's
    ``<int:id>`` and FastAPI/Starlette's ``id: int`` annotation."""
    typed: set[str] = set()
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            for argument in decorator.args:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    for converter, name in _CONVERTED.findall(argument.value):
                        if converter in _NUMERIC_CONVERTERS:
                            typed.add(name)
    arguments = function.args
    for parameter in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        annotation = parameter.annotation
        if annotation is not None and dotted_name(annotation) in _NUMERIC_ANNOTATIONS:
            typed.add(parameter.arg)
    return typed


def _validates(test: ast.AST) -> bool:
    """A test that inspects a value (``is_safe(x)``, ``x.startswith(BASE)``, ``".." in x``,
    ``urlparse(x).netloc``), not one that only checks it is present (``not x``)."""
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and call_name(node) not in {"len", "bool", "isinstance"}:
            return True
        if isinstance(node, ast.Compare) and any(
            isinstance(op, (ast.In, ast.NotIn)) for op in node.ops
        ):
            return True
        if isinstance(node, ast.Attribute) and node.attr in {"netloc", "scheme", "hostname"}:
            return True
    return False


def _dotted_with_subscripts(expr: ast.AST) -> str:
    try:
        return ast.unparse(expr)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return dotted_name(expr) or type(expr).__name__


def _arguments_by_parameter(
    call: ast.Call, parameters: tuple[str, ...]
) -> dict[str, ast.expr] | None:
    """Which argument expression each parameter receives; None when ``*args``/``**kwargs``
    at the call make that unknowable."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    bound = dict(zip(parameters, call.args, strict=False))
    bound.update({k.arg: k.value for k in call.keywords if k.arg is not None})
    return bound


def _sanitizer_name(name: str) -> bool:
    last = name.rsplit(".", 1)[-1].lower()
    return any(word in last for word in _SANITIZER_WORDS)


@dataclass(frozen=True)
class Summary:
    """What a function of the module hands back to its callers.

    Attributes:
        parameters: its parameter names, positional ones first in order.
        passes: the parameters whose values can reach its return value.
        own: the sources its return value reads itself (request data, input, other calls).
        interpolated: its return value is assembled by string interpolation.
    """

    parameters: tuple[str, ...]
    passes: frozenset[str]
    own: Flow
    interpolated: bool


class ModuleFlows:
    """Lazily built `FunctionFlow`s for every scope of one module, with the summaries of
    its functions and the attributes its classes assign."""

    def __init__(self, tree: ast.Module, resolve: QualnameResolver) -> None:
        self.tree = tree
        self.resolve = resolve
        self._scopes: dict[int, FunctionFlow] = {}
        self._parents: dict[int, Scope] = {}
        for scope in _scopes(tree):
            for child in _direct_children(scope):
                self._parents[id(child)] = scope
        self._functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for statement in tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._functions[statement.name] = statement
        self._classes: dict[int, ast.ClassDef] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self._classes[id(item)] = node
        self._summaries: dict[int, Summary | None] = {}
        self._attributes: dict[tuple[int, str], Flow] = {}
        self._busy: set[object] = set()

    def function_named(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The module-level function called `name`, if the module defines one."""
        return self._functions.get(name)

    def class_of(self, function: ast.AST) -> ast.ClassDef | None:
        """The class whose body defines `function` (a method), else None."""
        return self._classes.get(id(function))

    def method_named(
        self, function: ast.AST, name: str
    ) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The method `name` of the class that defines the method `function`."""
        owner = self.class_of(function)
        if owner is None:
            return None
        for item in owner.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == name:
                if any(_decorator_name(d) == "staticmethod" for d in item.decorator_list):
                    return None
                return item
        return None

    def summary(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Summary | None:
        """The summary of `function`, computed once; None for generators and while it is
        being computed (a recursive call falls back to passing every argument on)."""
        key = id(function)
        if key in self._summaries:
            return self._summaries[key]
        if key in self._busy:
            return None
        children = list(_direct_children(function))
        if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in children):
            self._summaries[key] = None
            return None
        self._busy.add(key)
        try:
            flows = self.of(function.body[0])
            returned = [n.value for n in children if isinstance(n, ast.Return) and n.value]
            merged = _merge(flows.flow(value) for value in returned)
        finally:
            self._busy.discard(key)
        by_source = {source: name for name, source in flows.parameters.items()}
        arguments = function.args
        summary = Summary(
            parameters=tuple(a.arg for a in [*arguments.posonlyargs, *arguments.args]),
            passes=frozenset(by_source[s] for s in merged.sources if s in by_source),
            own=Flow(
                frozenset(s for s in merged.sources if s not in by_source),
                merged.interpolated,
                merged.via,
            ),
            interpolated=merged.interpolated,
        )
        self._summaries[key] = summary
        return summary

    def attribute_flow(self, method: ast.AST, name: str) -> Flow:
        """What the methods of `method`'s class assign to ``self.<name>``, merged."""
        owner = self.class_of(method)
        if owner is None:
            return _CLEAN
        key = (id(owner), name)
        if key in self._attributes:
            return self._attributes[key]
        if key in self._busy:
            return _CLEAN
        self._busy.add(key)
        try:
            parts = []
            for item in owner.body:
                if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                positional = [*item.args.posonlyargs, *item.args.args]
                if not positional:
                    continue
                instance = positional[0].arg
                for node in _direct_children(item):
                    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                        continue
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    if any(_is_attribute_of(t, instance, name) for t in targets):
                        inner = self.of(node).flow(node.value, node.lineno)
                        step = f"self.{name} (line {node.lineno})"
                        parts.append(Flow(inner.sources, inner.interpolated, (*inner.via, step)))
            result = _merge(parts)
        finally:
            self._busy.discard(key)
        self._attributes[key] = result
        return result

    def scope_of(self, node: ast.AST) -> Scope:
        """The innermost function (or the module) whose code contains `node`."""
        return self._parents.get(id(node), self.tree)

    def of(self, node: ast.AST) -> FunctionFlow:
        """The data flow of the scope containing `node`."""
        scope = self.scope_of(node)
        key = id(scope)
        if key not in self._scopes:
            self._scopes[key] = FunctionFlow(scope, self.resolve, self)
        return self._scopes[key]

    def flow(self, expr: ast.AST) -> Flow:
        """The flow of `expr` in its own scope."""
        return self.of(expr).flow(expr)


def _is_attribute_of(target: ast.AST, instance: str, name: str) -> bool:
    return (
        isinstance(target, ast.Attribute)
        and target.attr == name
        and isinstance(target.value, ast.Name)
        and target.value.id == instance
    )


def _decorator_name(decorator: ast.AST) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr
    return getattr(target, "id", "")


def _scopes(tree: ast.Module) -> Iterator[Scope]:
    yield tree
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield node


def _direct_children(scope: Scope) -> Iterator[ast.AST]:
    """Every node inside `scope` that is not inside a nested function (a class body runs
    in place, so its statements are the scope's own)."""
    roots: list[ast.AST]
    if isinstance(scope, ast.Module):
        roots = list(scope.body)
    elif isinstance(scope, ast.Lambda):
        roots = [scope.body]
    else:
        roots = [*scope.body, *scope.decorator_list]
    return own_nodes(roots, scopes=FUNCTION_SCOPES)


def module_flows(ctx: Context) -> ModuleFlows:
    """The `ModuleFlows` of the file `ctx` checks, made once per file."""
    return ctx.memo(module_flows, lambda: ModuleFlows(ctx.tree, ctx.qualname))
