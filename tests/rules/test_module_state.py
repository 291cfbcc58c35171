"""No rule keeps state of its own between files: what a rule works out about a file goes into
`Context.memo` and is dropped with the file's `Context`.

A module-level cache (a dict filled per file, a weak map keyed by the tree, a single "last
file" slot, ``functools.cache`` on a function of the source) is shared by every file a
process checks, and the HTTP service checks files for concurrent requests in one process.
The scan below finds the shapes such caches take; the entries of `_ALLOWED` are process state
by design, not caches of a file."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "src" / "assay" / "rules"

#: (module, name) of module-level state that is not about any one file.
_ALLOWED = {
    ("_registry.py", "_RULES"),  # the rule registry, filled once when the rules are imported
    ("__init__.py", "_loaded"),  # whether that import happened
    # One package-index client per index configuration: its answers are about PyPI, not
    # about a checked file, and sharing them across files is what the client is for.
    ("hallucination/unknown_package.py", "_clients"),
    # A `-j` pool worker's settings and rules, set once by the pool's initializer: the
    # same for every file that worker checks, and never seen by the parent process.
    ("_engine.py", "_worker_run"),
}
#: Constructors of containers that start empty: at module level, something fills them later.
_EMPTY_CONTAINERS = frozenset(
    {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque",
     "WeakKeyDictionary", "WeakValueDictionary", "WeakSet"}
)  # fmt: skip
_CACHE_DECORATORS = frozenset({"cache", "lru_cache", "cached"})
#: Parameter names and annotation words that say "one file's text or tree".
_PER_FILE_PARAMETERS = frozenset({"ctx", "context", "source", "tree", "text", "node", "scope"})
_PER_FILE_ANNOTATIONS = ("Context", "ast.", "Module")


def _called_name(expr: ast.AST) -> str | None:
    target = expr.func if isinstance(expr, ast.Call) else expr
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Name):
        return target.id
    return None


def _starts_empty(value: ast.AST | None) -> bool:
    if isinstance(value, (ast.Dict, ast.List, ast.Set)):
        return not (value.keys if isinstance(value, ast.Dict) else value.elts)
    return isinstance(value, ast.Call) and _called_name(value) in _EMPTY_CONTAINERS


def _per_file_cache(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    if not any(_called_name(d) in _CACHE_DECORATORS for d in function.decorator_list):
        return False
    arguments = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    return any(
        a.arg in _PER_FILE_PARAMETERS
        or (a.annotation is not None and any(w in ast.unparse(a.annotation) for w in _PER_FILE_ANNOTATIONS))
        for a in arguments
    )  # fmt: skip


def module_state(path: Path, root: Path = RULES) -> list[str]:
    """``path:line name`` for each piece of module-level mutable state `path` defines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(root).as_posix()
    found: list[str] = []
    for statement in tree.body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign) and _starts_empty(statement.value):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign) and _starts_empty(statement.value):
            targets = [statement.target]
        for target in targets:
            name = target.id if isinstance(target, ast.Name) else ast.unparse(target)
            if (where, name) not in _ALLOWED and not name.startswith("__"):
                found.append(f"{where}:{statement.lineno} {name} (a container filled later)")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.extend(
                f"{where}:{node.lineno} global {name}"
                for name in node.names
                if (where, name) not in _ALLOWED
            )
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _per_file_cache(node):
            found.append(f"{where}:{node.lineno} {node.name} (a process-wide cache of a file)")
    return found


def test_no_rules_module_keeps_state_between_files() -> None:
    offenders = [entry for path in sorted(RULES.rglob("*.py")) for entry in module_state(path)]
    assert offenders == [], "keep per-file results in ctx.memo(key, build):\n" + "\n".join(
        offenders
    )


def test_the_scan_finds_each_shape_of_module_cache(tmp_path: Path) -> None:
    shapes = {
        "weak.py": "import weakref\n_BY_TREE = weakref.WeakKeyDictionary()\n",
        "annotated.py": "_SEEN: dict[str, int] = {}\n",
        "slot.py": "_last = None\ndef f(tree):\n    global _last\n    _last = tree\n",
        "cached.py": "from functools import cache\n@cache\ndef lines(source: str) -> list[str]:\n"
        "    return source.splitlines()\n",
    }
    silent = {
        "table.py": "_NAMES = frozenset({'a'})\n_MAP = {'a': 1}\n",
        "process.py": "from functools import cache\n@cache\ndef resolver() -> object:\n"
        "    return object()\n",
    }
    for name, text in {**shapes, **silent}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = {name: module_state(tmp_path / name, tmp_path) for name in [*shapes, *silent]}
    assert all(found[name] for name in shapes), found
    assert not any(found[name] for name in silent), found
