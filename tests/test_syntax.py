"""The shared AST helpers: each answers the way every rule, the tiers and the knowledge tables
relied on before they shared one definition."""

from __future__ import annotations

import ast
import textwrap

import pytest

from assay.config import Settings
from assay.rules._context import Context
from assay.syntax import (
    ImportMap,
    Parents,
    call_name,
    dotted_name,
    last_name,
    log_call,
    module_names,
    own_nodes,
    suppresses,
    suppressions,
)


def _expr(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def _call(text: str) -> ast.Call:
    node = _expr(text)
    assert isinstance(node, ast.Call)
    return node


@pytest.mark.parametrize(
    ("text", "dotted", "last"),
    [
        ("a", "a", "a"),
        ("a.b.c", "a.b.c", "c"),
        ("a().b", None, "b"),
        ("a[0].b", None, "b"),
        ("'s'.join", None, "join"),
        ("a[0]", None, ""),
    ],
)
def test_dotted_and_last_name(text: str, dotted: str | None, last: str) -> None:
    assert dotted_name(_expr(text)) == dotted
    assert last_name(_expr(text)) == last


def test_dotted_name_of_nothing_is_none() -> None:
    assert dotted_name(None) is None


def test_module_names_are_the_top_level_bindings_only() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """\
            import os.path
            import numpy as np
            from json import loads as read
            from pathlib import *
            from .local import helper

            LIMIT = 10
            ratio: float = 0.5
            first, second = 1, 2
            table[0] = 1

            class Box: ...

            async def fetch(): ...

            def run(x):
                inner = x
            """
        )
    )
    assert module_names(tree) == {
        "os",
        "np",
        "read",
        "helper",
        "LIMIT",
        "ratio",
        "Box",
        "fetch",
        "run",
    }


@pytest.mark.parametrize(
    ("text", "name"),
    [("os.path.join(a)", "os.path.join"), ("get().execute(q)", "execute"), ("f()()", "")],
)
def test_call_name(text: str, name: str) -> None:
    assert call_name(_call(text)) == name


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        ("print(x)", "print"),
        ("logger.info(x)", "logger.info"),
        ("self.log.warning(x)", "self.log.warning"),
        ("logging.exception(x)", "logging.exception"),
        ("parser.error(x)", None),  # argparse: not a log line
        ("logger.flush()", None),
        ("get_logger().info(x)", None),  # a computed receiver has no name to judge
    ],
)
def test_log_call(text: str, logged: str | None) -> None:
    assert log_call(_call(text)) == logged


_NESTED = textwrap.dedent(
    """\
    def outer(a):
        first = 1
        def inner():
            hidden = 2
        square = lambda v: v * v
        class Local:
            inside = 3
        return first
    """
)


def test_own_nodes_skips_nested_scopes_and_keeps_source_order() -> None:
    function = ast.parse(_NESTED).body[0]
    assert isinstance(function, ast.FunctionDef)
    names = [n.id for n in own_nodes(function.body) if isinstance(n, ast.Name)]
    assert names == ["first", "square", "first"]
    kinds = [type(n).__name__ for n in own_nodes(function.body) if isinstance(n, ast.stmt)]
    assert kinds == ["Assign", "FunctionDef", "Assign", "ClassDef", "Return"]


def test_own_nodes_descends_into_what_scopes_leaves_out() -> None:
    function = ast.parse(_NESTED).body[0]
    assert isinstance(function, ast.FunctionDef)
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    names = {n.id for n in own_nodes(function.body, scopes=definitions) if isinstance(n, ast.Name)}
    assert names == {"first", "square", "v"}


_IMPORTS = textwrap.dedent(
    """\
    import numpy as np
    import os.path
    from collections import OrderedDict as OD
    from . import sibling
    from shapes import *
    def late():
        import json
    """
)


@pytest.mark.parametrize(
    ("text", "qualname", "resolved"),
    [
        ("np.linalg.norm", "numpy.linalg.norm", "numpy.linalg.norm"),
        ("os.path.join", "os.path.join", "os.path.join"),
        ("OD", "collections.OrderedDict", "collections.OrderedDict"),
        ("json.loads", "json.loads", "json.loads"),  # an import anywhere in the file binds
        ("sibling.f", None, "sibling.f"),  # relative imports bind nothing here
        ("len", None, "len"),
    ],
)
def test_import_map(text: str, qualname: str | None, resolved: str) -> None:
    imports = ImportMap.of(ast.parse(_IMPORTS))
    assert imports.qualname(_expr(text)) == qualname
    assert imports.resolve(text) == resolved


def test_import_map_keeps_the_binding_met_last_and_ignores_star() -> None:
    imports = ImportMap.of(ast.parse("import a as x\nimport b as x\nfrom c import *\n"))
    assert imports.bindings["x"].target == "b"
    assert "*" not in imports.bindings


def test_parents_and_enclosing_function() -> None:
    tree = ast.parse(_NESTED)
    parents = Parents(tree)
    hidden = next(n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "hidden")
    assert parents.function_name(hidden) == "inner"
    assert [type(a).__name__ for a in parents.ancestors(hidden)] == [
        "Assign",
        "FunctionDef",
        "FunctionDef",
        "Module",
    ]
    lambda_body = next(n for n in ast.walk(tree) if isinstance(n, ast.BinOp))
    assert parents.function_name(lambda_body) == "outer"  # a lambda is not a named function
    assert parents.parent(tree) is None
    assert parents.enclosing_function(tree.body[0]) is None


@pytest.mark.parametrize(
    ("line", "rule", "expected"),
    [
        ("x = 1  # assay: ignore", "AS101", True),
        ("x = 1  # assay: ignore[AS101, AS102]", "AS102", True),
        ("x = 1  # assay:ignore[AS101]", "AS102", False),
        ("x = 1  # noqa", "AS101", False),
    ],
)
def test_suppresses(line: str, rule: str, expected: bool) -> None:
    assert suppresses(line, rule) is expected


def test_suppressions_are_comments_only_with_their_columns() -> None:
    source = 's = "# assay: ignore"\nx = 1  # assay: ignore[AS101, AS102]\ny = 2  # assay: ignore\n'
    found = suppressions(source)
    assert [(s.line, s.ids) for s in found] == [(2, ("AS101", "AS102")), (3, None)]
    second = source.splitlines()[1]
    assert second[found[0].start : found[0].end] == "# assay: ignore[AS101, AS102]"
    assert found[0].ids_start is not None and found[0].ids_end is not None
    assert second[found[0].ids_start : found[0].ids_end] == "AS101, AS102"


def _context(source: str) -> Context:
    return Context(path="m.py", source=source, tree=ast.parse(source), settings=Settings())


def test_memo_builds_once_per_key_and_per_file() -> None:
    built: list[str] = []

    def build(tag: str) -> list[str]:
        built.append(tag)
        return [tag]

    first, second = _context("a = 1\n"), _context("a = 1\n")
    value = first.memo("k", lambda: build("first"))
    assert first.memo("k", lambda: build("again")) is value
    assert first.memo(("k", 2), lambda: build("other key")) == ["other key"]
    assert second.memo("k", lambda: build("second")) == ["second"]
    assert built == ["first", "other key", "second"]
