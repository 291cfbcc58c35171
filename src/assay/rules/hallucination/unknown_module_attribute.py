"""AS102 unknown-module-attribute: a module, attribute, function or class that the real
(installed) package does not have.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from assay.knowledge.mined import mined_entry
from assay.knowledge.resolve import PYTHON_VERSION, STDLIB_MODULES, ApiLookup, installed_version
from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.hallucination._common import (
    attribute_target,
    checkable,
    guarded,
    prefetch,
    resolver,
)
from assay.rules.hallucination._file_state import file_state

__all__ = ["unknown_module_attribute"]

#: What an assistant usually meant by a standard-library name that does not exist.
_KNOWN_CONFUSIONS = {
    "os.path.splitall": "pathlib.PurePath(path).parts",
    "json.parse": "json.loads",
    "json.stringify": "json.dumps",
    "itertools.flatten": "itertools.chain.from_iterable",
    "math.clamp": "max(low, min(high, value))",
    "random.pick": "random.choice",
    "shutil.copy_tree": "shutil.copytree",
    "os.listfiles": "os.listdir or os.scandir",
    "string.vowels": 'a literal such as "aeiou"',
    "datetime.date.today_iso": "datetime.date.today().isoformat()",
    "collections.OrderedSet": "dict.fromkeys(items) (keeps order)",
    "time.now": "time.time or datetime.datetime.now",
    "os.getenv_bool": "os.getenv(...) plus an explicit parse",
    "re.escape_all": "re.escape",
    "subprocess.run_command": "subprocess.run",
    "asyncio.run_sync": "asyncio.run or asyncio.to_thread",
}
#: Markers of standard names that exist only on other platforms or implementations.
_OTHER_PLATFORM = (
    "win",
    "Win",
    "WIN",
    "darwin",
    "Darwin",
    "mac",
    "Proactor",
    "CTRL_",
    "msvcrt",
    "pypy",
)
#: Standard names that exist only on other platforms (Windows, macOS/BSD), by module.
_OTHER_PLATFORM_NAMES = {
    "ctypes": {
        "HRESULT",
        "FormatError",
        "GetLastError",
        "get_last_error",
        "set_last_error",
        "oledll",
        "OleDLL",
        "WINFUNCTYPE",
    },
    "os": {
        "startfile",
        "add_dll_directory",
        "O_BINARY",
        "O_NOINHERIT",
        "O_TEMPORARY",
        "O_RANDOM",
        "O_SEQUENTIAL",
        "O_SHORT_LIVED",
        "O_TEXT",
        "O_EXLOCK",
        "O_SHLOCK",
        "chflags",
        "lchflags",
        "lchmod",
        "get_handle_inheritable",
        "set_handle_inheritable",
    },
    "select": {"kqueue", "kevent", "devpoll"},
    "signal": {"SIGBREAK"},
    "socket": {
        "ioctl",
        "SIO_RCVALL",
        "SIO_KEEPALIVE_VALS",
        "SIO_LOOPBACK_FAST_PATH",
        "RCVALL_ON",
        "RCVALL_OFF",
        "RCVALL_MAX",
        "AF_SYSTEM",
        "SYSPROTO_CONTROL",
    },
    "subprocess": {
        "STARTUPINFO",
        "STARTF_USESHOWWINDOW",
        "STARTF_USESTDHANDLES",
        "SW_HIDE",
        "CREATE_NEW_CONSOLE",
        "CREATE_NEW_PROCESS_GROUP",
        "CREATE_NO_WINDOW",
        "DETACHED_PROCESS",
        "CREATE_DEFAULT_ERROR_MODE",
        "CREATE_BREAKAWAY_FROM_JOB",
        "ABOVE_NORMAL_PRIORITY_CLASS",
        "BELOW_NORMAL_PRIORITY_CLASS",
        "HIGH_PRIORITY_CLASS",
        "IDLE_PRIORITY_CLASS",
        "NORMAL_PRIORITY_CLASS",
        "REALTIME_PRIORITY_CLASS",
    },
    "sys": {"getwindowsversion", "dllhandle", "pypy_version_info"},
    "time": {"pthread_getcpuclockid"},
}


def _where(top: str) -> str:
    if top in STDLIB_MODULES:
        return f"Python {PYTHON_VERSION}"
    version = installed_version(top)
    return f"{top} {version}" if version else f"the installed {top}"


def _missing_finding(node: ast.AST, ctx: Context, found: ApiLookup, top: str) -> Finding | None:
    if found.missing is None or guarded(node, ctx):
        return None
    owner, _, name = found.missing.rpartition(".")
    if top in STDLIB_MODULES and (
        any(marker in name for marker in _OTHER_PLATFORM)
        or name in _OTHER_PLATFORM_NAMES.get(owner, ())
    ):
        return None
    where = _where(top)
    closest = [f"{found.owner}.{c}" for c in found.closest]
    hint = f"; closest: {', '.join(f'`{c}`' for c in closest)}" if closest else ""
    severity = None
    if top in STDLIB_MODULES and ctx.settings.target_python > tuple(
        map(int, PYTHON_VERSION.split("."))
    ):
        severity = Severity.INFO
    evidence: dict[str, Any] = {
        "missing": found.missing,
        found.owner_kind: found.owner,
        "closest": closest,
    }
    meant = _KNOWN_CONFUSIONS.get(found.missing)
    if meant is not None:
        evidence["python_equivalent"] = meant
        hint += f"; in Python use {meant}"
    if top in STDLIB_MODULES:
        evidence["python"] = PYTHON_VERSION
    else:
        evidence["version"] = installed_version(top)
    removed = None if top in STDLIB_MODULES else mined_entry(found.missing)
    if removed is not None and removed.status == "removed":
        # The package itself says the name existed and was taken out (NumPy 2.0's aliases).
        evidence |= {
            "removed_in": removed.removed_in,
            "replacement": removed.replacement,
            "declared_in": f"{removed.file}:{removed.line}",
            "text": removed.message,
        }
        since = f" in {top} {removed.removed_in}" if removed.removed_in else ""
        use = f"; use `{removed.replacement}`" if removed.replacement else ""
        return ctx.finding(
            node,
            f"`{found.missing}` was removed{since} and does not exist in {where}{use}: "
            f"{removed.message}",
            evidence=evidence,
            severity=severity,
            fix=f"use {removed.replacement}" if removed.replacement else None,
        )
    return ctx.finding(
        node,
        f"`{found.missing}` does not exist in {where}{hint}",
        evidence=evidence,
        severity=severity,
        fix=f"use {meant or closest[0]}" if meant or closest else None,
    )


@rule(
    id="AS102",
    name="unknown-module-attribute",
    family=Family.HALLUCINATION,
    severity=Severity.ERROR,
    nodes=(ast.Import, ast.ImportFrom, ast.Attribute),
)
def unknown_module_attribute(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A module, attribute, function or class that the real (installed) package does not have.

    ## What it finds
    `import pkg.sub`, `from pkg import name` and `pkg.a.b` chains where a part does not exist
    in the standard library of the running Python or in the installed version of the
    package. The package is described from its real objects in a separate interpreter; the
    checked code is never imported. Names behind a module `__getattr__` are asked for
    explicitly; code under `try/except ImportError` or a version/platform test is skipped.
    When the package's own source says the name was removed (a module `__getattr__` that
    refuses it with a "was removed" message, as NumPy 2.0 does for `np.float_`), the finding
    says so, with the release and the replacement the message names.

    ## Why it matters for AI-written code
    Assistants complete API names by analogy: `os.path.splitall`, `json.parse`,
    `itertools.flatten`, `requests.get_json`. The code reads well and fails only when that
    line runs, often in an error path nobody tested.

    ## Example
    ```python
    import os.path

    parts = os.path.splitall("/usr/local/bin")
    ```

    ## Use instead
    ```python
    import os.path
    from pathlib import PurePath

    parts = PurePath("/usr/local/bin").parts
    head, tail = os.path.split("/usr/local/bin")
    ```
    """
    state = file_state(ctx)
    targets: list[str] = []
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names if "." in alias.name]
    elif isinstance(node, ast.ImportFrom):
        if node.level == 0 and node.module:
            targets = [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
    elif isinstance(node, ast.Attribute):
        target = attribute_target(node, ctx, state)
        targets = [target] if target else []
    for qualname in targets:
        top = qualname.split(".")[0]
        if not checkable(top, ctx):
            continue
        prefetch(ctx, state)
        found = resolver().lookup(qualname)
        if found.status != "missing":
            continue
        key = (found.missing, getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        if key in state.reported:
            continue
        state.reported.add(key)
        if isinstance(node, ast.Attribute) and _in_annotation(node, ctx):
            continue
        finding = _missing_finding(node, ctx, found, top)
        if finding is not None:
            yield finding


def _in_annotation(node: ast.AST, ctx: Context) -> bool:
    """True inside a type annotation: type checkers' names (typeshed-only) live there."""
    child = node
    for ancestor in ctx.ancestors(node):
        if isinstance(ancestor, ast.arg) and child is ancestor.annotation:
            return True
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            child is ancestor.returns
        ):
            return True
        if isinstance(ancestor, ast.AnnAssign) and child is ancestor.annotation:
            return True
        if isinstance(ancestor, ast.stmt):
            return False
        child = ancestor
    return False
