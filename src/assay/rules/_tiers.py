"""Trust tiers: how carefully a reviewer should read each function, and what to verify.

Every function (and method) of a checked file is classified from its AST alone, most
demanding tier first:

* **security-sensitive**: it calls subprocess/shell, SQL execution, cryptography or hashing,
  authentication/JWT/session handling, network clients or servers, deserialisers
  (pickle, yaml, marshal), ``eval``/``exec``, or builds file paths from its inputs;
* **performance-critical**: nested loops, loops over its inputs with non-trivial bodies,
  recursion, or numeric kernels (numpy/scipy/pandas/torch);
* **logic**: branching or looping of any other kind;
* **boilerplate**: straight-line code: getters, setters, constructors storing attributes,
  configuration, wrappers that forward a call.

Findings raise the tier: a function with a security finding is security-sensitive and one
with a performance finding is performance-critical, whatever its shape. The reasons are
listed with each review, so the classification can be checked like any other evidence.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Iterator, Sequence

from assay.model import Family, FileError, Finding, FunctionReview, Report, TrustTier
from assay.source.parsed import parse_module
from assay.syntax import ImportMap, dotted_name, own_nodes

__all__ = ["CHECKLISTS", "classify_function", "review_functions", "with_reviews"]

#: What a reviewer should verify, per tier (the most demanding tier includes logic checks).
CHECKLISTS: dict[TrustTier, tuple[str, ...]] = {
    TrustTier.BOILERPLATE: (
        "Skim: names, types and defaults match the rest of the codebase",
        "No hidden side effects (I/O, globals) in what looks like plain plumbing",
    ),
    TrustTier.LOGIC: (
        "Understand every line; nothing is there 'because it looked right'",
        "Edge cases: empty input, one element, None, zero/negative numbers, duplicates, unicode",
        "Every branch is reachable and each error path raises or reports (no silent default)",
        "Consistent with the codebase's conventions and existing helpers (no re-implementation)",
    ),
    TrustTier.SECURITY_SENSITIVE: (
        "Trace every input from where it enters to each sink (shell, SQL, path, template, eval)",
        "Untrusted data is parameterised or validated, never concatenated into commands/queries",
        "Secrets stay out of logs, errors and source; comparisons are constant-time",
        "Crypto/TLS/auth use vetted defaults (verification on, a KDF for passwords)",
        "Edge cases and failure paths fail closed",
    ),
    TrustTier.PERFORMANCE_CRITICAL: (
        "State the complexity in the input size; no hidden quadratic step inside a loop",
        "Work that does not change per iteration (queries, sorts, copies, lookups) is hoisted",
        "Data structures fit the access pattern (set/dict for membership, deque for queues)",
        "Try it at realistic sizes (assay's timing series, or a benchmark)",
        "Edge cases: empty input, one element, very large input",
    ),
}

_SECURITY_MODULES = frozenset(
    {
        "subprocess", "os.system", "os.popen", "pickle", "marshal", "shelve", "yaml", "jwt",
        "hashlib", "hmac", "secrets", "crypt", "cryptography", "bcrypt", "passlib", "ssl",
        "socket", "requests", "httpx", "urllib.request", "http.client", "aiohttp", "sqlite3",
        "psycopg", "psycopg2", "pymysql", "sqlalchemy", "flask", "django", "fastapi",
        "paramiko", "ftplib", "smtplib", "tarfile", "zipfile", "xml.etree", "lxml",
    }
)  # fmt: skip
_SECURITY_BUILTINS = frozenset({"eval", "exec", "compile", "__import__"})
_SECURITY_METHODS = frozenset(
    {"execute", "executemany", "executescript", "system", "popen", "loads", "load", "decode",
     "verify", "login", "authenticate", "check_password", "set_password"}
)  # fmt: skip
_SECURITY_WORDS = ("password", "passwd", "token", "secret", "auth", "login", "session", "jwt")
_NUMERIC_MODULES = frozenset({"numpy", "scipy", "pandas", "torch", "numba", "jax", "math"})
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_BRANCHES = (ast.If, ast.IfExp, ast.Match, ast.Try, ast.BoolOp, ast.comprehension, *_LOOPS)
_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _judged_nodes(function: _FunctionNode) -> Iterator[ast.AST]:
    """The nodes a tier is judged on: the function's body (lambdas included) and the bodies
    of the functions and classes defined directly in it, nothing nested deeper.

    This is the walk tiers have always made (a closure's branches and calls count for the
    function that builds it, a closure's closure's do not); it is kept as it was while the
    helpers were shared, not chosen: whether closures should count is an open question."""
    roots: list[ast.AST] = []
    for statement in function.body:
        roots.append(statement)
        if isinstance(statement, _DEFINITIONS):
            roots.extend(ast.iter_child_nodes(statement))
    return own_nodes(roots, scopes=_DEFINITIONS)


def _security_reasons(function: _FunctionNode, imports: ImportMap) -> list[str]:
    reasons: list[str] = []
    for node in _judged_nodes(function):
        if not isinstance(node, ast.Call):
            continue
        name = dotted_name(node.func)
        if name is None:
            continue
        full = imports.resolve(name)
        module_hit = next(
            (m for m in _SECURITY_MODULES if full == m or full.startswith(m + ".")), None
        )
        if module_hit is not None:
            reasons.append(f"calls {full} ({module_hit})")
        elif full in _SECURITY_BUILTINS:
            reasons.append(f"calls {full}()")
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in _SECURITY_METHODS
            and _sensitive_receiver(name)
        ):
            reasons.append(f"calls {name}()")
    arguments = [a.arg.lower() for a in function.args.args + function.args.kwonlyargs]
    sensitive = [a for a in arguments if any(w in a for w in _SECURITY_WORDS)]
    if sensitive:
        reasons.append(f"handles {', '.join(sensitive)}")
    return _unique(reasons)


_SENSITIVE_RECEIVERS = frozenset(
    {"os", "cursor", "cur", "conn", "connection", "db", "session", "jwt", "engine", "auth"}
)


def _sensitive_receiver(name: str) -> bool:
    """``cursor.execute``, ``db_session.get``, ``jwt.decode``: the receiver's root name says
    it talks to a database, the OS or an authentication layer."""
    root = name.split(".")[0].lower()
    return root in _SENSITIVE_RECEIVERS or root.endswith(("cursor", "conn", "session"))


def _performance_reasons(function: _FunctionNode, imports: ImportMap) -> list[str]:
    reasons: list[str] = []
    params = {a.arg for a in function.args.args + function.args.kwonlyargs}
    for node in _judged_nodes(function):
        if isinstance(node, _LOOPS):
            inner = [n for n in ast.walk(node) if n is not node and isinstance(n, _LOOPS)]
            if inner:
                reasons.append(f"nested loops (line {node.lineno})")
            elif (
                isinstance(node, (ast.For, ast.AsyncFor))
                and any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(node.iter))
                and len(node.body) > 2
            ):
                reasons.append(f"loop over its input (line {node.lineno})")
        elif isinstance(node, ast.Call):
            name = dotted_name(node.func)
            if name == function.name:
                reasons.append("recursive")
            elif name is not None:
                top = imports.resolve(name).partition(".")[0]
                if top in _NUMERIC_MODULES and top != "math":
                    reasons.append(f"numeric kernel ({top})")
    return _unique(reasons)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def classify_function(
    function: _FunctionNode, *, imports: ImportMap | None = None
) -> tuple[TrustTier, list[str]]:
    """The tier of one function and the reasons for it (from its AST only)."""
    bindings = imports or ImportMap({})
    security = _security_reasons(function, bindings)
    if security:
        return TrustTier.SECURITY_SENSITIVE, security
    performance = _performance_reasons(function, bindings)
    if performance:
        return TrustTier.PERFORMANCE_CRITICAL, performance
    branches = [n for n in _judged_nodes(function) if isinstance(n, _BRANCHES)]
    if branches:
        kinds = sorted({type(n).__name__.lower() for n in branches})
        return TrustTier.LOGIC, [f"branching/looping: {', '.join(kinds)}"]
    return TrustTier.BOILERPLATE, ["straight-line code (no branches, loops or sensitive calls)"]


def review_functions(
    tree: ast.Module, path: str, findings: Sequence[Finding] = ()
) -> list[FunctionReview]:
    """A `FunctionReview` for every function and method in `tree`, in source order.

    Findings in `path` raise the tier of the function they are in: a security finding makes
    it security-sensitive, a performance finding performance-critical.
    """
    imports = ImportMap.of(tree)
    by_function: dict[str, set[Family]] = {}
    for finding in findings:
        if finding.path == path and finding.function:
            by_function.setdefault(finding.function, set()).add(finding.family)
    reviews: list[FunctionReview] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        tier, reasons = classify_function(node, imports=imports)
        families = by_function.get(node.name, set())
        # Shape-based reasons for a lower tier no longer describe the function once a
        # finding raises it; logic reasons still do.
        kept = reasons if tier is TrustTier.LOGIC else []
        if Family.SECURITY in families and tier is not TrustTier.SECURITY_SENSITIVE:
            tier, reasons = TrustTier.SECURITY_SENSITIVE, ["has security findings", *kept]
        elif Family.PERFORMANCE in families and tier in {TrustTier.BOILERPLATE, TrustTier.LOGIC}:
            tier, reasons = TrustTier.PERFORMANCE_CRITICAL, ["has performance findings", *kept]
        reviews.append(
            FunctionReview(
                path=path,
                function=node.name,
                line=node.lineno,
                tier=tier,
                reasons=reasons,
                checklist=list(CHECKLISTS[tier]),
            )
        )
    return sorted(reviews, key=lambda r: r.line)


def with_reviews(report: Report) -> Report:
    """`report` with `functions` filled for every file whose source it holds."""
    reviews: list[FunctionReview] = []
    errors = list(report.errors)
    for path, source in report.sources.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)
                tree = parse_module(source, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            # Unparsable files are already listed in report.errors; they have no functions.
            continue
        try:
            reviews.extend(review_functions(tree, path, report.findings))
        except Exception as error:  # noqa: BLE001 - one file's review must not lose the report
            errors.append(FileError.from_crash(path, "the trust-tier review", error))
    return report.model_copy(update={"functions": reviews, "errors": errors})
