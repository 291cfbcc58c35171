"""Introspection worker: run in a separate interpreter by `assay.knowledge.resolve`, never imported.

It reads a JSON request ``{"sys_path": [...], "modules": [...], "probes": {module: [names]},
"out": path}`` (optionally ``"classes": [[module, class], ...]`` with ``"classes_out": path``)
from stdin, imports each requested module (installed distributions and the
standard library only; the checked project's directories are not on ``sys_path``) and
writes, for each, the names it defines, its submodules, whether it has a module-level
``__getattr__``, the members of its classes and the signatures of its callables; for each
requested class, its members with their signatures and whether its instances get attributes
at run time that no definition names. Output goes to the files named by ``out`` and
``classes_out`` because imported packages may print to stdout.

The parent decides what is safe to import; this file only describes what it imported.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import pkgutil
import sys
import textwrap
import types
from typing import Any

_MAX_CLASSES = 400
#: Subclasses walked for the names an inferred base type may stand for.
_MAX_SUBCLASSES = 2000
#: Largest module (bytes) whose ``.pyi`` stub is read for names set at run time.
_SHIM_SIZE = 8192
#: Modules whose classes' method signatures are recorded (receivers of evident type).
_METHOD_SIGNATURE_MODULES = {"builtins", "pathlib"}
#: Standard-library modules that other standard modules expose under another name.
_STDLIB_ALIASES = {"posixpath", "ntpath"}
_KIND_NAMES = {
    inspect.Parameter.POSITIONAL_ONLY: 0,
    inspect.Parameter.POSITIONAL_OR_KEYWORD: 1,
    inspect.Parameter.VAR_POSITIONAL: 2,
    inspect.Parameter.KEYWORD_ONLY: 3,
    inspect.Parameter.VAR_KEYWORD: 4,
}


def _signature(obj: Any) -> list[list[Any]] | None:
    if getattr(obj, "__module__", None) == "inspect":
        # inspect uses its own `Parameter.empty` as real defaults (Signature(return_annotation=)).
        return None
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    # None is "signature unknown" to the caller, not a result: a lazy proxy (flask.g) raises
    # anything when unwrapped, and the call is then simply not checked.
    except Exception:  # noqa: BLE001  # assay: ignore[AS401]
        return None
    return [
        [p.name, _KIND_NAMES[p.kind], p.default is not inspect.Parameter.empty]
        for p in signature.parameters.values()
    ]


def _kind(value: Any) -> str:
    try:
        if isinstance(value, types.ModuleType):
            return "module"
        if isinstance(value, type):
            return "class"
        if callable(value):
            return "function"
    # A lazy proxy (werkzeug's LocalProxy) may raise anything when touched outside its context
    # (flask.request: "Working outside of application context"); the name exists, which is all
    # a hallucination check needs to know, and "other" claims nothing more.
    except Exception:  # noqa: BLE001  # assay: ignore[AS401]
        return "other"
    return "other"


def _class_surface(cls: type, *, signatures: bool) -> dict[str, Any]:
    members: dict[str, Any] = {}
    # Class-level access also finds the metaclass's attributes (ABCMeta.register).
    for name in sorted(set(dir(cls)) | set(dir(type(cls)))):
        if not signatures:
            members[name] = None
            continue
        try:
            static = inspect.getattr_static(cls, name)
            value = getattr(cls, name)
        except AttributeError:
            continue
        if not callable(value) or (name.startswith("__") and name != "__init__"):
            members[name] = None
            continue
        bound = isinstance(static, (staticmethod, classmethod))
        members[name] = {"sig": _signature(value), "bound": bound}
    return members


#: Methods that restore or copy attributes a definition already names (pickling, copying):
#: a ``setattr(self, ...)`` there adds no new names.
_RESTORING_METHODS = frozenset({"__setstate__", "__copy__", "__deepcopy__", "__reduce__"})
_OBJECT_HOOKS = ("__getattr__", "__getattribute__", "__setattr__")


def _sets_attributes_at_run_time(tree: ast.AST) -> bool:
    """Attribute names that come from data: ``setattr(self, ...)`` in a loop (over kwargs or a
    mapping), ``self.__dict__`` or ``vars(self)``, outside restoring methods.

    A single ``setattr(self, computed_name, value)`` outside a loop picks one of a few known
    attributes (pandas' axis setter) and adds no unnamed ones.
    """
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, looping = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in _RESTORING_METHODS:
                continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id == "self":
                if node.func.id == "vars" or (node.func.id == "setattr" and looping):
                    return True
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "__dict__"
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        ):
            return True
        inner = looping or isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.comprehension))
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))
    return False


def _getattr_serves_items(tree: ast.AST) -> bool:
    """Whether a ``__getattr__`` returns only items of the object (``self[name]``, pandas'
    column access) or falls back to ``__getattribute__`` (which raises for missing names)."""
    returns = [n for n in ast.walk(tree) if isinstance(n, ast.Return)]
    for node in returns:
        value = node.value
        if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name):
            if value.value.id == "self":
                continue
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "__getattribute__"
        ):
            continue
        return False
    return bool(returns)


def _class_detail(cls: type) -> dict[str, Any]:
    """Members with signatures, and why instances may carry attributes ``dir`` misses:
    ``getattr-items`` (a ``__getattr__`` serving the object's items), ``getattr``,
    ``getattribute``, ``setattr-hook`` (a ``__setattr__``), ``setattr-code``, ``abstract``."""
    reasons: set[str] = set()
    if inspect.isabstract(cls) or getattr(cls, "_is_protocol", False):
        # Instances of an abstract class or protocol are instances of concrete classes.
        reasons.add("abstract")
    for klass in cls.__mro__:
        if klass is object:
            continue
        own = vars(klass)
        if "__getattribute__" in own:
            reasons.add("getattribute")
        if "__setattr__" in own:
            reasons.add("setattr-hook")
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError, SyntaxError, ValueError):
            # A class without Python source (C, or generated) sets no attributes by setattr
            # in Python code; its instance attributes are descriptors that dir() lists.
            if "__getattr__" in own:
                reasons.add("getattr")
            continue
        if "__getattr__" in own:
            hook = next(
                (
                    n
                    for n in ast.walk(tree)
                    if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and n.name == "__getattr__"
                ),
                None,
            )
            served = hook is not None and _getattr_serves_items(hook)
            reasons.add("getattr-items" if served else "getattr")
        if _sets_attributes_at_run_time(tree):
            reasons.add("setattr-code")
    members = _class_surface(cls, signatures=True)
    return {
        "members": members,
        "dynamic": sorted(reasons),
        "subclass_names": sorted(_subclass_names(cls) - set(members)),
    }


def _subclass_names(cls: type) -> set[str]:
    """Names the loaded subclasses of `cls` add: an inferred base type may stand for one of
    them (typeshed's ``Self`` return types resolve to the defining class)."""
    names: set[str] = set()
    seen: set[type] = set()
    stack: list[type] = list(type.__subclasses__(cls))
    while stack and len(seen) < _MAX_SUBCLASSES:
        sub = stack.pop()
        if sub in seen:
            continue
        seen.add(sub)
        names.update(dir(sub))
        stack.extend(type.__subclasses__(sub))
    return names


def _stub_names(module: types.ModuleType) -> set[str]:
    """Top-level names a ``.pyi`` stub beside the module declares (proxy modules need it)."""
    source = getattr(module, "__file__", None)
    if not source:
        return set()
    stub = os.path.splitext(source)[0] + ".pyi"
    try:
        # Only small shim modules are filled in at run time (alembic.context); large modules
        # such as numpy are complete already and their stubs are costly to parse.
        if os.path.getsize(source) > _SHIM_SIZE or not os.path.exists(stub):
            return set()
        with open(stub, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _describe(name: str, module: types.ModuleType, probes: list[str]) -> dict[str, Any]:
    names = sorted(set(dir(module)) | _stub_names(module))
    kinds: dict[str, str] = {}
    modules: dict[str, str] = {}
    signatures: dict[str, Any] = {}
    classes: dict[str, Any] = {}
    for attribute in names:
        try:
            value = getattr(module, attribute)
        except AttributeError:
            continue
        kind = _kind(value)
        kinds[attribute] = kind
        if kind == "module":
            modules[attribute] = value.__name__
        elif kind in {"class", "function"} and not attribute.startswith("__"):
            signatures[attribute] = _signature(value)
            if kind == "class" and len(classes) < _MAX_CLASSES:
                # Method signatures are costly (numpy: thousands of text signatures); only the
                # classes assay sees as evident receivers need them.
                classes[attribute] = _class_surface(
                    value, signatures=module.__name__ in _METHOD_SIGNATURE_MODULES
                )
    submodules: list[str] = []
    path = getattr(module, "__path__", None)
    if path is not None:
        submodules = sorted(info.name for info in pkgutil.iter_modules(list(path)))
    probed: dict[str, bool] = {}
    dynamic = "__getattr__" in vars(module)
    for probe in probes:
        if probe in kinds:
            probed[probe] = True
            continue
        try:
            getattr(module, probe)
        except Exception:  # noqa: BLE001 - a lazy loader may raise anything for a missing name
            probed[probe] = False
        else:
            probed[probe] = True
    return {
        "module": name,
        "real": module.__name__,
        "names": names,
        "kinds": kinds,
        "modules": modules,
        "submodules": submodules,
        "getattr": dynamic,
        "namespace": getattr(module, "__file__", None) is None and path is not None,
        "signatures": signatures,
        "classes": classes,
        "probes": probed,
    }


def main() -> None:
    """Answer one request read from stdin."""
    request = json.loads(sys.stdin.read())
    sys.path[:] = request["sys_path"]
    answers: dict[str, Any] = {}
    for name in request["modules"]:
        try:
            module = importlib.import_module(name)
            answers[name] = _describe(name, module, request.get("probes", {}).get(name, []))
        except BaseException as error:  # noqa: BLE001 - any failure means "cannot describe"
            # One module that cannot be described must not lose the other modules' answers.
            answers[name] = {"module": name, "error": f"{type(error).__name__}: {error}"}
            continue
        top = name.split(".")[0]
        stdlib = top in sys.stdlib_module_names
        for attribute, real in answers[name]["modules"].items():
            nested = f"{name}.{attribute}"
            # One level of already-imported submodules (numpy.linalg, os.path) comes free.
            related = real == top or real.startswith(f"{top}.")
            public = not attribute.startswith("_")
            if (
                nested not in answers
                and public
                and (related or (stdlib and real in _STDLIB_ALIASES))
            ):
                try:
                    answers[nested] = _describe(nested, getattr(module, attribute), [])
                except BaseException as error:  # noqa: BLE001 - as above, for this one module
                    answers[nested] = {
                        "module": nested,
                        "error": f"{type(error).__name__}: {error}",
                    }
    with open(request["out"], "w", encoding="utf-8") as handle:
        json.dump(answers, handle)
    details: dict[str, Any] = {}
    for module_name, class_name in request.get("classes", []):
        try:
            value = getattr(importlib.import_module(module_name), class_name)
        except BaseException as error:  # noqa: BLE001 - any failure means "cannot describe"
            details[f"{module_name}:{class_name}"] = {"error": f"{type(error).__name__}: {error}"}
            continue
        if isinstance(value, type):
            details[f"{module_name}:{class_name}"] = _class_detail(value)
        else:
            details[f"{module_name}:{class_name}"] = {"error": "not a class"}
    if request.get("classes_out"):
        with open(request["classes_out"], "w", encoding="utf-8") as handle:
            json.dump(details, handle)


if __name__ == "__main__":
    main()
