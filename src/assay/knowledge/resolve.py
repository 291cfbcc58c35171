"""What exists: the standard library, installed distributions, the package index, and APIs.

The hallucination rules ask this module three questions:

* *Is this top-level import a real package?* (`package_status`, `PackageIndex`): the
  standard library (`sys.stdlib_module_names`), installed distributions (found without
  importing them), the shipped offline index of PyPI project names and import names
  (``assay/knowledge/data/pypi_index.json.gz``, built by ``scripts/build_pypi_index.py``), and, when
  online, the package index pip is configured with (PEP 691/503 simple API) plus PyPI's JSON
  API for release dates. Index answers are cached on disk with a TTL and time-boxed.
* *Does this module, class or function exist, and what is its signature?* (`ApiResolver`):
  the installed package or standard module is described by `assay.knowledge._introspect` running in a
  separate ``python -I`` process whose ``sys.path`` excludes the current directory, so the
  checked code itself is never imported. Descriptions are cached per run and on disk, keyed
  by interpreter and distribution version.
* *Do these arguments fit that signature?* (`signature_problems`).

Static loading with griffe was measured and rejected as the default: loading ``numpy``
with its submodules took 8.3 s against 0.3 s for one introspection process, and griffe
cannot see attributes set at import time or C extensions, the two biggest sources of
false alarms.
"""

from __future__ import annotations

import concurrent.futures
import difflib
import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from assay.config import Settings, cache_dir, read_environment

__all__ = [
    "OTHER_PYTHON_STDLIB",
    "RUNTIME_MODULES",
    "STDLIB_MODULES",
    "ApiLookup",
    "ApiResolver",
    "ClassDetail",
    "IndexAnswer",
    "IndexClient",
    "PackageIndex",
    "Surface",
    "cache_dir",
    "closest_names",
    "installed_version",
    "is_installed",
    "normalize",
    "offline_index",
    "pip_index_url",
    "project_forms",
    "signature_problems",
]

STDLIB_MODULES: frozenset[str] = frozenset(sys.stdlib_module_names) | frozenset(
    sys.builtin_module_names
)
#: Standard modules of other Python versions (added after 3.10 or removed since): real names
#: that `sys.stdlib_module_names` of this interpreter may not list.
OTHER_PYTHON_STDLIB: frozenset[str] = frozenset(
    {
        "annotationlib",
        "compression",
        "tomllib",
        "_interpreters",
        "_interpqueues",
        "_interpchannels",
        "concurrent",
        "string",
        "_pyrepl",
        "_colorize",
        "_suggestions",
        "distutils",
        "imp",
        "asynchat",
        "asyncore",
        "smtpd",
        "aifc",
        "audioop",
        "cgi",
        "cgitb",
        "chunk",
        "crypt",
        "imghdr",
        "mailcap",
        "msilib",
        "nis",
        "nntplib",
        "ossaudiodev",
        "pipes",
        "sndhdr",
        "spwd",
        "sunau",
        "telnetlib",
        "uu",
        "xdrlib",
        "lib2to3",
        "binhex",
        "formatter",
        "parser",
        "symbol",
        "macpath",
        "dummy_threading",
        "_dummy_thread",
    }
)
#: Standard modules with side effects on import (a browser, printing); never introspected.
_NEVER_IMPORT = frozenset(
    {"antigravity", "this", "idlelib", "turtledemo", "__hello__", "__phello__"}
)
_PYPI_SIMPLE = "https://pypi.org/simple/"
_SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
_INTROSPECTION_TIMEOUT = 60.0
PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


def normalize(name: str) -> str:
    """The PEP 503 normalised form of a project name (``Foo_Bar`` -> ``foo-bar``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --------------------------------------------------------------------------- packages


@dataclass(frozen=True)
class PackageIndex:
    """The offline index: real PyPI project names (most downloaded first) and import names.

    Attributes:
        last_update: date of the download statistics the names come from.
        source: where the names come from.
        projects: normalised project names, most downloaded first.
        import_names: import name -> distribution name, where they differ.
        namespace_modules: dotted module of a namespace package -> distribution
            (``google.cloud.storage`` -> ``google-cloud-storage``).
    """

    last_update: str
    source: str
    projects: tuple[str, ...]
    import_names: Mapping[str, str]
    rank: Mapping[str, int] = field(repr=False)
    namespace_modules: Mapping[str, str] = field(default_factory=dict, repr=False)

    def distribution_for(self, import_name: str) -> str | None:
        """The known distribution that provides module `import_name`, if any.

        A dotted name under a namespace package (``google.cloud.storage``) names the
        distribution of its longest known prefix; otherwise the top-level name decides.
        """
        parts = import_name.split(".")
        for end in range(len(parts), 1, -1):
            owner = self.namespace_modules.get(".".join(parts[:end]))
            if owner is not None:
                return owner
        top = parts[0]
        mapped = self.import_names.get(top)
        if mapped is not None:
            return mapped
        for candidate in project_forms(normalize(top)):
            if candidate in self.rank:
                return candidate
        return None


def project_forms(normal: str) -> Iterable[str]:
    """Project names that, by common packaging conventions, provide import name `normal`
    (`normal` itself first).

    The conventions: a ``python-``/``py`` prefix or ``-python``/``-py`` suffix added to the
    import name (``python-dateutil``, ``absl-py``), a binding suffix (``argon2-cffi``), and an
    import name that glues a ``py`` suffix on (``opensearchpy`` from ``opensearch-py``).
    """
    yield from (normal, f"python-{normal}", f"{normal}-python", f"py{normal}", f"{normal}-py")
    yield from (f"{normal}-cffi", f"{normal}-binary")
    if normal.endswith("py") and len(normal) > 4:
        yield f"{normal[:-2]}-py"


@lru_cache(maxsize=1)
def offline_index() -> PackageIndex:
    """The shipped index (loaded once, on first use)."""
    data_file = resources.files("assay.knowledge") / "data" / "pypi_index.json.gz"
    with data_file.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    projects = tuple(data["projects"])
    return PackageIndex(
        last_update=data["last_update"],
        source=data["source"],
        projects=projects,
        import_names=dict(data["import_names"]),
        rank={name: position + 1 for position, name in enumerate(projects)},
        namespace_modules=dict(data.get("namespace_modules", {})),
    )


#: Modules that a Python *runtime* builds in, not a package index: code importing them is
#: written for that runtime (urllib3's emscripten support imports Pyodide's `js` and
#: `pyodide`), so the name is real although nothing here can install or describe it.
#: Only runtimes whose module names are documented by the runtime itself belong here.
RUNTIME_MODULES: Mapping[str, str] = {
    "js": "Pyodide (the JavaScript global scope)",
    "pyodide": "Pyodide",
    "pyodide_js": "Pyodide",
    "_pyodide": "Pyodide",
    "java": "Jython (Java packages)",
    "javax": "Jython (Java packages)",
    "micropython": "MicroPython",
    "hou": "Houdini",
}


@lru_cache(maxsize=1)
def _distributions_by_module() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


@lru_cache(maxsize=4096)
def is_installed(top: str) -> bool:
    """True when top-level module `top` can be imported here (found without importing it)."""
    try:
        if importlib.util.find_spec(top) is not None:
            return True
    except (ImportError, ValueError):
        return False
    # Rare: a distribution whose module is only reachable through a meta-path hook.
    return top in _distributions_by_module()


@lru_cache(maxsize=4096)
def installed_version(top: str) -> str | None:
    """The version of the installed distribution providing module `top`, if known."""
    try:
        return importlib.metadata.version(top)
    except importlib.metadata.PackageNotFoundError:
        pass
    for distribution in _distributions_by_module().get(top, []):
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def closest_names(
    name: str, candidates: Iterable[str], *, limit: int = 3, cutoff: float = 0.75
) -> list[str]:
    """Up to `limit` candidates that look like `name`: names it prefixes, then difflib matches.

    Candidates far longer or shorter than `name` are skipped before difflib (it is
    quadratic per pair, and the index has 15,000 names).
    """
    slack = max(3, len(name) // 2)
    pool = [c for c in candidates if abs(len(c) - len(name)) <= slack or c.startswith(name)]
    prefixed = sorted((c for c in pool if c.startswith(name) and c != name), key=len)
    similar = difflib.get_close_matches(name, pool, n=limit, cutoff=cutoff)
    return list(dict.fromkeys([*similar, *prefixed[:limit]]))[:limit]


# --------------------------------------------------------------------------- index client


@dataclass(frozen=True)
class IndexAnswer:
    """What the package index said about one project name.

    `exists` is None when the index could not be asked (offline, unreachable, timed out).
    """

    name: str
    exists: bool | None
    index: str
    first_release: str | None = None
    last_release: str | None = None
    releases: int | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        """A JSON-compatible dict (for the cache and for evidence)."""
        return {
            "name": self.name,
            "exists": self.exists,
            "index": self.index,
            "first_release": self.first_release,
            "last_release": self.last_release,
            "releases": self.releases,
            "error": self.error,
        }


def pip_index_url(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """The index to ask: ``index-url`` in settings, else pip's configuration, else PyPI."""
    if settings.index_url:
        return _with_slash(settings.index_url)
    from_environment = read_environment(environ).pip_index_url
    if from_environment:
        return _with_slash(from_environment)
    return _with_slash(_pip_configured_index() or _PYPI_SIMPLE)


@lru_cache(maxsize=1)
def _pip_configured_index() -> str | None:
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in completed.stdout.splitlines():
        key, _, value = line.partition("=")
        if key.strip().endswith(".index-url"):
            return value.strip().strip("'\"")
    return None


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class IndexClient:
    """Asks a PEP 691/503 package index whether projects exist, with an on-disk TTL cache.

    All look-ups of one call share one deadline (`settings.network_timeout`); a name not
    answered in time gets ``exists=None`` and the caller keeps its offline verdict. The
    first connection failure switches the client off for the rest of the run.
    """

    def __init__(self, settings: Settings, *, index_url: str | None = None) -> None:
        self.settings = settings
        self.index_url = index_url or pip_index_url(settings)
        self._memory: dict[str, IndexAnswer] = {}
        self._unreachable = False
        key = hashlib.sha256(self.index_url.encode()).hexdigest()[:16]
        self._cache = cache_dir() / "index" / key

    def lookup(self, names: Sequence[str]) -> dict[str, IndexAnswer]:
        """Answers for `names` (project or import names), from cache or the index."""
        answers: dict[str, IndexAnswer] = {}
        pending: list[str] = []
        for name in dict.fromkeys(normalize(n) for n in names):
            cached = self._memory.get(name) or self._read_cache(name)
            if cached is not None:
                answers[name] = self._memory.setdefault(name, cached)
            else:
                pending.append(name)
        if not pending:
            return answers
        if self._unreachable:
            return answers | {n: self._unanswered(n, "index unreachable") for n in pending}
        deadline = time.monotonic() + self.settings.network_timeout
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(8, len(pending)))
        futures = {pool.submit(self._fetch, name, deadline): name for name in pending}
        try:
            done = concurrent.futures.as_completed(
                futures, timeout=max(0.0, deadline - time.monotonic())
            )
            for future in done:
                answer = future.result()
                answers[answer.name] = answer
                if answer.exists is not None:
                    self._memory[answer.name] = answer
                    self._write_cache(answer)
        except concurrent.futures.TimeoutError:
            for name in pending:
                answers.setdefault(name, self._unanswered(name, "timed out"))
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        return answers

    def _unanswered(self, name: str, why: str) -> IndexAnswer:
        return IndexAnswer(name=name, exists=None, index=self.index_url, error=why)

    def _fetch(self, name: str, deadline: float) -> IndexAnswer:
        url = urllib.parse.urljoin(self.index_url, f"{name}/")
        request = urllib.request.Request(url, headers={"Accept": _SIMPLE_ACCEPT})
        try:
            with urllib.request.urlopen(request, timeout=self._remaining(deadline)) as response:  # nosec B310  # URL from the index_url setting, which the user chose
                content_type = response.headers.get("Content-Type", "")
                body = response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return IndexAnswer(name=name, exists=False, index=self.index_url)
            return self._unanswered(name, f"HTTP {error.code}")
        except (urllib.error.URLError, OSError) as error:
            self._unreachable = True
            return self._unanswered(name, f"unreachable: {error}")
        answer = IndexAnswer(name=name, exists=True, index=self.index_url)
        if "json" in content_type:
            answer = _with_release_dates(answer, json.loads(body))
        if answer.first_release is None:
            answer = self._with_json_api(answer, deadline)
        return answer

    def _with_json_api(self, answer: IndexAnswer, deadline: float) -> IndexAnswer:
        """Release dates from the PyPI JSON API (``.../pypi/<name>/json``) when available."""
        base = self.index_url.rstrip("/")
        if not base.endswith("/simple"):
            return answer
        url = f"{base[: -len('/simple')]}/pypi/{answer.name}/json"
        try:
            with urllib.request.urlopen(url, timeout=self._remaining(deadline)) as response:  # nosec B310  # URL from the index_url setting, which the user chose
                data = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError):
            return answer
        times = sorted(
            item["upload_time_iso_8601"]
            for files in data.get("releases", {}).values()
            for item in files
            if item.get("upload_time_iso_8601")
        )
        return _dated(answer, times, len(data.get("releases", {})))

    @staticmethod
    def _remaining(deadline: float) -> float:
        return max(0.05, deadline - time.monotonic())

    def _cache_file(self, name: str) -> Path:
        return self._cache / f"{name}.json"

    def _read_cache(self, name: str) -> IndexAnswer | None:
        path = self._cache_file(name)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if time.time() - float(data.get("fetched_at", 0)) > self.settings.cache_ttl_hours * 3600:
            return None
        answer = data.get("answer", {})
        return IndexAnswer(**{k: answer.get(k) for k in IndexAnswer.__dataclass_fields__})

    def _write_cache(self, answer: IndexAnswer) -> None:
        path = self._cache_file(answer.name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            payload = {"fetched_at": time.time(), "answer": answer.as_json()}
            path.write_text(json.dumps(payload), encoding="utf-8")
        except OSError:
            # A read-only cache costs speed on the next run, not correctness.
            return


def _with_release_dates(answer: IndexAnswer, data: Mapping[str, Any]) -> IndexAnswer:
    """Fill release dates from a PEP 691 project page (PEP 700 ``upload-time``)."""
    files = data.get("files", [])
    times = sorted(f["upload-time"] for f in files if isinstance(f, dict) and f.get("upload-time"))
    versions = data.get("versions")
    return _dated(answer, times, len(versions) if isinstance(versions, list) else None)


def _dated(answer: IndexAnswer, times: Sequence[str], releases: int | None) -> IndexAnswer:
    """`answer` with first/last release dates from sorted ISO upload `times` (if any)."""
    if not times:
        return answer
    return IndexAnswer(
        name=answer.name,
        exists=True,
        index=answer.index,
        first_release=times[0][:10],
        last_release=times[-1][:10],
        releases=releases,
    )


# --------------------------------------------------------------------------- API surfaces


@dataclass(frozen=True)
class Surface:
    """What one imported module defines (as described by `assay.knowledge._introspect`)."""

    module: str
    real: str
    names: frozenset[str]
    kinds: Mapping[str, str]
    modules: Mapping[str, str]
    submodules: frozenset[str]
    dynamic: bool
    signatures: Mapping[str, Any]
    classes: Mapping[str, Mapping[str, Any]]
    probes: Mapping[str, bool]
    namespace: bool = False

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Surface:
        """Build from the worker's JSON."""
        return cls(
            module=data["module"],
            real=data["real"],
            names=frozenset(data["names"]),
            kinds=data["kinds"],
            modules=data["modules"],
            submodules=frozenset(data["submodules"]),
            dynamic=bool(data["getattr"]),
            namespace=bool(data.get("namespace")),
            signatures=data["signatures"],
            classes=data["classes"],
            probes=data.get("probes", {}),
        )


@dataclass(frozen=True)
class ApiLookup:
    """The answer to "does `qualname` exist?".

    `status` is ``"exists"``, ``"missing"`` or ``"unknown"`` (could not be decided: stay
    silent). For a miss, `missing` is the dotted name up to the first missing part, `owner`
    the module or class it was looked up in, `closest` the most similar real names.
    For a hit, `signature` is the callable's parameters (or None) and `bound` tells whether
    the first parameter is already bound when called through an instance. `via` names how
    the receiver's type was found when the source does not state it (``"jedi"``).
    """

    status: str
    qualname: str
    missing: str | None = None
    owner: str | None = None
    owner_kind: str = "module"
    closest: tuple[str, ...] = ()
    signature: list[list[Any]] | None = None
    bound: bool = True
    kind: str | None = None
    via: str | None = None


@dataclass(frozen=True)
class ClassDetail:
    """A class described with its method signatures (for receivers of inferred type).

    `dynamic` says why its instances may carry attributes that no definition names (empty:
    they cannot): ``getattr-items`` (a ``__getattr__`` that serves the object's items, such as
    pandas' columns), ``getattr``, ``getattribute``, ``setattr-hook``, ``setattr-code``
    (``setattr(self, ...)``-style code) somewhere in its hierarchy, or ``abstract`` (an abstract
    class or protocol: instances are of concrete subclasses). `subclass_names` are the
    names its loaded subclasses add: an inferred base type may stand for a subclass.
    """

    members: Mapping[str, Any]
    dynamic: frozenset[str]
    subclass_names: frozenset[str] = frozenset()

    def hides(self, *, called: bool) -> bool:
        """Whether a name missing from `members` may still exist on an instance.

        A name that is *called* is a method: a ``__getattr__`` serving items returns data,
        and a ``__setattr__`` hook guards assignment, so neither makes a method appear.
        """
        if called:
            return bool(self.dynamic - {"getattr-items", "setattr-hook"})
        return bool(self.dynamic)


class ApiResolver:
    """Describes installed and standard modules, caching per run and on disk by version."""

    def __init__(self, *, use_disk_cache: bool = True) -> None:
        self._surfaces: dict[str, Surface | None] = {}
        self._details: dict[tuple[str, str], ClassDetail | None] = {}
        self._use_disk_cache = use_disk_cache
        self._sys_path = _child_sys_path()

    @property
    def sys_path(self) -> list[str]:
        """The installed ``sys.path`` descriptions are made from (never the checked project)."""
        return list(self._sys_path)

    # -- loading ---------------------------------------------------------------------
    def prefetch(self, modules: Iterable[str]) -> None:
        """Describe every module in `modules` not yet known, in one worker process."""
        wanted = [m for m in dict.fromkeys(modules) if self._needs(m)]
        still = [m for m in wanted if not self._load_disk(m)]
        if still:
            self._introspect(still, {})

    def surface(self, module: str) -> Surface | None:
        """The description of `module`, or None when it cannot be imported or described."""
        if module not in self._surfaces:
            self.prefetch([module])
        return self._surfaces.get(module)

    def probe(self, module: str, name: str) -> bool | None:
        """Ask a module with a ``__getattr__`` whether `name` resolves (None: unknown)."""
        known = self.surface(module)
        if known is None:
            return None
        if name in known.probes:
            return known.probes[name]
        self._introspect([module], {module: [name, *known.probes]})
        updated = self._surfaces.get(module)
        return None if updated is None else updated.probes.get(name)

    def _needs(self, module: str) -> bool:
        top = module.split(".")[0]
        return module not in self._surfaces and top not in _NEVER_IMPORT

    def _cache_path(self, module: str) -> Path | None:
        top = module.split(".")[0]
        if top in STDLIB_MODULES:
            version = f"stdlib-{platform.python_version()}"
        else:
            found = installed_version(top)
            if found is None:
                return None
            version = f"{top}-{found}"
        tag = sys.implementation.cache_tag or "python"
        return cache_dir() / "introspect" / tag / version / f"{module}.json"

    def _load_disk(self, module: str) -> bool:
        if not self._use_disk_cache:
            return False
        path = self._cache_path(module)
        if path is None:
            return False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        self._remember(module, data)
        return True

    def _remember(self, module: str, data: Mapping[str, Any]) -> None:
        self._surfaces[module] = None if "error" in data else Surface.from_json(data)

    def _run_worker(self, request: dict[str, Any], *, classes: bool = False) -> dict[str, Any]:
        """Run the introspection worker on `request`; its module (or class) answers."""
        worker = (Path(__file__).with_name("_introspect.py")).read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="assay-introspect-") as scratch:
            out = Path(scratch) / "answer.json"
            classes_out = Path(scratch) / "classes.json"
            full = {"sys_path": self._sys_path, "probes": {}, "modules": [], **request}
            full |= {"out": str(out), "classes_out": str(classes_out)}
            try:
                subprocess.run(
                    [sys.executable, "-I", "-c", worker],
                    input=json.dumps(full),
                    capture_output=True,
                    text=True,
                    timeout=_INTROSPECTION_TIMEOUT,
                    cwd=scratch,
                    check=False,
                )
                answer: dict[str, Any] = json.loads(
                    (classes_out if classes else out).read_text(encoding="utf-8")
                )
            except (OSError, ValueError, subprocess.TimeoutExpired):
                answer = {}
        return answer

    def _introspect(self, modules: list[str], probes: dict[str, list[str]]) -> None:
        answers = self._run_worker({"modules": modules, "probes": probes})
        for module in modules:
            answers.setdefault(module, {"module": module, "error": "not described"})
        for module, data in answers.items():
            self._remember(module, data)
            if "error" not in data or module in modules:
                self._store_disk(module, data)

    def _store_disk(self, module: str, data: Mapping[str, Any]) -> None:
        if not self._use_disk_cache or data.get("error") == "not described":
            return
        path = self._cache_path(module)
        if path is not None:
            _write_cache(path, data)

    # -- questions -------------------------------------------------------------------
    def lookup(self, qualname: str) -> ApiLookup:
        """Walk `qualname` (``os.path.join``, ``pathlib.Path.home``) through real objects."""
        parts = qualname.split(".")
        surface = self.surface(parts[0])
        if surface is None:
            return ApiLookup("unknown", qualname)
        shown = parts[0]
        for position, name in enumerate(parts[1:], start=1):
            dotted = f"{shown}.{name}"
            last = position == len(parts) - 1
            kind = surface.kinds.get(name)
            if kind == "module" or (kind is None and name in surface.submodules):
                nested = self._nested(surface, name)
                if nested is None:
                    return ApiLookup("unknown", qualname)
                surface, shown = nested, dotted
                continue
            if kind == "class":
                return self._in_class(surface, name, parts[position + 1 :], qualname, dotted)
            if kind is not None:
                return (
                    ApiLookup("exists", qualname, signature=surface.signatures.get(name), kind=kind)
                    if last
                    else ApiLookup("unknown", qualname)
                )
            if name in surface.names or surface.namespace or _is_dunder(name):
                # A namespace package's other portions may simply not be installed.
                return ApiLookup("unknown", qualname)
            if surface.dynamic and self.probe(surface.module, name) is not False:
                return ApiLookup("unknown", qualname)
            pool = surface.names | surface.submodules
            return ApiLookup(
                "missing",
                qualname,
                missing=dotted,
                owner=shown,
                closest=tuple(closest_names(name, _public(pool, name), cutoff=0.6)),
            )
        return ApiLookup("exists", qualname, kind="module")

    def _nested(self, surface: Surface, name: str) -> Surface | None:
        candidates = [f"{surface.module}.{name}", f"{surface.real}.{name}"]
        real = surface.modules.get(name)
        if real:
            candidates.insert(1, real)
        for candidate in candidates:
            if candidate not in self._surfaces:
                self._load_disk(candidate)
            if self._surfaces.get(candidate) is not None:
                return self._surfaces[candidate]
        return self.surface(real or f"{surface.real}.{name}")

    def _in_class(
        self, surface: Surface, cls: str, rest: list[str], qualname: str, dotted: str
    ) -> ApiLookup:
        members = surface.classes.get(cls)
        if not rest:
            return ApiLookup(
                "exists", qualname, signature=surface.signatures.get(cls), kind="class"
            )
        if members is None or len(rest) > 1:
            return ApiLookup("unknown", qualname)
        return self.member(members, rest[0], owner=dotted, qualname=qualname, instance=False)

    def member(
        self,
        members: Mapping[str, Any],
        name: str,
        *,
        owner: str,
        qualname: str,
        instance: bool,
    ) -> ApiLookup:
        """Look `name` up among a class's `members` (as seen from the class or an instance)."""
        if name in members:
            info = members[name]
            if not isinstance(info, dict):
                return ApiLookup("exists", qualname, kind="other")
            return ApiLookup(
                "exists",
                qualname,
                signature=info.get("sig"),
                bound=bool(info.get("bound")) or not instance,
                kind="function",
            )
        if "__getattr__" in members or (instance and name.startswith("_")):
            return ApiLookup("unknown", qualname)
        return ApiLookup(
            "missing",
            qualname,
            missing=f"{owner}.{name}",
            owner=owner,
            owner_kind="class",
            closest=tuple(closest_names(name, _public(members, name), cutoff=0.6)),
        )

    def class_detail(self, module: str, cls: str) -> ClassDetail | None:
        """Members of class `module.cls` with their signatures (None: cannot be described).

        Asked for inferred receivers only (one worker run per new class, then the disk
        cache), because recording every method signature of every class is costly.
        """
        key = (module, cls)
        if key in self._details:
            return self._details[key]
        path = self._cache_path(module)
        cached = path.with_name(f"{module}:{cls}.class.json") if path is not None else None
        data: Any = None
        if cached is not None and self._use_disk_cache:
            try:
                data = json.loads(cached.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
        if data is None:
            data = self._run_worker({"classes": [[module, cls]]}, classes=True).get(
                f"{module}:{cls}"
            )
            if data is not None and cached is not None and self._use_disk_cache:
                _write_cache(cached, data)
        detail = (
            None
            if not isinstance(data, dict) or "error" in data
            else ClassDetail(
                members=data["members"],
                dynamic=frozenset(data["dynamic"]),
                subclass_names=frozenset(data.get("subclass_names", ())),
            )
        )
        self._details[key] = detail
        return detail

    def class_members(self, module: str, cls: str) -> Mapping[str, Any] | None:
        """The members of class `module.cls` (e.g. ``builtins.str``), or None."""
        surface = self.surface(module)
        if surface is None:
            return None
        return surface.classes.get(cls)


def _write_cache(path: Path, data: Any) -> None:
    """Store `data` as JSON at `path`; an unwritable cache makes the next run slower, never wrong."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), encoding="utf-8")
    except OSError:
        return


def _is_dunder(name: str) -> bool:
    """Module dunders (``__dict__``, ``__file__``) exist without being listed by ``dir()``."""
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _public(names: Iterable[str], wanted: str) -> list[str]:
    keep_private = wanted.startswith("_")
    return sorted(n for n in names if keep_private or not n.startswith("_"))


def _child_sys_path() -> list[str]:
    here = Path.cwd().resolve()
    kept: list[str] = []
    for entry in sys.path:
        if not entry:
            continue
        try:
            if Path(entry).resolve() == here:
                continue
        except OSError:
            continue
        kept.append(entry)
    return kept


# --------------------------------------------------------------------------- signatures


_POSITIONAL_ONLY, _POSITIONAL_OR_KEYWORD, _VAR_POSITIONAL, _KEYWORD_ONLY, _VAR_KEYWORD = range(5)


def signature_problems(
    signature: Sequence[Sequence[Any]],
    *,
    positional: int,
    keywords: Sequence[str],
    star_args: bool,
    star_kwargs: bool,
    drop_first: bool = False,
) -> list[str]:
    """Why a call with these arguments cannot bind to `signature` (empty when it can).

    Args:
        signature: ``[name, kind, has_default]`` triples (kinds as in `inspect.Parameter`).
        positional: number of plain positional arguments in the call.
        keywords: names of keyword arguments in the call.
        star_args: the call has ``*args`` (arity unknowable: no arity complaint).
        star_kwargs: the call has ``**kwargs`` (no missing-argument complaint).
        drop_first: the first parameter is bound already (a method called on an instance).
    """
    params = [(str(p[0]), int(p[1]), bool(p[2])) for p in signature]
    if drop_first and params and params[0][1] in (_POSITIONAL_ONLY, _POSITIONAL_OR_KEYWORD):
        params = params[1:]
    kinds = {kind for _, kind, _ in params}
    by_name = {name: kind for name, kind, _ in params}
    problems: list[str] = []
    if _VAR_KEYWORD not in kinds:
        for keyword in keywords:
            kind = by_name.get(keyword)
            if kind is None or kind == _VAR_POSITIONAL:
                problems.append(f"unexpected keyword argument {keyword!r}")
            elif kind == _POSITIONAL_ONLY:
                problems.append(f"{keyword!r} is positional-only and cannot be passed by keyword")
    slots = [p for p in params if p[1] in (_POSITIONAL_ONLY, _POSITIONAL_OR_KEYWORD)]
    if not star_args and _VAR_POSITIONAL not in kinds and positional > len(slots):
        problems.append(f"takes at most {len(slots)} positional argument(s) but {positional} given")
    if not star_args and not star_kwargs and not problems:
        filled = {name for name, _, _ in slots[:positional]} | set(keywords)
        missing = [
            name
            for name, kind, has_default in params
            if not has_default
            and kind not in (_VAR_POSITIONAL, _VAR_KEYWORD)
            and name not in filled
        ]
        if missing:
            problems.append(f"missing required argument(s): {', '.join(missing)}")
    return problems
