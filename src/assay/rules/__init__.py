"""The static stage's rules: one package (or module) per family, one module per rule, each
rule documented where it is defined.

Importing a rule module registers its rules (see `assay.rules._registry`). `load_rules`
imports every public module in this package and in its public sub-packages; private names
(``_support``, ``_common``, ``_registry``) hold shared helpers and are imported by the rules
that use them.
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
    for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
        relative = info.name[len(__name__) + 1 :].split(".")
        # walk_packages imports each package to find its children, so private packages are
        # skipped by name before they are walked into.
        if not any(part.startswith("_") for part in relative):
            importlib.import_module(info.name)
