"""Rule families: one module per family, each rule documented where it is defined.

Importing a family module registers its rules (see `assay.rules._registry`). Every public
module in this package is a family module and is loaded by `load_rules`.
"""

from __future__ import annotations

import importlib
import pkgutil

from assay.rules._registry import Rule, all_rules, get_rule, rule

__all__ = ["Rule", "all_rules", "get_rule", "load_rules", "rule"]

_loaded = False


def load_rules() -> None:
    """Import every family module in this package once, registering its rules."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
