"""Hallucination rules: packages, modules, attributes, methods and signatures that do not exist.

Every verdict comes from `assay.knowledge.resolve`: the standard library and installed packages are
described from the real objects (in a separate interpreter, never importing the checked
code), unknown packages are looked up in the shipped PyPI index and, online, in the package
index pip uses. When a verdict cannot be certain (a module with ``__getattr__``, code under
a version or platform guard, a package that is not installed) the rules stay silent or say
``info``; they never guess.

One module per rule, named after it: `unknown_package` (AS101), `unknown_module_attribute`
(AS102), `unknown_method` (AS103), `call_signature_mismatch` (AS104) and `unverified_package`
(AS105). `_file_state` holds what the rules work out once per file (scopes, evident types,
index answers); `_common` the look-ups several rules share. `assay.rules.load_rules` imports
the rule modules.
"""
