"""Which function of the old module became which of the new one, and which of them changed.

Functions are the top-level ones and the methods of top-level classes, named by qualified
name (``Cart.total``). The same qualified name on both sides is a pair. Of the rest, an old
and a new function whose bodies are alike (`RENAME_SIMILARITY`) and that take the same
number of parameters are a rename; everything else is added or removed.

A pair is *changed* when its own code differs (docstrings aside) or when a module-level
name it uses, directly or through other functions of the module, is bound differently:
a helper rewritten, a constant edited, an import swapped.
"""

from __future__ import annotations

import ast
import copy
import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "RENAME_SIMILARITY",
    "Defined",
    "Matched",
    "defined_functions",
    "match_functions",
]

#: Two functions whose bodies agree this much (difflib ratio over the tokens of the
#: unparsed body, docstring left out) are one function renamed. The body's own tokens,
#: not the AST dump: a dump is mostly node names (FunctionDef, arguments, Return, Load)
#: that every short function shares, so ``return x + 1`` and ``return len(x)`` scored
#: 0.82 there and score 0.44 here. A rename that also edits one line of a ten-line body
#: keeps about 0.9; 0.8 keeps that and leaves different small functions apart.
RENAME_SIMILARITY = 0.8

_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class Defined:
    """One function of a module: its qualified name, node, enclosing class and the
    normalised dump its identity and similarity are judged by."""

    qualname: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    owner: str | None
    dump: str

    @property
    def body_tokens(self) -> list[str]:
        """The tokens of the unparsed body, docstring left out (for rename similarity)."""
        body = self.node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]
        return _TOKEN.findall("\n".join(ast.unparse(statement) for statement in body))

    @property
    def decorators(self) -> frozenset[str]:
        """The decorators as written (``staticmethod``, ``functools.cache``, ...)."""
        return frozenset(ast.unparse(d) for d in self.node.decorator_list)

    @property
    def arity(self) -> int:
        """Positional parameters (``self`` included for methods)."""
        return len(self.node.args.posonlyargs) + len(self.node.args.args)


def defined_functions(tree: ast.Module) -> dict[str, Defined]:
    """Top-level functions and the methods of top-level classes, by qualified name."""
    found: dict[str, Defined] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.setdefault(node.name, Defined(node.name, node, None, normalised_dump(node)))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    name = f"{node.name}.{item.name}"
                    found.setdefault(name, Defined(name, item, node.name, normalised_dump(item)))
    return found


def normalised_dump(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The function's AST without its name, docstring and positions: two functions with the
    same dump run the same code."""
    bare = copy.deepcopy(node)
    bare.name = "_"
    body = bare.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        bare.body = body[1:] or [ast.Pass()]
    return ast.dump(bare, annotate_fields=False, include_attributes=False)


def _similarity(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True)
class Matched:
    """Pairs (old, new, similarity), and the names on one side only."""

    pairs: tuple[tuple[Defined, Defined, float], ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


def match_functions(old: dict[str, Defined], new: dict[str, Defined]) -> Matched:
    """Pairs by qualified name, then renames by body similarity (best first, one to one,
    same number of parameters, same enclosing class)."""
    pairs = [(old[name], new[name], 1.0) for name in old if name in new]
    only_old = [d for name, d in old.items() if name not in new]
    only_new = [d for name, d in new.items() if name not in old]
    tokens = {id(d): d.body_tokens for d in [*only_old, *only_new]}
    scored = sorted(
        (
            (_similarity(tokens[id(a)], tokens[id(b)]), index_a, index_b)
            for index_a, a in enumerate(only_old)
            for index_b, b in enumerate(only_new)
            if a.arity == b.arity and a.owner == b.owner
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, index_a, index_b in scored:
        if score < RENAME_SIMILARITY:
            break
        if index_a in used_old or index_b in used_new:
            continue
        used_old.add(index_a)
        used_new.add(index_b)
        pairs.append((only_old[index_a], only_new[index_b], score))
    return Matched(
        pairs=tuple(pairs),
        added=tuple(d.qualname for i, d in enumerate(only_new) if i not in used_new),
        removed=tuple(d.qualname for i, d in enumerate(only_old) if i not in used_old),
    )


# ------------------------------------------------------------------------------ changes


def _bindings(tree: ast.Module) -> dict[str, str]:
    """Each module-level name with the dump of the statements that bind it (functions
    normalised as `normalised_dump`, so a docstring edit changes nothing)."""
    bound: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bound.setdefault(node.name, []).append(normalised_dump(node))
            continue
        dump = ast.dump(node, annotate_fields=False, include_attributes=False)
        for name in _bound_names(node):
            bound.setdefault(name, []).append(dump)
    return {name: "\n".join(dumps) for name, dumps in bound.items()}


def _bound_names(node: ast.stmt) -> Iterator[str]:
    if isinstance(node, ast.ClassDef):
        yield node.name
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            if alias.name != "*":
                yield (alias.asname or alias.name).split(".")[0]
    else:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                yield sub.id


def _used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def changed_pairs(
    old_tree: ast.Module,
    new_tree: ast.Module,
    pairs: Sequence[tuple[Defined, Defined, float]],
) -> set[int]:
    """Indices of the `pairs` whose behaviour may differ: own code changed, renamed, or a
    module-level name they use (through the module's functions too) bound differently."""
    old_bound, new_bound = _bindings(old_tree), _bindings(new_tree)
    differs = {
        name
        for name in old_bound.keys() | new_bound.keys()
        if old_bound.get(name) != new_bound.get(name)
    }
    functions = {
        n.name: n for n in new_tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    classes = {n.name: n for n in new_tree.body if isinstance(n, ast.ClassDef)}
    changed: set[int] = set()
    for index, (old, new, _) in enumerate(pairs):
        if old.dump != new.dump or old.qualname != new.qualname:
            changed.add(index)
            continue
        # The names reachable from the function: what it uses, what the module functions
        # it uses use, and for a method what its class binds (a sibling method rewritten).
        seen: set[str] = set()
        todo = _used_names(new.node)
        if new.owner is not None:
            todo.add(new.owner)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in functions:
                todo |= _used_names(functions[name]) - seen
            elif name in classes and name == new.owner:
                todo |= _used_names(classes[name]) - seen
        if seen & differs:
            changed.add(index)
    return changed
