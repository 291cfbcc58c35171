"""AS105 unverified-package: an import of a real PyPI package that is not installed."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.knowledge.resolve import offline_index
from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.hallucination._common import guarded, import_modules, top_kind

__all__ = ["unverified_package"]


@rule(
    id="AS105",
    name="unverified-package",
    family=Family.HALLUCINATION,
    severity=Severity.INFO,
    nodes=(ast.Import, ast.ImportFrom),
)
def unverified_package(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """An import of a real PyPI package that is not installed, so its API was not verified.

    ## What it finds
    A top-level import of a known PyPI project (in assay's offline index) that is not
    installed in the environment assay runs in.

    ## Why it matters for AI-written code
    assay checks modules, attributes and signatures against the installed package. When it
    is missing, those checks cannot run, and saying nothing would look like "verified". This
    finding says what was *not* checked; install the project's dependencies to check it.

    ## Example
    ```python
    import tensorflow_datasets as tfds

    ds = tfds.load("mnist")
    ```

    ## Use instead
    ```python
    import json

    data = json.loads("{}")
    ```
    """
    if not isinstance(node, (ast.Import, ast.ImportFrom)):
        return
    for module in import_modules(node):
        top = module.split(".")[0]
        if top_kind(top, ctx) != "known" or guarded(node, ctx):
            continue
        # The dotted name picks the right project of a namespace package:
        # google.cloud.storage is google-cloud-storage, not the `google` of protobuf.
        distribution = offline_index().distribution_for(module)
        shown = module if distribution != offline_index().distribution_for(top) else top
        yield ctx.finding(
            node,
            f"not verified: `{shown}` (PyPI project `{distribution}`) is not installed, so its "
            "modules, attributes and signatures were not checked",
            evidence={"package": top, "distribution": distribution, "installed": False},
            fix=f"pip install {distribution}",
        )
