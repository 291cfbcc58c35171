"""AS407: validation removed since ``--base``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.silent_failure._common import FunctionNode
from assay.syntax import own_nodes

__all__: list[str] = []


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
    for node in own_nodes(function.body):
        if isinstance(node, ast.If) and _leaves(node.body) and len(node.body) <= 3:
            found.append((f"guard {ast.unparse(node.test)}", node))
            inside_guards.update(id(n) for n in own_nodes(node.body))
    for node in own_nodes(function.body):
        if isinstance(node, ast.Assert):
            found.append((f"assert {ast.unparse(node.test)}", node))
        elif isinstance(node, ast.Raise) and id(node) not in inside_guards and node.exc:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            found.append((f"raise {ast.unparse(raised)}", node))
    return sorted(found, key=lambda item: item[1].lineno)


def _tests_in(function: FunctionNode) -> set[str]:
    return {
        ast.unparse(n.test) for n in own_nodes(function.body) if isinstance(n, (ast.If, ast.While))
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
