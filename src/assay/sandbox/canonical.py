"""Canonical, comparable forms of Python values (results, arguments, exceptions-as-values).

A canonical form is plain JSON (``None``, ``bool``, ``int``, ``float``, ``str``, ``list``
and tagged ``dict``) so that it can cross the sandbox channel without pickle and be stored,
compared and clustered on the trusted side. The choices are deliberate:

* ``list`` stays a JSON list; everything else that JSON cannot say is a one-key dict whose
  key is a tag: ``{"__tuple__": [...]}``, ``{"__set__": [...]}`` (elements sorted by
  `canonical_key`), ``{"__dict__": [[k, v], ...]}`` (items sorted by the key's
  `canonical_key`, so insertion order does not matter, as for ``==``),
  ``{"__float__": "nan" | "inf" | "-inf"}``, ``{"__complex__": [re, im]}``,
  ``{"__bytes__": hex}``, ``{"__fraction__": "n/d"}``, ``{"__decimal__": str}``,
  ``{"__exception__": type, "args": [...]}`` and, for other objects, their attributes
  ``{"__object__": type, "fields": ...}`` when the class keeps the default ``repr``, else
  ``{"__object__": type, "repr": ...}``; memory addresses (``at 0x7f…``) are left out of a
  repr, since they change with every object and say nothing about its value.
* ``bool`` is not ``int``: a function returning ``True`` where another returns ``1`` behaves
  differently, and the comparison should say so.
* Cycles become ``{"__cycle__": type}``; very deep or very large values are truncated with
  ``{"__truncated__": count}`` so a hostile value cannot exhaust the trusted side; since the
  candidate can patch the runner that calls `canonicalize`, the trusted side applies the
  same bounds again, without recursion, to whatever arrives (`bounded`).

This module imports only the standard library: the sandbox runner loads it by path inside
the isolation boundary.
"""

from __future__ import annotations

import enum
import json
import math
import re
import sys
from typing import Any

__all__ = [
    "FLOAT_REL_TOL",
    "MAX_FORM_DEPTH",
    "bounded",
    "canonical_key",
    "canonicalize",
    "equivalent",
]

#: Floats that agree to about 9 significant digits are the same result, as in
#: `canonical_key`. Rounding noise (another summation order, ``x / 2`` against ``x * 0.5``)
#: stays near 1e-15 relative; a difference of 1e-7 is another formula (π written as
#: 3.14159, a truncated series), which a looser tolerance used to let pass as equal.
FLOAT_REL_TOL = 1e-9

#: Elements kept per container before the rest is summarised as ``{"__truncated__": n}``.
MAX_ITEMS = 10_000
#: Nesting depth kept before a value is summarised.
MAX_DEPTH = 64
#: Characters of ``repr`` kept for opaque objects.
MAX_REPR = 2_000
#: JSON nesting a form from `canonicalize` can reach: at most three JSON levels per Python
#: level (``{"__dict__": [[key, value]]}``) plus a tagged leaf. The trusted side cuts what
#: arrives deeper (see `bounded`), since only a runner the candidate patched sends it.
MAX_FORM_DEPTH = 3 * MAX_DEPTH + 8


def canonicalize(value: object) -> Any:
    """Return the canonical JSON-compatible form of `value` (see the module docstring).

    Args:
        value: any Python value; it is only inspected, never mutated or iterated lazily
            (generators and iterators are described, not consumed).
    """
    return _canon(value, 0, set())


def _instance_of(value: object, module: str, name: str) -> bool:
    """isinstance(value, module.name) without importing `module`: if nobody imported it, no
    value can be an instance (keeps the sandbox's warm heap, and so each fork, small)."""
    loaded = sys.modules.get(module)
    kind = getattr(loaded, name, None) if loaded is not None else None
    return isinstance(kind, type) and isinstance(value, kind)


def _type_name(value: object) -> str:
    kind = type(value)
    module = kind.__module__
    return (
        kind.__qualname__
        if module in ("builtins", "__candidate__", "__main__")
        else f"{module}.{kind.__qualname__}"
    )


def _float(value: float) -> Any:
    if math.isnan(value):
        return {"__float__": "nan"}
    if math.isinf(value):
        return {"__float__": "inf" if value > 0 else "-inf"}
    return value


def _items(values: list[Any], depth: int, seen: set[int]) -> list[Any]:
    kept = [_canon(item, depth + 1, seen) for item in values[:MAX_ITEMS]]
    if len(values) > MAX_ITEMS:
        kept.append({"__truncated__": len(values) - MAX_ITEMS})
    return kept


def _canon(value: object, depth: int, seen: set[int]) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):
        return {"__enum__": f"{_type_name(value)}.{value.name}"}
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _float(float(value))
    if isinstance(value, complex):
        return {"__complex__": [_float(value.real), _float(value.imag)]}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"__bytes__": bytes(value[:MAX_ITEMS]).hex()}
    if _instance_of(value, "fractions", "Fraction"):
        return {"__fraction__": f"{value.numerator}/{value.denominator}"}  # type: ignore[attr-defined]
    if _instance_of(value, "decimal", "Decimal"):
        return {"__decimal__": str(value)}
    if depth >= MAX_DEPTH:
        return {"__truncated__": 1}
    if id(value) in seen:
        return {"__cycle__": _type_name(value)}
    seen.add(id(value))
    try:
        return _container(value, depth, seen)
    finally:
        seen.discard(id(value))


def _container(value: object, depth: int, seen: set[int]) -> Any:
    if isinstance(value, BaseException):
        return {"__exception__": _type_name(value), "args": _items(list(value.args), depth, seen)}
    if isinstance(value, list):
        return _items(value, depth, seen)
    if isinstance(value, tuple):
        return {"__tuple__": _items(list(value), depth, seen)}
    if isinstance(value, (set, frozenset)):
        members = [_canon(item, depth + 1, seen) for item in list(value)[:MAX_ITEMS]]
        members.sort(key=canonical_key)
        if len(value) > MAX_ITEMS:
            members.append({"__truncated__": len(value) - MAX_ITEMS})
        return {"__set__": members}
    if isinstance(value, dict):
        pairs = [
            [_canon(key, depth + 1, seen), _canon(item, depth + 1, seen)]
            for key, item in list(value.items())[:MAX_ITEMS]
        ]
        pairs.sort(key=lambda pair: canonical_key(pair[0]))
        if len(value) > MAX_ITEMS:
            pairs.append([{"__truncated__": len(value) - MAX_ITEMS}, None])
        return {"__dict__": pairs}
    names = getattr(type(value), "__dataclass_fields__", None)
    if isinstance(names, dict) and not isinstance(value, type):
        fields = {name: getattr(value, name, None) for name in names}
        return {"__dataclass__": _type_name(value), "fields": _canon(fields, depth + 1, seen)}
    if type(value).__repr__ is object.__repr__:
        # The default repr says nothing but the type and the address: the attributes do.
        try:
            state: object = object.__getattribute__(value, "__dict__")
        except Exception as error:  # noqa: BLE001 - slots, or a hostile class: its repr below
            state = error
        if isinstance(state, dict):
            return {"__object__": _type_name(value), "fields": _canon(dict(state), depth + 1, seen)}
    return {"__object__": _type_name(value), "repr": _ADDRESS.sub(" at 0x…", _safe_repr(value))}


#: ``<Box object at 0x7f3a...>``: the address differs for every object, even equal ones.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _safe_repr(value: object) -> str:
    try:
        text = repr(value)
    except Exception as error:  # noqa: BLE001 - a hostile __repr__ is described, not propagated
        text = f"<unrepresentable {type(value).__name__}: {type(error).__name__}>"
    return text if len(text) <= MAX_REPR else text[:MAX_REPR] + "..."


def bounded(form: Any) -> tuple[Any, str]:
    """Copy a form decoded from the sandbox channel within the bounds `canonicalize` keeps.

    The runner inside the sandbox can be patched by the candidate, so what arrives may nest
    arbitrarily deep or hold huge containers; every recursive consumer on the trusted side
    (`canonical_key`, `equivalent`, the renderers) would then die with RecursionError and
    lose the whole report. The copy is made with an explicit stack (no recursion), keeps
    `MAX_ITEMS` elements per container and `MAX_FORM_DEPTH` levels, and puts
    ``{"__truncated__": "<what was cut>"}`` where it cut.

    Args:
        form: JSON-decoded data (``None``, ``bool``, ``int``, ``float``, ``str``, ``list``,
            ``dict``); anything else is kept as it is.

    Returns:
        The bounded copy, and a note saying what was cut (empty when nothing was).
    """
    deep = f"value nested deeper than {MAX_FORM_DEPTH} levels: cut"
    cuts: set[str] = set()
    root: list[Any] = [None]
    # (value, container to store it in, slot in that container, depth of value)
    stack: list[tuple[Any, Any, Any, int]] = [(form, root, 0, 0)]
    while stack:
        value, parent, slot, depth = stack.pop()
        if not isinstance(value, (list, dict)):
            parent[slot] = value
            continue
        if depth >= MAX_FORM_DEPTH:
            parent[slot] = {"__truncated__": deep}
            cuts.add(deep)
            continue
        copy: Any
        if isinstance(value, list):
            copy = [None] * min(len(value), MAX_ITEMS)
            stack.extend(
                (item, copy, index, depth + 1) for index, item in enumerate(value[: len(copy)])
            )
            if len(value) > MAX_ITEMS:
                copy.append({"__truncated__": len(value) - MAX_ITEMS})
                cuts.add(f"container longer than {MAX_ITEMS} items: cut")
        else:
            copy = {}
            for key, item in list(value.items())[:MAX_ITEMS]:
                copy[key] = None
                stack.append((item, copy, key, depth + 1))
            if len(value) > MAX_ITEMS:
                copy["__truncated__"] = len(value) - MAX_ITEMS
                cuts.add(f"mapping with more than {MAX_ITEMS} keys: cut")
        parent[slot] = copy
    return root[0], "; ".join(sorted(cuts))


def canonical_key(value: Any) -> str:
    """A stable string for hashing and clustering a canonical form.

    Floats are rounded to 9 significant digits on purpose, so results that differ only by
    floating-point noise share a key (``0.1 + 0.2`` and ``0.3``). Use `equivalent` when
    tolerance matters more than hashing.

    Args:
        value: a canonical form, as returned by `canonicalize`.
    """
    return json.dumps(_rounded(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        rounded = float(f"{value:.9g}")
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    return value


def equivalent(a: Any, b: Any, *, rel_tol: float = FLOAT_REL_TOL, abs_tol: float = 1e-9) -> bool:
    """Whether two canonical forms denote the same behaviour.

    Numbers compare by value with tolerance (``1 == 1.0``; floats within `rel_tol` or
    `abs_tol`; NaN equals NaN; infinities equal themselves); ``bool`` never equals a number;
    sets and dicts compare regardless of order; everything else compares structurally.

    Args:
        a: a canonical form.
        b: another canonical form.
        rel_tol: relative tolerance for floats, as in `math.isclose`.
        abs_tol: absolute tolerance for floats, as in `math.isclose`.
    """
    return _equal(a, b, rel_tol, abs_tol)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _special_float(value: Any) -> str | None:
    if isinstance(value, dict) and set(value) == {"__float__"}:
        return str(value["__float__"])
    return None


def _equal(a: Any, b: Any, rel: float, tol: float) -> bool:
    if _is_number(a) and _is_number(b):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return math.isclose(a, b, rel_tol=rel, abs_tol=tol)
    special_a, special_b = _special_float(a), _special_float(b)
    if special_a is not None or special_b is not None:
        return special_a == special_b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y, rel, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        if "__set__" in a:
            return _unordered(a["__set__"], b["__set__"], rel, tol)
        if "__dict__" in a:
            return _unordered(a["__dict__"], b["__dict__"], rel, tol)
        return all(_equal(a[key], b[key], rel, tol) for key in a)
    return type(a) is type(b) and a == b


def _unordered(a: list[Any], b: list[Any], rel: float, tol: float) -> bool:
    """Match members regardless of order. Members arrive sorted by `canonical_key`, so the
    in-order comparison almost always decides; the quadratic search covers members that
    differ only within tolerance and therefore may sort differently."""
    if len(a) != len(b):
        return False
    if all(_equal(x, y, rel, tol) for x, y in zip(a, b, strict=True)):
        return True
    if len(a) > 500:
        return False
    remaining = list(b)
    for item in a:
        for index, other in enumerate(remaining):
            if _equal(item, other, rel, tol):
                del remaining[index]
                break
        else:
            return False
    return True
