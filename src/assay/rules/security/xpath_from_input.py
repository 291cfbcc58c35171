"""AS325 `xpath-from-input`: XPath injection."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.security._common import _argument, _callee, _tainted_finding
from assay.rules.security._sinks import _USER, _tainted
from assay.rules.security._web import source_mentions

__all__: list[str] = []


#: Methods of lxml and ElementTree elements and trees that evaluate an XPath expression.
_XPATH_METHODS = frozenset({"xpath", "find", "findall", "findtext", "iterfind"})
_XPATH_CLASSES = frozenset({"lxml.etree.XPath", "lxml.etree.ETXPath"})
_XML_PACKAGES = ("lxml", "xml")
_IMPORTS_XML = re.compile(r"^\s*(?:from|import)\s+(?:lxml|xml)\b", re.MULTILINE)
#: What the constant text of an ElementTree path has that ``str.find``'s argument does not.
_PATH_MARKS = ("[@", "//", "./", "[text()", "[contains(", "[position()")


def _looks_like_path(expression: ast.AST) -> bool:
    """``find``/``findall`` are also ``str`` and ``bytes`` methods: only count them when
    the literal parts of the argument read as an element path."""
    for node in ast.walk(expression):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(mark in node.value for mark in _PATH_MARKS):
                return True
    return False


@rule(
    id="AS325", name="xpath-from-input", family=Family.SECURITY,
    severity=Severity.ERROR, nodes=(ast.Call,), cwe=643,
)  # fmt: skip
def xpath_from_input(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """Input is pasted into an XPath expression (XPath injection, CWE-643).

    ## What it finds
    In a module using lxml or `xml.etree`, `.xpath(...)`, `.find/findall/findtext/
    iterfind(...)` and `etree.XPath(...)` whose expression is assembled (f-string, `+`, `%`,
    `.format`) from request data, `input()` or a parameter. XPath variables
    (`tree.xpath("//user[@name=$name]", name=name)`) and constant expressions stay silent.

    ## Why it matters for AI-written code
    Lookups in an XML user store are generated as `root.xpath(f"//user[@name='{name}']")`;
    a name of `' or '1'='1` selects every user, the XML twin of SQL injection.

    ## Example
    ```python
    from lxml import etree

    def find_user(tree, name):
        return tree.xpath(f"//user[@name='{name}']")
    ```

    ## Use instead
    ```python
    from lxml import etree

    def find_user(tree, name):
        return tree.xpath("//user[@name=$name]", name=name)
    ```
    """
    if not isinstance(node, ast.Call):
        return
    if not source_mentions(ctx, _IMPORTS_XML) or not any(
        b.target.split(".")[0] in _XML_PACKAGES for b in ctx.imports.values()
    ):
        return
    callee = _callee(ctx, node)
    method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
    if callee not in _XPATH_CLASSES and method not in _XPATH_METHODS:
        return
    expression = _argument(node, 0, "path", "_path")
    if expression is None:
        return
    if method != "xpath" and callee not in _XPATH_CLASSES and not _looks_like_path(expression):
        return
    tainted = _tainted(ctx, expression, node, _USER)
    if tainted is None or not tainted[0].interpolated:
        return
    flow = tainted[0]
    shown = callee if callee in _XPATH_CLASSES else f"{method}()"
    yield _tainted_finding(
        ctx,
        node,
        flow,
        _USER,
        lambda source: f"{shown} evaluates an XPath expression built from {source}",
        evidence={"sink": shown, "expression": ctx.segment(expression)},
        fix='Pass values as XPath variables: tree.xpath("//user[@name=$name]", name=name).',
    )
