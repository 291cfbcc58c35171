"""AS101 unknown-package: an import of a package that exists nowhere (a slopsquatting risk)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import date
from typing import Any

from assay.config import Settings
from assay.knowledge.resolve import (
    STDLIB_MODULES,
    IndexAnswer,
    IndexClient,
    closest_names,
    normalize,
    offline_index,
)
from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.hallucination._common import guarded, import_tops, top_kind
from assay.rules.hallucination._file_state import FileState, file_state

__all__ = ["unknown_package"]

#: A package first published this recently, or with this few releases, looks slopsquatted.
_NEW_PACKAGE_DAYS = 90
_FEW_RELEASES = 2

_clients: dict[tuple[str | None, float, float], IndexClient] = {}


def _client(settings: Settings) -> IndexClient:
    """One client per index configuration, so its memory cache serves every file of a run."""
    key = (settings.index_url, settings.network_timeout, settings.cache_ttl_hours)
    if key not in _clients:
        _clients[key] = IndexClient(settings)
    return _clients[key]


def _index_answers(ctx: Context, state: FileState) -> dict[str, IndexAnswer]:
    """Online answers for every unknown top-level import of the file, asked in one batch."""
    if ctx.settings.offline or state.prefetched:
        return state.answers
    state.prefetched = True
    unknown = [
        top
        for node in ast.walk(ctx.tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for top in import_tops(node)
        if top_kind(top, ctx) == "unknown"
    ]
    if unknown:
        state.answers = _client(ctx.settings).lookup(unknown)
    return state.answers


def _closest_packages(top: str) -> list[str]:
    """Similar real names, plus the real package an invented one is named after
    (``pandas_smart_utils`` -> ``pandas``)."""
    index = offline_index()
    pool = set(index.projects) | set(index.import_names) | STDLIB_MODULES
    similar = closest_names(normalize(top), pool) or closest_names(top, pool)
    stem = normalize(top).split("-")[0]
    stems = (
        [stem] if stem != normalize(top) and (stem in index.rank or stem in STDLIB_MODULES) else []
    )
    return list(dict.fromkeys([*similar, *stems]))[:4]


def _young_or_unused(answer: IndexAnswer) -> str | None:
    if answer.first_release:
        age = (date.today() - date.fromisoformat(answer.first_release)).days
        if age <= _NEW_PACKAGE_DAYS:
            return f"first published {answer.first_release} ({age} days ago)"
    if answer.releases is not None and answer.releases <= _FEW_RELEASES:
        return f"only {answer.releases} release(s) ever published"
    return None


@rule(
    id="AS101",
    name="unknown-package",
    family=Family.HALLUCINATION,
    severity=Severity.ERROR,
    nodes=(ast.Import, ast.ImportFrom),
)
def unknown_package(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """An import of a package that is not in the standard library, not installed, not part of
    the project and not a known PyPI project.

    ## What it finds
    A top-level import whose name is not a standard module, not installed here, not a module
    of the checked project, and neither a project name nor a known import name in assay's
    index of the 15,000 most downloaded PyPI projects. Online (the default), the package
    index pip is configured with is asked too; a name it knows but that was published very
    recently or almost never released is still reported, as a warning.

    ## Why it matters for AI-written code
    Assistants invent plausible package names (`flask_gpt`, `pandas_utils`). Attackers
    register such names on PyPI with malicious code ("slopsquatting"), so the first person
    who runs `pip install` on the suggestion installs malware. A name that does not exist at
    all is at best an `ImportError` waiting to happen.

    ## Example
    ```python
    import flask_autodoc_gpt

    app = flask_autodoc_gpt.App()
    ```

    ## Use instead
    ```python
    import json
    from flask import Flask

    app = Flask(__name__)
    ```
    ## Data
    The offline index (`assay/knowledge/data/pypi_index.json.gz`) holds the 15,000 most downloaded
    PyPI projects of the 30 days up to 2026-04-01 (hugovk/top-pypi-packages) and about 220
    import names that differ from their project names (`yaml` -> PyYAML). Rebuild it with
    `python scripts/build_pypi_index.py --top <top-pypi-packages-30-days.min.json.gz>`.
    Offline, a real but rarer project is reported too; the message says the check was
    offline, and online mode asks the index (`index-url`, `PIP_INDEX_URL` or pip's
    configuration; answers cached for `cache-ttl-hours`, bounded by `network-timeout`).
    """
    if not isinstance(node, (ast.Import, ast.ImportFrom)):
        return
    state = file_state(ctx)
    for top in import_tops(node):
        if top_kind(top, ctx) != "unknown":
            continue
        answer = _index_answers(ctx, state).get(normalize(top))
        closest = _closest_packages(top)
        checked = [
            "standard library",
            "installed distributions",
            "this project's modules",
            f"offline PyPI index ({len(offline_index().projects):,} projects, "
            f"{offline_index().last_update})",
        ]
        evidence: dict[str, Any] = {"package": top, "closest": closest, "checked": checked}
        if answer is not None and answer.exists is not None:
            checked.append(answer.index)
        if answer is not None and answer.exists:
            shape = _young_or_unused(answer)
            if shape is None:
                continue
            evidence |= {"index_answer": answer.as_json(), "why": shape}
            yield ctx.finding(
                node,
                f"`{top}` exists on {answer.index} but was {shape}: a classic slopsquatting "
                "shape; check it is the package you meant"
                + (f" (well-known names: {', '.join(closest)})" if closest else ""),
                evidence=evidence,
                severity=Severity.WARNING,
            )
            continue
        where = (
            "not installed, not in this project, and not among the "
            f"{len(offline_index().projects):,} most downloaded PyPI projects (checked offline)"
        )
        if answer is not None and answer.exists is False:
            where = f"not installed, not in this project, and not on {answer.index}"
        hint = f"; closest real names: {', '.join(closest)}" if closest else ""
        yield ctx.finding(
            node,
            f"`{top}` is not a known package: not in the standard library, {where}{hint}",
            evidence=evidence,
            severity=Severity.INFO if guarded(node, ctx) else None,
            fix=f"replace `{top}` with a real package{' such as ' + closest[0] if closest else ''}",
        )
