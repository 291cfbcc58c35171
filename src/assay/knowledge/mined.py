"""Deprecations mined from an installed distribution's own source, cached per (distribution,
version).

`mine` reads every Python file the distribution installed (its ``RECORD``), statically: the
files are parsed, never imported. It records

* functions, methods and classes that declare their own deprecation, as
  `assay.knowledge.deprecations.definition_marker` sees it: a deprecating decorator (PEP 702,
  the ``deprecation`` package, scikit-learn's, matplotlib's ``_api.deprecated``, SciPy's,
  TensorFlow's, SQLAlchemy's), a leading ``.. deprecated::`` directive, or a deprecation
  warning among the first statements (with the library's own warning classes, such as
  pandas' ``Pandas4Warning``, found by following the class definitions in its source);
* names a module-level ``__getattr__`` serves with a deprecation warning (deprecated) or
  refuses with an ``AttributeError`` whose message says it was removed (removed): literal
  comparisons (``name == "chararray"``, ``name in {...}``) and module-level dicts or sets of
  names (NumPy's ``__expired_attributes__``, whose values are the migration notes);
* modules whose ``__getattr__`` forwards every name of ``__all__`` through a deprecation
  helper (SciPy's private-module shims): each such name is deprecated at that path.

The message is parsed for the version that deprecated the name, the one that removes it and
the replacement (`message_facts`). Results are stored as JSON under the user cache directory
(``deprecations/<distribution>-<version>.json``); a new version or a new miner version mines
again.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import textwrap
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path

from assay.knowledge.deprecations import (
    Marker,
    block_end,
    definition_marker,
    is_deprecation_category,
    is_overload,
    message_facts,
    top_level_statements,
)
from assay.knowledge.resolve import cache_dir, normalize
from assay.syntax import dotted_name, last_name

__all__ = ["MINER_VERSION", "Mined", "MinedIndex", "mine", "mined_entry", "mined_for"]

#: Bump when what is mined changes: cached indexes of older miners are mined again.
MINER_VERSION = 3
#: Files without a form the miner reads are not parsed (most of a library): a deprecating
#: decorator, a directive, a warning call or helper, a module ``__getattr__``.
_MENTIONS = re.compile(
    r"@[\w.]*deprecat|@[\w.]*moved_|\.\. deprecated::|warn\(|warn_?deprecat"
    r"|^def __getattr__|^    def __getattr__",
    re.I | re.M,
)
_GETATTR = re.compile(r"^(?:    )?def __getattr__", re.M)
#: A line that may carry a marker the detector reads (the definition around it is parsed).
_MARKER_LINE = re.compile(
    r"@[\w.]*deprecat|@[\w.]*moved_|\.\. deprecated::|warn\(|warn_?deprecat", re.I
)
_HEADER = re.compile(r"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+(\w+)")
_CLASS_HEADER = re.compile(r"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.M)
_REMOVED_WORDS = re.compile(r"\b(removed|no longer (?:available|exists|supported))\b", re.I)


@dataclass(frozen=True, kw_only=True)
class Mined(Marker):
    """One deprecated or removed name of an installed distribution: a `Marker` whose
    `status` is ``"deprecated"`` or ``"removed"`` (the package refuses it)."""

    status: str = "deprecated"


@dataclass(frozen=True)
class MinedIndex:
    """What `mine` found in one distribution (`seconds`: the cold mining time)."""

    distribution: str
    version: str
    entries: Mapping[str, Mined]
    files: int
    parsed: int
    seconds: float
    categories: frozenset[str] = field(default_factory=frozenset)


def mine(distribution: str) -> MinedIndex | None:
    """Mine the installed `distribution` (None when it is not installed)."""
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    started = time.perf_counter()
    sources = list(_python_files(dist))
    texts: dict[str, tuple[Path, str]] = {}
    warning_classes: list[str] = []
    for module, path in sources:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "Warning" in text:
            warning_classes.append(text)
        if _MENTIONS.search(text):
            texts[module] = (path, text)
    categories = _categories(warning_classes)
    paths = dict(sources)
    entries: dict[str, Mined] = {}
    parsed = 0
    for module, (path, text) in texts.items():
        shown = _shown_path(path, dist)
        if _GETATTR.search(text) is None:
            found = _marked_definitions(module, path, text, categories)
            if found is not None:
                parsed += 1
                for marker in found:
                    entries.setdefault(marker.symbol, _from_marker(marker, shown))
                continue
        tree = _parse(path)
        if tree is None:
            continue
        parsed += 1
        for marker in _definitions(module, path, tree, categories):
            entries.setdefault(marker.symbol, _from_marker(marker, shown))
        for shim in _getattr_shims(module, tree, paths, shown, categories):
            entries.setdefault(shim.symbol, shim)
    return MinedIndex(
        distribution=dist.metadata["Name"] or distribution,
        version=dist.version,
        entries=entries,
        files=len(sources),
        parsed=parsed,
        seconds=time.perf_counter() - started,
        categories=categories,
    )


def _python_files(dist: importlib.metadata.Distribution) -> Iterator[tuple[str, Path]]:
    """(module name, path) of every ``.py`` file the distribution installed, tests aside."""
    for entry in dist.files or []:
        parts = entry.parts
        if not parts or not parts[-1].endswith(".py") or ".." in parts:
            continue
        if any(p in {"tests", "test", "testing", "_testing"} for p in parts[:-1]):
            continue
        names = [*parts[:-1], parts[-1][:-3]]
        if names[-1] == "__init__":
            names = names[:-1]
        if not names or not all(n.isidentifier() for n in names):
            continue
        yield ".".join(names), Path(str(dist.locate_file(entry)))


def _shown_path(path: Path, dist: importlib.metadata.Distribution) -> str:
    """`path` relative to the installation root (cache entries survive a moved env)."""
    root = Path(str(dist.locate_file("")))
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _categories(texts: Iterable[str]) -> frozenset[str]:
    """The library's own deprecation warning classes: subclasses (followed to a fixpoint
    within the library) of the built-in categories or of classes named as such. Class
    headers are read with a regular expression: every file counts, parsed or not."""
    bases: dict[str, set[str]] = {}
    for text in texts:
        for match in _CLASS_HEADER.finditer(text):
            parents = {p.strip().rpartition(".")[2] for p in match.group(2).split(",")}
            bases.setdefault(match.group(1), set()).update(p for p in parents if p)
    found = {name for name in bases if is_deprecation_category(name)}
    changed = True
    while changed:
        changed = False
        for name, parents in bases.items():
            if name not in found and parents & found:
                found.add(name)
                changed = True
    return frozenset(found)


@cache
def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None


def _marked_definitions(
    module: str, path: Path, text: str, categories: frozenset[str]
) -> list[Marker] | None:
    """Markers of the definitions around marker-like lines, parsing only those definitions
    (pandas' frame.py is 12,000 lines; one deprecated method is 30). None when a cut-out does
    not parse: the caller parses the whole file instead."""
    lines = text.splitlines()
    headers: list[tuple[int, int, str, str]] = []
    for number, line in enumerate(lines):
        match = _HEADER.match(line)
        if match:
            headers.append(
                (number, len(match.group(1).expandtabs()), match.group(2), match.group(3))
            )
    targets: dict[int, tuple[str, ...]] = {}
    for number, line in enumerate(lines):
        if not _MARKER_LINE.search(line):
            continue
        indent = len(line.expandtabs()) - len(line.expandtabs().lstrip())
        if line.lstrip().startswith("@"):
            # A decorator: the definition it decorates is the next header at its indent.
            after = [h for h in headers if h[0] > number and h[1] == indent]
            chain = _enclosing(headers, after[0][0], after[0][1]) if after else []
        else:
            chain = _enclosing(headers, number, indent)
        if not chain or len(chain) > 2 or (len(chain) == 2 and chain[0][2] != "class"):
            continue
        targets.setdefault(chain[-1][0], tuple(h[3] for h in chain))
    found: list[Marker] = []
    for start, names in targets.items():
        indent = next(h[1] for h in headers if h[0] == start)
        first = start
        while first > 0 and lines[first - 1].lstrip().startswith("@"):
            first -= 1
        end = block_end(lines, start, indent)
        if lines[start].lstrip().startswith("class"):
            # A class is judged by its decorators and docstring: parse only its head.
            end = _class_head_end(lines, start, end)
        segment = "\n".join(lines[first:end])
        try:
            tree = ast.parse(textwrap.dedent(segment) + "\n" + " " * (indent + 4) + "pass\n")
        except (SyntaxError, ValueError):
            return None
        node = tree.body[0] if tree.body else None
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if is_overload(node) or (len(names) == 2 and node.name.startswith("__")):
            continue
        marker = definition_marker(".".join([module, *names]), path, node, categories)
        if marker is not None:
            found.append(replace(marker, line=marker.line + first))
    return found


def _class_head_end(lines: list[str], start: int, end: int) -> int:
    """The line after a class's header and docstring (or `end`, whichever comes first)."""
    number = start
    while number < end and not lines[number].split("#")[0].rstrip().endswith(":"):
        number += 1
    number += 1
    while number < end and not lines[number].strip():
        number += 1
    head = lines[number].strip() if number < end else ""
    quote = next((q for q in ('"""', "'''") if head.lstrip("rRuUbB").startswith(q)), None)
    if quote is None:
        return min(number, end)
    body = head.lstrip("rRuUbB")[3:]
    while quote not in body and number + 1 < end:
        number += 1
        body = lines[number]
    return min(number + 1, end)


def _enclosing(
    headers: list[tuple[int, int, str, str]], number: int, indent: int
) -> list[tuple[int, int, str, str]]:
    """Headers enclosing line `number` (indented `indent`), outermost first; a header on
    that very line counts as the innermost."""
    chain: list[tuple[int, int, str, str]] = []
    limit = indent + 1
    for header in reversed([h for h in headers if h[0] <= number]):
        if header[1] < limit:
            chain.append(header)
            limit = header[1]
            if limit == 0:
                break
    return list(reversed(chain))


def _definitions(
    module: str, path: Path, tree: ast.Module, categories: frozenset[str]
) -> Iterator[Marker]:
    """Markers of the module's functions and classes, and of the classes' methods."""
    for statement in top_level_statements(tree.body):
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if is_overload(statement):
            continue
        symbol = f"{module}.{statement.name}"
        marker = definition_marker(symbol, path, statement, categories)
        if marker is not None:
            yield marker
        if isinstance(statement, ast.ClassDef):
            for member in statement.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    if is_overload(member) or member.name.startswith("__"):
                        continue
                    found = definition_marker(f"{symbol}.{member.name}", path, member, categories)
                    if found is not None:
                        yield found


def _from_marker(marker: Marker, shown: str) -> Mined:
    return Mined(
        symbol=marker.symbol,
        status="deprecated",
        how=marker.how,
        message=marker.message,
        file=shown,
        line=marker.line,
        since=marker.since,
        removed_in=marker.removed_in,
        replacement=marker.replacement,
    )


# ---------------------------------------------------------------- module __getattr__ shims


def _getattr_shims(
    module: str,
    tree: ast.Module,
    paths: Mapping[str, Path],
    shown: str,
    categories: frozenset[str],
) -> Iterator[Mined]:
    hook = next(
        (
            s
            for s in top_level_statements(tree.body)
            if isinstance(s, ast.FunctionDef) and s.name == "__getattr__" and s.args.args
        ),
        None,
    )
    if hook is None:
        return
    parameter = hook.args.args[0].arg
    constants = _module_constants(module, tree, paths)
    for branch in ast.walk(hook):
        if not isinstance(branch, ast.If):
            continue
        names = _tested_names(branch.test, parameter, constants)
        if not names:
            continue
        effect = _branch_effect(branch.body, categories)
        if effect is None:
            continue
        status, how, message, line = effect
        for name, note in names.items():
            text = _fill(message, name, note, f"{module}.{name}")
            since, removed, replacement = message_facts(text)
            if replacement is None and note:
                replacement = message_facts(note)[2]
            yield Mined(
                symbol=f"{module}.{name}",
                status=status,
                how=how,
                message=text,
                file=shown,
                line=line,
                since=since,
                removed_in=removed,
                replacement=replacement,
            )
    yield from _forwarding_shim(module, tree, hook, shown)


def _forwarding_shim(
    module: str, tree: ast.Module, hook: ast.FunctionDef, shown: str
) -> Iterator[Mined]:
    """Every ``__all__`` name of a module whose ``__getattr__`` goes through a deprecation
    helper (SciPy's ``_sub_module_deprecation``): the module path itself is deprecated."""
    helper = next(
        (
            n
            for n in ast.walk(hook)
            if isinstance(n, ast.Call) and "deprecat" in last_name(n.func).lower()
        ),
        None,
    )
    if helper is None:
        return
    exported = _string_collection(
        next(
            (
                s.value
                for s in tree.body
                if isinstance(s, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "__all__" for t in s.targets)
            ),
            None,
        )
    )
    docstring = " ".join((ast.get_docstring(tree) or "").split())[:240]
    # SciPy's helper names the public subpackage a name should be imported from.
    public = next(
        (
            k.value.value
            for k in helper.keywords
            if k.arg == "sub_package"
            and isinstance(k.value, ast.Constant)
            and isinstance(k.value.value, str)
        ),
        None,
    )
    top = module.partition(".")[0]
    for name in exported or {}:
        message = docstring or f"{module} is a deprecated path"
        since, removed, replacement = message_facts(message)
        if replacement is None and public:
            replacement = f"{top}.{public}.{name}"
        yield Mined(
            symbol=f"{module}.{name}",
            status="deprecated",
            how=f"module __getattr__ ({last_name(helper.func)})",
            message=message,
            file=shown,
            line=helper.lineno,
            since=since,
            removed_in=removed,
            replacement=replacement,
        )


def _module_constants(
    module: str, tree: ast.Module, paths: Mapping[str, Path]
) -> dict[str, dict[str, str]]:
    """Module-level dicts/sets of names (name -> note), own or imported from the library."""
    constants: dict[str, dict[str, str]] = {}
    values: dict[str, ast.expr] = {}
    for statement in top_level_statements(tree.body):
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                values[target.id] = statement.value
                found = _string_collection(statement.value) or _comprehension_keys(
                    statement.value, values
                )
                if found:
                    constants[target.id] = found
        elif isinstance(statement, ast.ImportFrom):
            origin = _absolute(module, statement)
            imported_tree = (
                _parse(paths[origin]) if origin is not None and origin in paths else None
            )
            if origin is None or imported_tree is None:
                continue
            imported = _module_constants(origin, imported_tree, {})
            for alias in statement.names:
                if alias.name in imported:
                    constants[alias.asname or alias.name] = imported[alias.name]
    return constants


def _absolute(module: str, node: ast.ImportFrom) -> str | None:
    if node.level == 0:
        return node.module
    parts = module.split(".")
    base = parts[: len(parts) - node.level + 1] if node.level > 1 else parts
    # A package's __init__ is keyed by the package name: `from ._x import` is package._x.
    return ".".join([*base, *([node.module] if node.module else [])]) if base else None


def _string_collection(value: ast.expr | None) -> dict[str, str]:
    """Literal string keys (dict: with string values as notes), sets, lists and tuples."""
    if isinstance(value, ast.Dict):
        found: dict[str, str] = {}
        for key, item in zip(value.keys, value.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                note = _constant_text(item)
                found[key.value] = note
        return found
    if isinstance(value, (ast.Set, ast.List, ast.Tuple)):
        return {
            e.value: ""
            for e in value.elts
            if isinstance(e, ast.Constant) and isinstance(e.value, str)
        }
    return {}


def _comprehension_keys(value: ast.expr, values: Mapping[str, ast.expr]) -> dict[str, str]:
    """Keys of ``{n: ... for n, *_ in TABLE}`` over a module-level list of tuples whose first
    items are strings (NumPy's ``__former_attrs__``); the values are not evaluated."""
    if not (isinstance(value, ast.DictComp) and len(value.generators) == 1):
        return {}
    generator = value.generators[0]
    target, source = generator.target, generator.iter
    if not (isinstance(source, ast.Name) and isinstance(value.key, ast.Name)):
        return {}
    first = target.elts[0] if isinstance(target, ast.Tuple) and target.elts else target
    table = values.get(source.id)
    if not (
        isinstance(first, ast.Name)
        and first.id == value.key.id
        and isinstance(table, (ast.List, ast.Tuple))
    ):
        return {}
    keys: dict[str, str] = {}
    for row in table.elts:
        head = row.elts[0] if isinstance(row, ast.Tuple) and row.elts else row
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            keys[head.value] = ""
    return keys


def _constant_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return " ".join(node.value.split())
    if isinstance(node, ast.JoinedStr):
        return " ".join(str(v.value) for v in node.values if isinstance(v, ast.Constant)).strip()
    return ""


def _tested_names(
    test: ast.expr, parameter: str, constants: Mapping[str, dict[str, str]]
) -> dict[str, str]:
    """Names an ``if`` test selects: ``name == "x"``, ``name in {...}``, ``name in TABLE``."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return {}
    left, right = test.left, test.comparators[0]
    if not (isinstance(left, ast.Name) and left.id == parameter):
        return {}
    if isinstance(test.ops[0], ast.Eq) and isinstance(right, ast.Constant):
        return {right.value: ""} if isinstance(right.value, str) else {}
    if isinstance(test.ops[0], ast.In):
        if isinstance(right, ast.Name):
            return dict(constants.get(right.id, {}))
        return _string_collection(right)
    return {}


def _branch_effect(
    body: list[ast.stmt], categories: frozenset[str]
) -> tuple[str, str, str, int] | None:
    """``(status, how, message template, line)`` of a branch that warns or refuses."""
    for statement in body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            if last_name(call.func) != "warn":
                continue
            found = [dotted_name(a) for a in call.args[1:2]]
            found += [dotted_name(k.value) for k in call.keywords if k.arg == "category"]
            if any(c and is_deprecation_category(c, categories) for c in found):
                template = _template(call.args[0]) if call.args else ""
                return "deprecated", "module __getattr__ warns", template, statement.lineno
        if isinstance(statement, ast.Raise) and isinstance(statement.exc, ast.Call):
            if last_name(statement.exc.func) != "AttributeError" or not statement.exc.args:
                continue
            template = _template(statement.exc.args[0])
            if _REMOVED_WORDS.search(template) or "{note}" in template:
                return "removed", "module __getattr__ raises", template, statement.lineno
    return None


def _template(node: ast.expr) -> str:
    """A message with the hook's parameter as ``{name}`` and a table look-up as ``{note}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return " ".join(node.value.split())
    if isinstance(node, ast.Subscript):
        return "{note}"
    if isinstance(node, ast.JoinedStr):
        parts: list[str] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                parts.append("{note}" if isinstance(value.value, ast.Subscript) else "{name}")
        return " ".join("".join(parts).split())
    if isinstance(node, ast.BinOp):
        return _template(node.left) + _template(node.right)
    return ""


def _fill(template: str, name: str, note: str, symbol: str) -> str:
    text = template.replace("{name}", name).replace("{note}", note).strip()
    return text or f"`{symbol}` is refused by its module's __getattr__ (the message is computed)"


# ---------------------------------------------------------------- cache and look-up


def _cache_file(distribution: str, version: str) -> Path:
    return cache_dir() / "deprecations" / f"{normalize(distribution)}-{version}.json"


def _load(path: Path) -> MinedIndex | None:
    """The cached index at `path`; None when absent, unreadable or from another miner."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("miner") != MINER_VERSION:
            return None
        return MinedIndex(
            distribution=data["distribution"],
            version=data["version"],
            entries={e["symbol"]: Mined(**e) for e in data["entries"]},
            files=data["files"],
            parsed=data["parsed"],
            seconds=data["seconds"],
            categories=frozenset(data["categories"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


@cache
def mined_for(distribution: str) -> MinedIndex | None:
    """The mined index of installed `distribution`, from the disk cache or mined now."""
    try:
        version = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    path = _cache_file(distribution, version)
    cached = _load(path)
    if cached is not None:
        return cached
    index = mine(distribution)
    if index is None:
        return None
    payload = {
        "miner": MINER_VERSION,
        "distribution": index.distribution,
        "version": index.version,
        "files": index.files,
        "parsed": index.parsed,
        "seconds": round(index.seconds, 3),
        "categories": sorted(index.categories),
        "entries": [asdict(e) for e in sorted(index.entries.values(), key=lambda e: e.symbol)],
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload), encoding="utf-8")
    except OSError:
        # An unwritable cache makes the next run mine again, never answer wrongly.
        return index
    return index


@cache
def _distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def mined_entry(symbol: str) -> Mined | None:
    """The mined entry for the dotted `symbol` as its distribution defines or shims it."""
    top = symbol.partition(".")[0]
    for distribution in _distributions().get(top, []):
        index = mined_for(distribution)
        if index is not None and symbol in index.entries:
            return index.entries[symbol]
    return None
