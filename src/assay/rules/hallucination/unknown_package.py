"""AS101 unknown-package: an import of a package that exists nowhere (a slopsquatting risk)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from assay.config import Settings
from assay.knowledge.resolve import (
    STDLIB_MODULES,
    IndexAnswer,
    IndexClient,
    closest_names,
    normalize,
    offline_index,
    project_forms,
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
#: "Popular" for typosquatting: the most downloaded projects, where a typo is most likely to
#: be typed and most worth registering for an attacker.
_POPULAR = 1000
_MIN_TYPO_LENGTH = 5

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
        client = _client(ctx.settings)
        state.answers = client.lookup(unknown)
        # An import name the index lacks may still be a real project's import name under a
        # conventional project name (absl -> absl-py): ask for those before calling it absent.
        absent = [name for name, answer in state.answers.items() if answer.exists is False]
        forms = [form for name in absent for form in list(project_forms(name))[1:]]
        if forms:
            state.answers |= client.lookup(forms)
    return state.answers


def _conventional_project(top: str, answers: dict[str, IndexAnswer]) -> str | None:
    """A project on the index whose conventional name fits import name `top`, if any."""
    for form in list(project_forms(normalize(top)))[1:]:
        answer = answers.get(form)
        if answer is not None and answer.exists:
            return form
    return None


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


@lru_cache(maxsize=1)
def _popular_names() -> frozenset[str]:
    """Normalised names of the most downloaded projects and of their import names."""
    index = offline_index()
    popular = set(index.projects[:_POPULAR])
    popular |= {normalize(name) for name, dist in index.import_names.items() if dist in popular}
    return frozenset(popular)


def near_miss(top: str) -> str | None:
    """The popular project or import name that `top` is one typo away from, if any.

    One typo is one inserted, deleted, replaced or swapped character (optimal string
    alignment distance 1) on the normalised names; names shorter than `_MIN_TYPO_LENGTH`
    are too short for one typo to say anything (``jwt`` and ``jet`` are both real).
    """
    name = normalize(top)
    if len(name) < _MIN_TYPO_LENGTH:
        return None
    for popular in sorted(_popular_names()):
        if abs(len(popular) - len(name)) <= 1 and popular != name and _one_typo(name, popular):
            return popular
    return None


def _one_typo(a: str, b: str) -> bool:
    """True when `a` and `b` differ by exactly one insertion, deletion, replacement or swap."""
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) != len(b):
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:
        return True
    return (
        start + 1 < len(a)
        and a[start] == b[start + 1]
        and a[start + 1] == b[start]
        and a[start + 2 :] == b[start + 2 :]
    )


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
    of the checked project, not built into a Python runtime (Pyodide's `js`), and neither a
    project name nor a known import name (`pywt` -> PyWavelets, `google.cloud.storage`) in
    assay's index of the 15,000 most downloaded PyPI projects. The severity says what is known:

    * **error**: evidence that the name is not a real package: the package index pip is
      configured with (asked online, the default) does not have it, or it is one typo away
      from one of the 1,000 most downloaded projects (`reqeusts`), a typosquatting shape.
    * **warning**, "cannot verify offline": no index was asked (or it did not answer) and the
      name is not in the bundled index; a real but rarer project looks exactly like this.
      Likewise online when the index lacks the name but has a project conventionally named
      after it (`absl` -> `absl-py`, `foo` -> `python-foo`), which may provide it.
    * **warning**: the index has the name but it was published very recently or almost never
      released (a slopsquatting shape); the evidence gives the dates.
    * **info**: any of these under `try: ... except ImportError` or a platform test.

    ## Why it matters for AI-written code
    Assistants invent plausible package names (`flask_gpt`, `pandas_utils`). Attackers
    register such names on PyPI with malicious code ("slopsquatting"), so the first person
    who runs `pip install` on the suggestion installs malware. A name that does not exist at
    all is at best an `ImportError` waiting to happen.

    ## Example
    ```python
    import reqeusts

    reqeusts.get("https://example.com")
    ```

    ## Use instead
    ```python
    import json
    import requests
    import yaml  # PyYAML: the import name differs from the project name

    config = yaml.safe_load(json.dumps(requests.get("https://example.com").json()))
    ```
    ## Data
    The offline index (`assay/knowledge/data/pypi_index.json.gz`) holds the 15,000 most downloaded
    PyPI projects of the 30 days up to 2026-04-01 (hugovk/top-pypi-packages), import names that
    differ from their project names (pipreqs' mapping file, Apache-2.0; a few wheels' top-level
    modules; installed distributions; a curated list) and the dotted modules of namespace
    packages (`google.cloud.*`, `azure.*`, `sphinxcontrib.*`, `nvidia.*`, ...). Rebuild it with
    `python scripts/build_pypi_index.py` (its docstring gives the inputs). Installed
    distributions are read from `importlib.metadata.packages_distributions()`. Online mode
    asks the index (`index-url`, `PIP_INDEX_URL` or pip's configuration; answers cached for
    `cache-ttl-hours`, bounded by `network-timeout`).
    """
    if not isinstance(node, (ast.Import, ast.ImportFrom)):
        return
    state = file_state(ctx)
    bundled = f"the bundled index of {len(offline_index().projects):,} PyPI projects"
    for top in import_tops(node):
        if top_kind(top, ctx) != "unknown":
            continue
        answer = _index_answers(ctx, state).get(normalize(top))
        closest = _closest_packages(top)
        checked = [
            "standard library",
            "installed distributions",
            "this project's modules",
            "import-name mappings (installed distributions, bundled map)",
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
            evidence |= {"verdict": "suspicious", "index_answer": answer.as_json(), "why": shape}
            yield ctx.finding(
                node,
                f"`{top}` exists on {answer.index} but was {shape}: a classic slopsquatting "
                "shape; check it is the package you meant"
                + (f" (well-known names: {', '.join(closest)})" if closest else ""),
                evidence=evidence,
                severity=Severity.WARNING,
            )
            continue
        hint = f"; closest real names: {', '.join(closest)}" if closest else ""
        fix = f"replace `{top}` with a real package{' such as ' + closest[0] if closest else ''}"
        typo = near_miss(top)
        alias = _conventional_project(top, state.answers) if answer is not None else None
        if answer is not None and answer.exists is False and alias is not None:
            evidence |= {"verdict": "unverified", "project_with_similar_name": alias}
            yield ctx.finding(
                node,
                f"cannot verify: `{top}` is not a project on {answer.index}, but `{alias}` is "
                f"and may provide the import name `{top}`; it is not installed, so this was "
                "not checked",
                evidence=evidence,
                severity=Severity.INFO if guarded(node, ctx) else Severity.WARNING,
                fix=f"pip install {alias} (if it is the project you meant)",
            )
            continue
        if answer is not None and answer.exists is False:
            evidence["verdict"] = "absent-from-index"
            where = f"not installed, not in this project, and not on {answer.index}"
        elif typo is not None:
            evidence |= {"verdict": "near-miss", "near_miss": typo}
            where = (
                f"not installed, not in this project, not in {bundled}, and one typo away "
                f"from the popular `{typo}` (a typosquatting shape)"
            )
        else:
            # No evidence either way: a real but rarer project looks exactly like this.
            evidence["verdict"] = "unverified"
            why = (
                "offline"
                if ctx.settings.offline or answer is None
                else f"{answer.index} did not answer ({answer.error})"
            )
            yield ctx.finding(
                node,
                f"cannot verify {'offline' if why == 'offline' else 'online'}: `{top}` is not "
                f"installed, not in this project and not in {bundled}"
                + ("" if why == "offline" else f"; {why}")
                + hint,
                evidence=evidence,
                severity=Severity.INFO if guarded(node, ctx) else Severity.WARNING,
                fix=f"check that `{top}` is the package you meant, or run assay online",
            )
            continue
        yield ctx.finding(
            node,
            f"`{top}` is not a known package: not in the standard library, {where}{hint}",
            evidence=evidence,
            severity=Severity.INFO if guarded(node, ctx) else None,
            fix=fix,
        )
