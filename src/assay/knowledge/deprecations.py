"""The deprecated-API knowledge behind the `deprecated` rule family (AS2xx).

Three sources, all read statically (nothing of the checked code, nor of installed packages,
is imported):

* the shipped table ``assay/knowledge/data/deprecations.toml`` (symbol, kind, deprecated-in, removed-in,
  replacement, source link, and the package whose version decides: ``python`` or a
  distribution), validated by ``scripts/build_deprecations.py``;
* PEP 702 ``@deprecated`` markers, ``.. deprecated::`` docstrings and unconditional
  ``warnings.warn(..., DeprecationWarning)`` at the top of a function, read from the installed
  package's source files (`installed_marker`);
* receiver types (`TypeRecord`), so ``df.append(...)`` is recognised as
  ``pandas.DataFrame.append`` without running anything.

`assess` turns a record plus the versions in play (target Python, installed distribution)
into a severity and a sentence: removed at the target → error, deprecated at the target →
warning, deprecated only in a newer version → info ("will warn after the upgrade").
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from importlib.machinery import PathFinder
from pathlib import Path
from typing import Literal

from assay.errors import ConfigError
from assay.model import Severity
from assay.syntax import dotted_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on 3.10
    import tomli as tomllib

__all__ = [
    "KINDS",
    "ApiRecord",
    "Assessment",
    "DeprecationTable",
    "Marker",
    "TypeRecord",
    "assess",
    "block_end",
    "definition_marker",
    "format_version",
    "installed_marker",
    "installed_version",
    "is_deprecation_category",
    "is_overload",
    "load_table",
    "message_facts",
    "parse_version",
    "top_level_statements",
]

_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")

ApiKind = Literal[
    "attribute", "call", "import", "keyword-argument", "method-on-receiver", "nested-class"
]
KINDS: tuple[str, ...] = (
    "attribute",
    "call",
    "import",
    "keyword-argument",
    "method-on-receiver",
    "nested-class",
)
_WHEN = re.compile(
    r"^(outside-async|positional-list|first-arg-str|no-args|missing-keyword:[A-Za-z_]\w*)$"
)
Version = tuple[int, ...]


def parse_version(text: str) -> Version:
    """The leading numeric release of a version string: ``"1.26.4rc1"`` → ``(1, 26, 4)``."""
    numbers: list[int] = []
    for part in text.strip().split("."):
        match = re.match(r"\d+", part)
        if match is None:
            break
        numbers.append(int(match.group()))
        if match.end() != len(part):
            break
    return tuple(numbers)


def format_version(version: Version) -> str:
    """``(3, 12)`` → ``"3.12"``."""
    return ".".join(str(n) for n in version)


@dataclass(frozen=True, kw_only=True)
class ApiRecord:
    """One deprecated or removed API (a row of ``deprecations.toml``)."""

    symbol: str
    kind: ApiKind
    package: str
    deprecated_in: str
    replacement: str
    source: str
    removed_in: str | None = None
    restored_in: str | None = None
    keyword: str | None = None
    when: str | None = None
    max_severity: Severity | None = None
    note: str | None = None
    distinctive: bool = False
    #: ``safe``/``unsafe``: the replacement is a rename `assay check --fix` may make (see
    #: `rename_target`); None: it takes a person.
    fix: Literal["safe", "unsafe"] | None = None

    @property
    def rename_target(self) -> str | None:
        """The dotted name to write instead, for a record with `fix`: the replacement up to
        an optional " (or ...)" aside (``float (or numpy.float64)`` gives ``float``)."""
        if self.fix is None:
            return None
        return self.replacement.partition(" (or ")[0]

    @property
    def owner(self) -> str:
        """The symbol without its last part (the receiver type for method records)."""
        return self.symbol.rpartition(".")[0]

    @property
    def member(self) -> str:
        """The last part of the symbol (the method or attribute name)."""
        return self.symbol.rpartition(".")[2]


@dataclass(frozen=True, kw_only=True)
class TypeRecord:
    """How to recognise an instance of `name` in source code (see the table's header)."""

    name: str
    package: str
    factories: frozenset[str] = frozenset()
    returned_by: frozenset[str] = frozenset()
    subclassable: bool = False
    names: re.Pattern[str] | None = None


@dataclass(frozen=True, kw_only=True)
class DeprecationTable:
    """The shipped table, indexed for the lookups the rules make per AST node."""

    records: tuple[ApiRecord, ...]
    types: dict[str, TypeRecord]
    by_symbol: dict[str, tuple[ApiRecord, ...]]
    by_member: dict[str, tuple[ApiRecord, ...]]
    imports: tuple[ApiRecord, ...]
    nested_classes: dict[str, tuple[ApiRecord, ...]]

    def import_records(self, module: str) -> list[ApiRecord]:
        """Import records covering `module` (the module itself or a parent)."""
        return [r for r in self.imports if module == r.symbol or module.startswith(r.symbol + ".")]


def _record(raw: dict[str, object], index: int) -> ApiRecord:
    where = f"deprecations.toml [[api]] #{index + 1} ({raw.get('symbol')!r})"
    allowed = {
        "symbol", "kind", "package", "deprecated-in", "removed-in", "restored-in",
        "replacement", "source", "keyword", "when", "max-severity", "note", "distinctive",
        "fix",
    }  # fmt: skip
    unknown = set(raw) - allowed
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)}; valid: {sorted(allowed)}")
    for required in ("symbol", "kind", "package", "deprecated-in", "replacement", "source"):
        if not isinstance(raw.get(required), str) or not raw[required]:
            raise ConfigError(f"{where}: {required!r} must be a non-empty string")
    kind = str(raw["kind"])
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    when = raw.get("when")
    if when is not None and not (isinstance(when, str) and _WHEN.match(when)):
        raise ConfigError(f"{where}: when {when!r} is not a known condition")
    if kind == "keyword-argument" and not isinstance(raw.get("keyword"), str):
        raise ConfigError(f"{where}: keyword-argument records need keyword = '<name>'")
    cap = raw.get("max-severity")
    fix = raw.get("fix")
    if fix is not None and (
        fix not in ("safe", "unsafe")
        or not _DOTTED.fullmatch(str(raw["replacement"]).partition(" (or ")[0])
    ):
        raise ConfigError(
            f"{where}: fix {fix!r} needs 'safe' or 'unsafe' and a replacement that is a dotted "
            "name (optionally followed by ' (or ...)'); remove fix for other replacements"
        )
    return ApiRecord(
        symbol=str(raw["symbol"]),
        kind=kind,  # type: ignore[arg-type]  # checked against KINDS above
        package=str(raw["package"]),
        deprecated_in=str(raw["deprecated-in"]),
        removed_in=_optional_str(raw, "removed-in"),
        restored_in=_optional_str(raw, "restored-in"),
        replacement=str(raw["replacement"]),
        source=str(raw["source"]),
        keyword=_optional_str(raw, "keyword"),
        when=when if isinstance(when, str) else None,
        max_severity=Severity(str(cap)) if cap is not None else None,
        note=_optional_str(raw, "note"),
        distinctive=bool(raw.get("distinctive", False)),
        fix=fix,
    )


def _optional_str(raw: dict[str, object], key: str) -> str | None:
    value = raw.get(key)
    return str(value) if value is not None else None


def _type_record(raw: dict[str, object]) -> TypeRecord:
    names = raw.get("names")
    return TypeRecord(
        name=str(raw["name"]),
        package=str(raw["package"]),
        factories=frozenset(_strings(raw.get("factories"))),
        returned_by=frozenset(_strings(raw.get("returned-by"))),
        subclassable=bool(raw.get("subclassable", False)),
        names=re.compile(names) if isinstance(names, str) else None,
    )


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


@cache
def load_table() -> DeprecationTable:
    """The shipped table, parsed and indexed once per process.

    Raises:
        ConfigError: the shipped data file is malformed (a packaging bug).
    """
    text = resources.files("assay.knowledge.data").joinpath("deprecations.toml").read_text("utf-8")
    return build_table(tomllib.loads(text))


def build_table(document: dict[str, object]) -> DeprecationTable:
    """Index a parsed table document (``{"api": [...], "type": [...]}``)."""
    raw_records = document.get("api", [])
    raw_types = document.get("type", [])
    if not isinstance(raw_records, list) or not isinstance(raw_types, list):
        raise ConfigError("deprecations.toml needs [[api]] and [[type]] arrays of tables")
    records = tuple(_record(raw, i) for i, raw in enumerate(raw_records))
    types = {t.name: t for t in (_type_record(raw) for raw in raw_types)}
    by_symbol: dict[str, list[ApiRecord]] = {}
    by_member: dict[str, list[ApiRecord]] = {}
    nested: dict[str, list[ApiRecord]] = {}
    for record in records:
        if record.kind == "import":
            continue
        if record.kind == "nested-class":
            nested.setdefault(record.member, []).append(record)
            continue
        by_symbol.setdefault(record.symbol, []).append(record)
        if record.owner in types:
            by_member.setdefault(record.member, []).append(record)
        elif record.kind == "method-on-receiver":
            raise ConfigError(
                f"deprecations.toml: {record.symbol} is a method-on-receiver record but "
                f"{record.owner!r} has no [[type]] entry"
            )
    return DeprecationTable(
        records=records,
        types=types,
        by_symbol={k: tuple(v) for k, v in by_symbol.items()},
        by_member={k: tuple(v) for k, v in by_member.items()},
        imports=tuple(r for r in records if r.kind == "import"),
        nested_classes={k: tuple(v) for k, v in nested.items()},
    )


@cache
def installed_version(distribution: str) -> str | None:
    """The installed version of `distribution`, or None when it is not installed."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True, kw_only=True)
class Assessment:
    """What a record means for the versions in play."""

    severity: Severity
    status: Literal["removed", "deprecated", "upcoming"]
    message: str
    evidence: dict[str, str | None]
    confidence: str


def assess(record: ApiRecord, *, target_python: tuple[int, int]) -> Assessment | None:
    """Severity and wording of `record` for the target Python / installed distribution.

    Returns None when the name is fine at the versions in play (restored, e.g. ``np.bool``
    on numpy 2).
    """
    label = "Python" if record.package == "python" else record.package
    confidence = "high"
    installed: str | None = None
    if record.package == "python":
        current: Version | None = tuple(target_python)
        against = f"target Python {format_version(tuple(target_python))}"
    else:
        installed = installed_version(record.package)
        current = parse_version(installed) if installed else None
        against = (
            f"installed {record.package} {installed}"
            if installed
            else f"the latest {record.package} release; {record.package} is not installed here"
        )
        if installed is None:
            confidence = "medium"
    deprecated = parse_version(record.deprecated_in)
    removed = parse_version(record.removed_in) if record.removed_in else None
    restored = parse_version(record.restored_in) if record.restored_in else None
    reached = _Reached(current)
    if restored is not None and reached(restored):
        return None
    name = (
        record.symbol
        if record.kind != "keyword-argument"
        else (f"{record.symbol}({record.keyword}=...)")
    )
    since = "in every version" if deprecated == (0,) else f"since {label} {record.deprecated_in}"
    if removed is not None and reached(removed):
        severity = Severity.ERROR
        status: Literal["removed", "deprecated", "upcoming"] = "removed"
        message = f"{name} was removed in {label} {record.removed_in} (deprecated {since})"
    elif reached(deprecated):
        severity = Severity.WARNING
        status = "deprecated"
        later = f"; removed in {label} {record.removed_in}" if record.removed_in else ""
        message = f"{name} is deprecated {since}{later}"
    else:
        severity = Severity.INFO
        status = "upcoming"
        message = (
            f"{name}: deprecated in {label} {record.deprecated_in}: will warn after the upgrade"
        )
    if record.max_severity is not None and severity.rank > record.max_severity.rank:
        severity = record.max_severity
    message += f" ({against})"
    if record.note:
        message += f". {record.note}"
    return Assessment(
        severity=severity,
        status=status,
        message=message,
        evidence={
            "symbol": record.symbol,
            "package": record.package,
            "deprecated_in": record.deprecated_in,
            "removed_in": record.removed_in,
            "checked_against": against,
            "replacement": record.replacement,
            "source": record.source,
        },
        confidence=confidence,
    )


@dataclass(frozen=True)
class _Reached:
    """`current` has reached `version`; an unknown current version means the latest release."""

    current: Version | None

    def __call__(self, version: Version) -> bool:
        return self.current is None or self.current >= version


# ---------------------------------------------------------------- markers in installed packages


@dataclass(frozen=True, kw_only=True)
class Marker:
    """A deprecation declared by an installed package itself.

    `since`, `removed_in` and `replacement` come from the decorator's arguments
    (``deprecated_in=``, ``removed_in=``, ``alternative=``, a leading version) or, when it
    states them, the message text (`message_facts`); None when neither says.
    """

    symbol: str
    how: str
    message: str
    file: str
    line: int
    since: str | None = None
    removed_in: str | None = None
    replacement: str | None = None


_DOCSTRING_DIRECTIVE = re.compile(r"^\s*\.\. deprecated::\s*(?P<version>\S*)(?P<rest>.*)$", re.M)
_DEPRECATION_CATEGORIES = frozenset(
    {"DeprecationWarning", "FutureWarning", "PendingDeprecationWarning"}
)
_MAX_HOPS = 6
_DIRECTIVE_HEAD_LINES = 6
#: Decorators that deprecate what they decorate: PEP 702's, the `deprecation` package's,
#: scikit-learn's, TensorFlow's, matplotlib's ``_api.deprecated``, SciPy's ``_deprecated``,
#: SQLAlchemy's ``deprecated_20``/``moved_20``. Argument-level ones (``deprecated_args``,
#: ``_deprecate_positional_args``, ``rename_parameter``) deprecate a usage, not the API.
_DEPRECATING_DECORATOR = re.compile(
    r"^_?(deprecated?|deprecated_\d+|deprecated_cls|deprecated_class|deprecated_function"
    r"|deprecated_method|moved_(in_)?\d+)$"
)
#: Calls that warn about a deprecation on the caller's behalf (matplotlib's
#: ``_api.warn_deprecated("3.8", name=...)``, ``warn_deprecation(...)``).
_WARNING_HELPER = re.compile(r"^_?warn_?deprecat\w*$|^_?deprecation_warning$", re.I)
_VERSION = r"v?(\d+\.\d+(?:\.\d+)?)"
_SINCE_PATTERNS = (
    re.compile(
        rf"deprecated\s+(?:since|in|as of|from)\s+(?:version\s+|release\s+)?(?:[A-Z][\w-]*\s+)?{_VERSION}",
        re.I,
    ),
    re.compile(rf"since\s+(?:version\s+|release\s+)?(?:[A-Z][\w-]*\s+)?{_VERSION}", re.I),
    re.compile(rf"^deprecated\s+{_VERSION}", re.I),
)
_REMOVED_PATTERN = re.compile(
    rf"removed\s+(?:in|from|by|with|as of)\s+(?:the\s+)?(?:version\s+|release\s+)?"
    rf"(?:[A-Z][\w-]*\s+)?{_VERSION}",
    re.I,
)
_REPLACEMENT_PATTERNS = (
    re.compile(r"use\s+`{1,2}([^`]+)`{1,2}\s+instead", re.I),
    re.compile(r"use\s+([\w.()\[\]]+)\s+instead", re.I),
    re.compile(r"instead,?\s+use\s+`{0,2}([\w.()\[\]]+)`{0,2}", re.I),
    re.compile(r"in\s+favou?r\s+of\s+`{0,2}([\w.()\[\]]+)`{0,2}", re.I),
    re.compile(r"(?:replaced|superseded)\s+by\s+`{0,2}([\w.()\[\]]+)`{0,2}", re.I),
    re.compile(r"(?:please\s+)?use\s+`([^`]+)`", re.I),
)
_FACT_KEYWORDS = {
    "since": ("deprecated_in", "since", "version", "deprecated_since", "start_version"),
    "removed_in": ("removed_in", "removal", "removal_version", "remove_in", "end_version"),
    "replacement": ("alternative", "alternative_name", "replacement", "instead", "use_instead"),
    "message": ("details", "message", "msg", "reason", "instructions", "extra_message", "addendum"),
}


def message_facts(text: str) -> tuple[str | None, str | None, str | None]:
    """``(since, removed_in, replacement)`` as a deprecation message states them, else None.

    ``"deprecated since 1.4 and will be removed in 1.6. Use `fit_transform` instead."`` →
    ``("1.4", "1.6", "fit_transform")``.
    """
    since = next((m.group(1) for p in _SINCE_PATTERNS if (m := p.search(text))), None)
    removed = _REMOVED_PATTERN.search(text)
    replacement = next(
        (m.group(1).strip(" .,") for p in _REPLACEMENT_PATTERNS if (m := p.search(text))), None
    )
    return since, removed.group(1) if removed else None, replacement or None


def _call_facts(call: ast.Call) -> dict[str, str]:
    """What a deprecating decorator's or helper's arguments state (constants only)."""
    facts: dict[str, str] = {}
    for keyword in call.keywords:
        value = keyword.value
        text = (
            value.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str)
            else None
        )
        if text is None and keyword.arg in _FACT_KEYWORDS["replacement"]:
            text = dotted_name(value)
        for fact, names in _FACT_KEYWORDS.items():
            if not text or keyword.arg not in names:
                continue
            if fact == "replacement" and len(text.split()) > 1:
                # Prose ("No replacement. Please open an issue"), not a name to use: keep
                # what the message itself says instead.
                continue
            facts.setdefault(fact, " ".join(text.split())[:240])
    if call.args:
        first = call.args[0]
        # matplotlib's `deprecated("3.8")` and TensorFlow's dates lead with the version.
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            if re.fullmatch(r"v?\d+\.\d+(\.\d+)?", first.value.strip()):
                facts.setdefault("since", first.value.strip().lstrip("v"))
    return facts


def _with_facts(marker: Marker, call: ast.Call | None) -> Marker:
    """`marker` with since/removal/replacement from `call`'s arguments, then its message."""
    facts = _call_facts(call) if call is not None else {}
    message = marker.message
    if "message" in facts and message in ("marked @deprecated", ""):
        message = facts["message"]
    since, removed, replacement = message_facts(message)
    since = facts.get("since") or since
    removed = facts.get("removed_in") or removed
    replacement = facts.get("replacement") or replacement
    if message in {since, replacement, removed}:
        # matplotlib's `deprecated("3.8", alternative=...)`: the first string is no message.
        message = " ".join(
            part
            for part in (
                f"deprecated since {since}" if since else "deprecated",
                f"removed in {removed}" if removed else "",
                f"use {replacement}" if replacement else "",
            )
            if part
        )
    return replace(
        marker, message=message, since=since, removed_in=removed, replacement=replacement
    )


def is_deprecation_category(name: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether warning class `name` (dotted or not) is a deprecation category: the three
    built-in ones, a library's own subclass of them named as such
    (``MatplotlibDeprecationWarning``, ``PydanticDeprecatedSince20``), or one of `extra`
    (subclasses mined from the library itself, such as pandas' ``Pandas4Warning``)."""
    last = name.rpartition(".")[2]
    return (
        last in _DEPRECATION_CATEGORIES
        or last in extra
        or last.endswith(("DeprecationWarning", "FutureWarning"))
        or "Deprecated" in last
    )


def installed_marker(symbol: str) -> Marker | None:
    """The deprecation `symbol` carries in its installed package's source, if any.

    Finds the module file without importing it, follows explicit re-exports
    (``from .x import name``) a few hops, and looks at the definition's decorators
    (PEP 702 ``@deprecated``, ``@util.deprecated(...)``), its docstring
    (``.. deprecated::``) and the first statements of its body (an unconditional
    ``warnings.warn(..., DeprecationWarning)``).
    """
    top = symbol.partition(".")[0]
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return None
    return _marker_cached(symbol)


@cache
def _marker_cached(symbol: str) -> Marker | None:
    parts = symbol.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module, attrs = ".".join(parts[:split]), parts[split:]
        path = _module_file(module)
        if path is not None:
            return _find_in_module(module, path, attrs, hops=0)
    return None


@cache
def _module_file(module: str) -> Path | None:
    """The source file of `module`, found through sys.path without importing anything."""
    parts = module.split(".")
    search: list[str] | None = None
    origin: str | None = None
    for index in range(len(parts)):
        spec = PathFinder.find_spec(".".join(parts[: index + 1]), search)
        if spec is None:
            return None
        origin = spec.origin
        locations = spec.submodule_search_locations
        search = list(locations) if locations is not None else None
        if search is None and index < len(parts) - 1:
            return None
    if origin is None or not origin.endswith(".py"):
        return None
    return Path(origin)


@cache
def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


@dataclass(frozen=True)
class _ModuleIndex:
    """What a module file defines and re-exports, read with regular expressions (cheap:
    most files on a re-export chain are never parsed)."""

    definitions: frozenset[str]
    imports: dict[str, tuple[int, str, str]]
    stars: tuple[tuple[int, str], ...]
    mentions_deprecation: bool


_DEFINITION = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.M)
_FROM_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]+)", re.M
)
_MARKER_WORDS = re.compile(r"deprecat|DeprecationWarning|FutureWarning|moved_\d", re.I)


@cache
def _index(path: Path) -> _ModuleIndex | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    imports: dict[str, tuple[int, str, str]] = {}
    stars: list[tuple[int, str]] = []
    for match in _FROM_IMPORT.finditer(text):
        level, module = len(match.group(1)), match.group(2)
        names = match.group(3).split("#")[0] if "(" not in match.group(3) else match.group(3)
        for raw in names.strip("()").replace("\\", " ").split(","):
            parts = re.sub(r"#[^\n]*", "", raw).split()
            if not parts:
                continue
            if parts[0] == "*":
                stars.append((level, module))
            elif len(parts) == 3 and parts[1] == "as":
                imports.setdefault(parts[2], (level, module, parts[0]))
            elif len(parts) == 1 and parts[0].isidentifier():
                imports.setdefault(parts[0], (level, module, parts[0]))
    return _ModuleIndex(
        definitions=frozenset(_DEFINITION.findall(text)),
        imports=imports,
        stars=tuple(stars),
        mentions_deprecation=bool(_MARKER_WORDS.search(text)),
    )


def _find_in_module(module: str, path: Path, attrs: list[str], *, hops: int) -> Marker | None:
    index = _index(path)
    if index is None or hops > _MAX_HOPS:
        return None
    name = attrs[0]
    if name in index.definitions:
        return _definition_in(module, path, attrs) if index.mentions_deprecation else None
    if name in index.imports:
        level, source, original = index.imports[name]
        origin = _resolve_from(module, path, level, source)
        target = _module_file(origin) if origin else None
        if origin is None or target is None:
            return None
        return _find_in_module(origin, target, [original, *attrs[1:]], hops=hops + 1)
    for level, source in index.stars:
        origin = _resolve_from(module, path, level, source)
        target = _module_file(origin) if origin else None
        if origin is not None and target is not None:
            found = _find_in_module(origin, target, attrs, hops=hops + 1)
            if found is not None:
                return found
    return None


def _definition_in(module: str, path: Path, attrs: list[str]) -> Marker | None:
    """The marker on ``attrs[0]`` (or its member ``attrs[1]``) defined in `path`.

    Only the definition's own lines are read (files like pandas' frame.py are too big to
    parse on every run): a class is judged by its decorators and docstring, a function by
    parsing its lines. When a cut-out does not parse, the whole file is.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    found = _segment(lines, attrs[0])
    if found is None:
        return None
    first, start, indent = found
    symbol = ".".join([module, *attrs[:2]])
    if len(attrs) == 1 and lines[start].lstrip().startswith("class"):
        return _class_head_marker(symbol, path, lines, first, start)
    cut = lines[first : block_end(lines, start, indent)]
    offset = first
    if len(attrs) > 1:
        inner = _segment(cut, attrs[1])
        if inner is None:
            return None
        first, start, indent = inner
        cut = cut[first : block_end(cut, start, indent)]
        offset += first
    try:
        tree = ast.parse(textwrap.dedent("\n".join(cut)))
    except (SyntaxError, ValueError):
        return _definition_by_parsing(module, path, attrs)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            marker = definition_marker(symbol, path, node)
            return None if marker is None else replace(marker, line=marker.line + offset)
    return None


_CLASS_HEAD_LINES = 40


def _class_head_marker(
    symbol: str, path: Path, lines: list[str], first: int, start: int
) -> Marker | None:
    for number in range(first, start):
        decorator = lines[number].strip()
        name = re.match(r"@([\w.]+)", decorator)
        if name and _DEPRECATING_DECORATOR.search(name.group(1).rpartition(".")[2]):
            return Marker(symbol=symbol, how=f"@{name.group(1)}", message="marked @deprecated",
                          file=str(path), line=number + 1)  # fmt: skip
    head = "\n".join(lines[start + 1 : start + 1 + _CLASS_HEAD_LINES])
    body_starts = re.search(r"^\s+(?:async\s+)?def\s", head, re.M)
    docstring = head[: body_starts.start()] if body_starts else head
    match = _DOCSTRING_DIRECTIVE.search(docstring)
    if match and docstring[: match.start()].count("\n") <= _DIRECTIVE_HEAD_LINES:
        detail = (match.group("version") + match.group("rest")).strip()
        return Marker(symbol=symbol, how=".. deprecated::", message=f"deprecated {detail}".strip(),
                      file=str(path), line=start + 1)  # fmt: skip
    return None


def _segment(lines: list[str], name: str) -> tuple[int, int, int] | None:
    """``(first line incl. decorators, header line, indent)`` of the least-indented
    non-overload ``def``/``class`` `name` in `lines`."""
    header = re.compile(rf"^(\s*)(?:async\s+)?(?:def|class)\s+{re.escape(name)}\b")
    found: list[tuple[int, int]] = []
    for number, line in enumerate(lines):
        match = header.match(line)
        if match:
            found.append((len(match.group(1).expandtabs()), number))
    for indent, start in sorted(found):
        first = start
        while first > 0 and _decorator_line(lines[first - 1], indent):
            first -= 1
        if any("overload" in line for line in lines[first:start]):
            continue
        return first, start, indent
    return None


def _decorator_line(line: str, indent: int) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    own_indent = len(line) - len(line.lstrip())
    return stripped.startswith("@") or own_indent > indent or stripped.startswith((")", "]"))


def block_end(lines: list[str], start: int, indent: int) -> int:
    """The line after the block whose header is ``lines[start]`` (indented `indent`):
    the next non-blank, non-comment line at that indent or less, outside brackets."""
    depth = 0
    for number in range(start, len(lines)):
        line = lines[number]
        stripped = line.strip()
        if number > start and stripped and depth == 0:
            own_indent = len(line.expandtabs()) - len(line.expandtabs().lstrip())
            if own_indent <= indent and not stripped.startswith((")", "]", "}", "#")):
                return number
        code = stripped.split("#")[0]
        depth = max(
            0, depth + sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        )
    return len(lines)


def _definition_by_parsing(module: str, path: Path, attrs: list[str]) -> Marker | None:
    tree = _parse(path)
    if tree is None:
        return None
    for statement in top_level_statements(tree.body):
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if statement.name != attrs[0] or is_overload(statement):
            continue
        if len(attrs) > 1 and isinstance(statement, ast.ClassDef):
            return _member_marker(module, path, statement, attrs[1])
        return definition_marker(f"{module}.{attrs[0]}", path, statement)
    return None


def is_overload(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> bool:
    """Whether `node` is decorated with ``@overload`` (a typing stub, not the definition)."""
    return any((dotted_name(d) or "").rpartition(".")[2] == "overload" for d in node.decorator_list)


def top_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module-level statements, including those under ``if``/``try`` (TYPE_CHECKING, compat)."""
    for statement in body:
        if isinstance(statement, ast.If):
            yield from top_level_statements(statement.body)
            yield from top_level_statements(statement.orelse)
        elif isinstance(statement, ast.Try):
            yield from top_level_statements(statement.body)
        else:
            yield statement


def _resolve_from(module: str, path: Path, level: int, source: str) -> str | None:
    if level == 0:
        return source or None
    package_parts = module.split(".")
    if path.name != "__init__.py":
        package_parts = package_parts[:-1]
    if level > 1:
        package_parts = package_parts[: -(level - 1)] if level - 1 < len(package_parts) else []
    if not package_parts:
        return None
    return ".".join([*package_parts, *([source] if source else [])])


def _member_marker(module: str, path: Path, cls: ast.ClassDef, member: str) -> Marker | None:
    for statement in cls.body:
        if (
            isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            and statement.name == member
            and not is_overload(statement)
        ):
            return definition_marker(f"{module}.{cls.name}.{member}", path, statement)
    return None


def definition_marker(
    symbol: str,
    path: Path,
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
    categories: frozenset[str] = frozenset(),
) -> Marker | None:
    """The deprecation definition `node` (named `symbol`, in file `path`) declares itself:
    a deprecating decorator, a leading ``.. deprecated::`` directive in its docstring, or
    (functions) a deprecation warning among its first statements. `categories` are extra
    deprecation warning classes of the library (see `is_deprecation_category`)."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = dotted_name(target)
        if name is not None and _DEPRECATING_DECORATOR.search(name.rpartition(".")[2]):
            call = decorator if isinstance(decorator, ast.Call) else None
            text = _first_string(call) if call is not None else None
            marker = Marker(
                symbol=symbol,
                how=f"@{name}",
                message=text or "marked @deprecated",
                file=str(path),
                line=decorator.lineno,
            )
            return _with_facts(marker, call)
    docstring = ast.get_docstring(node)
    if docstring:
        match = _DOCSTRING_DIRECTIVE.search(docstring)
        # A directive deep in the text usually deprecates one usage, not the definition.
        if match and docstring[: match.start()].count("\n") <= _DIRECTIVE_HEAD_LINES:
            detail = (match.group("version") + match.group("rest")).strip()
            marker = Marker(
                symbol=symbol,
                how=".. deprecated::",
                message=f"deprecated {detail}".strip(),
                file=str(path),
                line=node.lineno,
            )
            version = match.group("version").strip().rstrip(":").lstrip("v")
            marker = _with_facts(marker, None)
            if re.fullmatch(r"\d+\.\d+(\.\d+)?", version):
                marker = replace(marker, since=version)
            return marker
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return _warns_first(symbol, path, node, categories)
    return None


def _warns_first(
    symbol: str,
    path: Path,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    categories: frozenset[str] = frozenset(),
) -> Marker | None:
    body = node.body[1:] if ast.get_docstring(node) else node.body
    for statement in body[:2]:
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            continue
        call = statement.value
        name = dotted_name(call.func)
        if name is None:
            continue
        last = name.rpartition(".")[2]
        if _WARNING_HELPER.match(last):
            marker = Marker(
                symbol=symbol,
                how=f"{name}(...)",
                message=_first_string(call) or "warns of its deprecation when called",
                file=str(path),
                line=statement.lineno,
            )
            return _with_facts(marker, call)
        if last != "warn":
            continue
        found = [dotted_name(a) for a in call.args[1:2]]
        found += [dotted_name(k.value) for k in call.keywords if k.arg == "category"]
        if any(c and is_deprecation_category(c, categories) for c in found):
            marker = Marker(
                symbol=symbol,
                how="warnings.warn(DeprecationWarning)",
                message=_first_string(call) or "warns DeprecationWarning when called",
                file=str(path),
                line=statement.lineno,
            )
            return _with_facts(marker, None)
    return None


def _first_string(call: ast.Call) -> str | None:
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and len(arg.value) > 3:
            return " ".join(arg.value.split())[:240]
        if isinstance(arg, ast.JoinedStr):
            return (
                " ".join(str(v.value) for v in arg.values if isinstance(v, ast.Constant)).strip()[
                    :240
                ]
                or None
            )
    return None
