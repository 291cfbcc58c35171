"""The `deprecated` family (AS2xx): APIs that are deprecated or already removed.

AS201 is table-driven (``assay/knowledge/data/deprecations.toml``, see `assay.knowledge.deprecations`) and
version-aware: stdlib records are judged against the *target* Python (``--python`` or
``requires-python``), library records against the installed distribution. AS202 reads
deprecation markers from installed packages' source. AS203 turns DeprecationWarning /
FutureWarning captured in sandboxed runs into findings (`findings_from_warnings`).
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from assay.knowledge.deprecations import (
    ApiRecord,
    DeprecationTable,
    assess,
    installed_marker,
    load_table,
)
from assay.knowledge.mined import mined_entry
from assay.model import Family, Finding, Fix, Severity
from assay.rules._context import Context
from assay.rules._registry import declare, get_rule, rule
from assay.rules._support.fixes import renaming_attribute, replacing
from assay.syntax import own_nodes

__all__ = ["WarningLike", "findings_from_warnings", "infer_types"]

_MAX_DEPTH = 4


@rule(
    id="AS201",
    name="deprecated-api",
    family=Family.DEPRECATED,
    severity=Severity.WARNING,
    nodes=(ast.Call, ast.Attribute, ast.Import, ast.ImportFrom, ast.ClassDef),
)
def deprecated_api(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A deprecated or removed API from assay's table of stdlib and library changes.

    ## What it finds
    Calls, attributes, imports, keyword arguments and methods listed in
    ``assay/knowledge/data/deprecations.toml``: the stdlib across Python 3.8–3.14 (``datetime.utcnow``,
    ``distutils``, ``imp``, PEP 594 modules, ``unittest`` aliases, ``ssl.wrap_socket``,
    ``collections`` ABC aliases, ``asyncio.get_event_loop`` outside coroutines, tar
    extraction without ``filter=``, ...) and numpy, pandas, scikit-learn, SQLAlchemy 1→2,
    pydantic 1→2, openai < 1, ``google.generativeai``, urllib3. Stdlib entries are judged
    against the target Python (``--python 3.12`` or ``requires-python``), library entries
    against the installed version (the latest release when it is not installed): removed →
    error, deprecated → warning, deprecated only in a newer version → info ("will warn after
    the upgrade"). Names are resolved through imports and aliases; methods are matched when
    the receiver's type can be inferred (``df = pd.read_csv(...)``, ``self`` in a
    ``TestCase``, a pydantic model class).

    ## Why it matters for AI-written code
    Assistants learned from years of code written against old APIs and reproduce them with
    full confidence: ``df.append``, ``np.float``, ``openai.ChatCompletion.create``,
    ``@validator``. The code looks idiomatic and fails (or warns) only on a current install.

    ## Example
    ```python
    import datetime
    import numpy as np

    stamp = datetime.datetime.utcnow()
    values = np.array([1, 2], dtype=np.float)
    ```

    ## Use instead
    ```python
    import datetime
    import numpy as np

    stamp = datetime.datetime.now(datetime.timezone.utc)
    values = np.array([1, 2], dtype=float)
    ```
    """
    table = load_table()
    matched: dict[str, ApiRecord] = {}
    for record in _matching_records(node, ctx, table):
        # DataFrame.iteritems and Series.iteritems on one unknown receiver are one finding.
        matched.setdefault(f"{record.kind}:{record.member}:{record.keyword}", record)
    for record in matched.values():
        verdict = assess(record, target_python=ctx.settings.target_python)
        if verdict is None:
            continue
        finding = ctx.finding(
            node,
            verdict.message,
            evidence={**verdict.evidence, "status": verdict.status},
            fix=f"use {record.replacement}",
            autofix=_rename_fix(node, record, ctx) if verdict.status != "upcoming" else None,
            severity=verdict.severity,
        )
        if verdict.confidence != finding.confidence:
            finding = finding.model_copy(update={"confidence": verdict.confidence})
        yield finding


def _rename_fix(node: ast.AST, record: ApiRecord, ctx: Context) -> Fix | None:
    """The rename a record marked `fix` asks for, on a reference to the name itself: a
    builtin replaces the whole expression (``np.float`` -> ``float``, unless the file binds
    that name itself), a dotted replacement renames the last attribute whatever the module
    was imported as (``b64.encodestring`` -> ``b64.encodebytes``). Only for names deprecated
    or removed now: a name deprecated in a newer version than the installed one may not
    have its replacement yet."""
    target = record.rename_target
    if target is None or record.fix is None or not isinstance(node, ast.Attribute):
        return None
    description = f"Replace `{ctx.segment(node)}` with `{target}`"
    if "." not in target:
        if target not in _BUILTINS or target in _bound_names(ctx):
            return None
        return replacing(node, target, description, applicability=record.fix)
    new = target.rpartition(".")[2]
    if record.kind == "attribute" and target.rpartition(".")[0] != record.owner:
        return None
    fix = renaming_attribute(node, new, f"Rename `{node.attr}` to `{new}`")
    return fix.model_copy(update={"applicability": record.fix}) if fix is not None else None


_BUILTINS = frozenset(dir(builtins))


def _bound_names(ctx: Context) -> set[str]:
    """Names the file binds itself (assignments, definitions, imports, parameters)."""
    names: set[str] = set(ctx.imports)
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def _matching_records(node: ast.AST, ctx: Context, table: DeprecationTable) -> Iterator[ApiRecord]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield from table.import_records(alias.name)
    elif isinstance(node, ast.ImportFrom):
        if node.level or not node.module:
            return
        yield from table.import_records(node.module)
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            yield from (r for r in table.import_records(full) if full != node.module)
            for record in table.by_symbol.get(full, ()):
                if record.kind == "attribute":
                    yield record
    elif isinstance(node, ast.Attribute):
        yield from _attribute_records(node, ctx, table)
    elif isinstance(node, ast.Call):
        yield from _call_records(node, ctx, table)
    elif isinstance(node, ast.ClassDef):
        parent = ctx.parent(node)
        records = table.nested_classes.get(node.name, ())
        if records and isinstance(parent, ast.ClassDef):
            owners = _class_types(parent, ctx, 0)
            yield from (r for r in records if r.owner in owners)


def _attribute_records(
    node: ast.Attribute, ctx: Context, table: DeprecationTable
) -> Iterator[ApiRecord]:
    name = ctx.qualname(node)
    if name is not None:
        for record in table.by_symbol.get(name, ()):
            if record.kind == "attribute":
                yield record
    receiver_records = [
        r
        for r in table.by_member.get(node.attr, ())
        if r.kind == "method-on-receiver" and r.when is None
    ]
    if receiver_records and (name is None or name not in table.by_symbol):
        types = infer_types(node.value, ctx)
        yield from (r for r in receiver_records if _receiver_matches(r, types, ctx))


def _call_records(node: ast.Call, ctx: Context, table: DeprecationTable) -> Iterator[ApiRecord]:
    name = ctx.qualname(node.func)
    candidates: list[ApiRecord] = []
    if name is not None:
        candidates += [
            r for r in table.by_symbol.get(name, ()) if r.kind in {"call", "keyword-argument"}
        ]
    if isinstance(node.func, ast.Attribute):
        by_receiver = [
            r
            for r in table.by_member.get(node.func.attr, ())
            if r.kind == "keyword-argument" or r.when is not None
        ]
        if by_receiver:
            types = infer_types(node.func.value, ctx)
            candidates += [r for r in by_receiver if _receiver_matches(r, types, ctx)]
    for record in candidates:
        if record.kind == "keyword-argument" and not any(
            k.arg == record.keyword for k in node.keywords
        ):
            continue
        if record.when is not None and not _condition_holds(record.when, node, ctx):
            continue
        yield record


def _receiver_matches(record: ApiRecord, types: set[str], ctx: Context) -> bool:
    """The receiver is inferred to be the record's type, or the method name is distinctive
    of a library the file imports."""
    if record.owner in types:
        return True
    return (
        record.distinctive
        and _imports_top(ctx, record.owner)
        and record.member not in _defined_names(ctx)
    )


def _defined_names(ctx: Context) -> frozenset[str]:
    """Functions and methods the checked file defines itself (they shadow library names)."""
    return ctx.memo(
        _defined_names,
        lambda: frozenset(
            node.name
            for node in ast.walk(ctx.tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ),
    )


def _condition_holds(when: str, node: ast.Call, ctx: Context) -> bool:
    if when == "outside-async":
        return not any(isinstance(a, ast.AsyncFunctionDef) for a in ctx.ancestors(node))
    if when == "positional-list":
        return bool(node.args) and isinstance(node.args[0], ast.List)
    if when == "first-arg-str":
        return bool(node.args) and (
            isinstance(node.args[0], ast.JoinedStr)
            or (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))
        )
    if when == "no-args":
        return not node.args and not node.keywords
    if when.startswith("missing-keyword:"):
        keyword = when.partition(":")[2]
        return not any(k.arg == keyword or k.arg is None for k in node.keywords)
    return False


# ---------------------------------------------------------------- receiver type inference


def infer_types(expr: ast.AST, ctx: Context, depth: int = 0) -> set[str]:
    """Names of table types (``pandas.DataFrame``, ...) `expr` may evaluate to.

    Looks at factories (``pd.read_csv(...)``), methods known to return a type
    (``engine.connect()``), classes deriving from a type in the same file (``self`` in a
    ``TestCase``, a pydantic model and its instances), assignments, ``with ... as`` targets
    and parameter annotations in the enclosing scope, unannotated parameters named after a
    class of the file (``order`` for ``Order``), and finally variable-name hints (``df``)
    when the file imports the type's package.
    """
    if depth > _MAX_DEPTH:
        return set()
    table = load_table()
    found: set[str] = set()
    if isinstance(expr, ast.Call):
        found |= _call_types(expr, ctx, depth)
    elif isinstance(expr, ast.Name):
        found |= _name_types(expr, ctx, depth)
    if isinstance(expr, (ast.Name, ast.Attribute)):
        label = expr.id if isinstance(expr, ast.Name) else expr.attr
        found |= _hinted_types(label, ctx, table)
    return found


def _call_types(call: ast.Call, ctx: Context, depth: int) -> set[str]:
    table = load_table()
    found: set[str] = set()
    name = ctx.qualname(call.func)
    if name is not None:
        found |= {t.name for t in table.types.values() if name in t.factories}
    local = _local_class(call.func, ctx)
    if local is not None:
        found |= _class_types(local, ctx, depth + 1)
    if isinstance(call.func, ast.Attribute):
        method = call.func.attr
        receivers = infer_types(call.func.value, ctx, depth + 1)
        for type_record in table.types.values():
            if any(f"{r}.{method}" in type_record.returned_by for r in receivers) or (
                f"*.{method}" in type_record.returned_by and _imports_top(ctx, type_record.name)
            ):
                found.add(type_record.name)
    return found


def _name_types(name: ast.Name, ctx: Context, depth: int) -> set[str]:
    found: set[str] = set()
    local = _local_class(name, ctx)
    if local is not None:
        return _class_types(local, ctx, depth + 1)
    function = ctx.enclosing_function(name)
    if name.id in {"self", "cls"} and function is not None:
        owner = ctx.parent(function)
        if isinstance(owner, ast.ClassDef):
            return _class_types(owner, ctx, depth + 1)
    scope: ast.AST = function if function is not None else ctx.tree
    for value in _bound_values(scope, name.id):
        found |= infer_types(value, ctx, depth + 1)
    if function is not None:
        for arg in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]:
            if arg.arg != name.id:
                continue
            if arg.annotation is not None:
                found |= _annotation_types(arg.annotation, ctx, depth + 1)
            else:
                found |= _named_after_class(arg.arg, ctx, depth + 1)
    return found


def _named_after_class(parameter: str, ctx: Context, depth: int) -> set[str]:
    """An unannotated parameter named after a class of the file (``order`` for ``Order``,
    ``create_user`` for ``CreateUser``) is taken to be an instance of it."""
    camel = "".join(part.capitalize() for part in parameter.split("_") if part)
    for statement in ctx.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == camel:
            return _class_types(statement, ctx, depth)
    return set()


def _bound_values(scope: ast.AST, name: str) -> Iterator[ast.AST]:
    """Expressions assigned to `name` in `scope` (not descending into nested functions)."""
    for node in own_nodes(ast.iter_child_nodes(scope)):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                yield node.value
        elif isinstance(node, ast.AnnAssign):
            if isinstance(node.target, ast.Name) and node.target.id == name:
                yield node.annotation
                if node.value is not None:
                    yield node.value
        elif isinstance(node, ast.withitem):
            if isinstance(node.optional_vars, ast.Name) and node.optional_vars.id == name:
                yield node.context_expr


def _annotation_types(annotation: ast.AST, ctx: Context, depth: int) -> set[str]:
    table = load_table()
    name = ctx.qualname(annotation)
    if name is not None and name in table.types:
        return {name}
    local = _local_class(annotation, ctx)
    return _class_types(local, ctx, depth) if local is not None else set()


def _local_class(expr: ast.AST, ctx: Context) -> ast.ClassDef | None:
    if not isinstance(expr, ast.Name):
        return None
    for statement in ctx.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == expr.id:
            return statement
    return None


def _class_types(cls: ast.ClassDef, ctx: Context, depth: int) -> set[str]:
    """Table types a class defined in the checked file derives from."""
    if depth > _MAX_DEPTH:
        return set()
    table = load_table()
    found: set[str] = set()
    for base in cls.bases:
        name = ctx.qualname(base)
        if name is not None and name in table.types and table.types[name].subclassable:
            found.add(name)
        local = _local_class(base, ctx)
        if local is not None and local is not cls:
            found |= _class_types(local, ctx, depth + 1)
    return found


def _hinted_types(label: str, ctx: Context, table: DeprecationTable) -> set[str]:
    return {
        t.name
        for t in table.types.values()
        if t.names is not None and t.names.match(label) and _imports_top(ctx, t.name)
    }


def _imports_top(ctx: Context, type_name: str) -> bool:
    top = type_name.partition(".")[0]
    return any(b.target.partition(".")[0] == top for b in ctx.imports.values())


# ---------------------------------------------------------------- AS202: installed markers


@rule(
    id="AS202",
    name="deprecated-in-installed-package",
    family=Family.DEPRECATED,
    severity=Severity.WARNING,
    nodes=(ast.Call, ast.ImportFrom),
)
def deprecated_in_installed_package(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A function or class that its installed package marks as deprecated.

    ## What it finds
    Calls and ``from x import y`` of third-party names whose definition, read statically from
    the installed package's source (never imported), carries a PEP 702 ``@deprecated``
    decorator (or a library's own ``@deprecated(...)``/``@moved_20(...)``), a
    ``.. deprecated::`` docstring directive, or an unconditional
    ``warnings.warn(..., DeprecationWarning)`` (or the library's own deprecation warning class
    or helper) among its first statements, and names a module ``__getattr__`` serves with a
    deprecation warning (mined from the whole distribution, cached per version). The version
    that deprecated it, the one that removes it and the replacement are reported where the
    decorator or the message states them. Names already covered by AS201's table are left to
    AS201.

    ## Why it matters for AI-written code
    No table keeps up with every library. The package you actually have installed knows
    what it deprecated; assistants trained on older releases do not.

    ## Example
    ```python
    from pydantic import parse_obj_as

    numbers = parse_obj_as(list[int], ["1", "2"])
    ```

    ## Use instead
    ```python
    from pydantic import TypeAdapter

    numbers = TypeAdapter(list[int]).validate_python(["1", "2"])
    ```
    """
    table = load_table()
    for name in _referenced_names(node, ctx):
        top = name.partition(".")[0]
        if top in ctx.project_modules or name in table.by_symbol or table.import_records(name):
            continue
        marker = installed_marker(name)
        if marker is None:
            # Mined from the whole distribution: names a module `__getattr__` warns about.
            mined = mined_entry(name)
            marker = mined if mined and mined.status == "deprecated" else None
        if marker is None:
            continue
        evidence = {
            "symbol": name,
            "defined_as": marker.symbol,
            "marker": marker.how,
            "declared_in": f"{marker.file}:{marker.line}",
            "text": marker.message,
        }
        facts = {
            "since": marker.since,
            "removed_in": marker.removed_in,
            "replacement": marker.replacement,
        }
        evidence |= {key: value for key, value in facts.items() if value}
        yield ctx.finding(
            node,
            f"{name} is deprecated by its installed package ({marker.how}): {marker.message}",
            evidence=evidence,
            fix=f"use {marker.replacement}"
            if marker.replacement
            else "follow the replacement named in the deprecation message",
        )


def _referenced_names(node: ast.AST, ctx: Context) -> list[str]:
    if isinstance(node, ast.Call):
        name = ctx.qualname(node.func)
        return [name] if name is not None and "." in name else []
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    return []


# ---------------------------------------------------------------- AS203: runtime warnings


_RUNTIME_CATEGORIES = ("DeprecationWarning", "PendingDeprecationWarning", "FutureWarning")


declare(
    id="AS203",
    name="deprecation-warning-at-runtime",
    family=Family.DEPRECATED,
    severity=Severity.WARNING,
    module=__name__,
    docs="""A DeprecationWarning or FutureWarning raised while assay ran the code in its sandbox.

    ## What it finds
    Warnings of category ``DeprecationWarning``, ``PendingDeprecationWarning`` or
    ``FutureWarning`` captured while sandboxed probes called the checked functions, with the
    warning text, its category and the line that triggered it (when it lies in the checked
    file). Only warnings attributed to the checked file are reported: a library warning
    about its own internals is not your code's problem.

    ## Why it matters for AI-written code
    Static tables miss deprecations that depend on argument values or on the installed
    version; the interpreter does not. A warning today is an exception after the upgrade.

    ## Example
    ```python
    import locale


    def system_encoding():
        \"\"\"
        >>> isinstance(system_encoding(), str)
        True
        \"\"\"
        language, encoding = locale.getdefaultlocale()
        return encoding or "utf-8"
    ```

    ## Use instead
    ```python
    import locale


    def system_encoding():
        \"\"\"
        >>> isinstance(system_encoding(), str)
        True
        \"\"\"
        return locale.getencoding() if hasattr(locale, "getencoding") else "utf-8"
    ```
    """,
)


class WarningLike(Protocol):
    """What a captured warning carries (`assay.sandbox.WarningInfo` has these fields)."""

    @property
    def category(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def lineno(self) -> int: ...


def findings_from_warnings(
    warnings: Iterable[WarningLike | Mapping[str, Any]],
    *,
    path: str,
    function: str | None = None,
    candidate: str | None = None,
) -> list[Finding]:
    """AS203 findings for warnings captured in sandboxed runs of the file at `path`.

    Args:
        warnings: captured warnings (``Outcome.warnings`` of sandboxed runs), as
            `assay.sandbox.WarningInfo` objects or mappings with the same keys.
        path: the checked file as shown in reports; warnings whose ``filename`` names
            another file are skipped (library-internal warnings).
        function: the probed function, for the report.
        candidate: the candidate name when checking candidates.

    Duplicates (same category, line and message) are reported once.
    """
    rule_meta = get_rule("AS203")
    seen: set[tuple[str, int, str]] = set()
    findings: list[Finding] = []
    for raw in warnings:
        item: Mapping[str, Any] = (
            raw
            if isinstance(raw, Mapping)
            else {
                "category": raw.category,
                "message": raw.message,
                "filename": raw.filename,
                "lineno": raw.lineno,
            }
        )
        category = str(item.get("category", ""))
        if not _is_deprecation(category):
            continue
        filename = item.get("filename")
        if filename and not _same_file(str(filename), path):
            continue
        lineno = item.get("lineno")
        line = lineno if isinstance(lineno, int) and lineno > 0 else 0
        message = " ".join(str(item.get("message", "")).split())
        key = (category, line, message)
        if key in seen:
            continue
        seen.add(key)
        findings.append(
            Finding(
                rule=rule_meta.id,
                family=rule_meta.family,
                severity=rule_meta.severity,
                path=path,
                line=line,
                col=0,
                message=f"{category} while running {function or 'the code'}: {message}",
                evidence={"category": category, "warning": message, "line": line},
                fix="apply the replacement the warning names before upgrading",
                function=function,
                candidate=candidate,
            )
        )
    return findings


def _is_deprecation(category: str) -> bool:
    """Deprecation categories, including libraries' subclasses (PydanticDeprecatedSince20)."""
    name = category.rpartition(".")[2]
    return name in _RUNTIME_CATEGORIES or "Deprecat" in name


def _same_file(filename: str, path: str) -> bool:
    if filename == path:
        return True
    base = re.split(r"[\\/]", filename)[-1]
    return base == re.split(r"[\\/]", path)[-1] or filename.startswith("<")
