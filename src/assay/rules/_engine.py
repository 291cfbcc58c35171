"""The static stage: parse each file once, walk its AST once, dispatch the selected rules.

`check_inputs` is a plain function of its inputs (files + settings) and returns a `Report`.
A file that does not parse becomes a `FileError`; a rule that raises becomes a `FileError`
naming the rule (a bug in assay), never a crash of the whole run and never a silent skip.
"""

from __future__ import annotations

import ast
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence

from assay._version import __version__
from assay.config import Settings
from assay.errors import RuleError
from assay.model import FileError, Finding, Report
from assay.rules._registry import Rule, all_rules, iter_selected
from assay.source.discover import SourceInput
from assay.source.parsed import parse_module

__all__ = ["active_rules", "check_inputs", "check_source"]


def active_rules(settings: Settings) -> list[Rule]:
    """The rules `settings` selects, in id order."""
    return list(iter_selected(all_rules(), settings.select, settings.ignore))


#: Files per worker below which a process pool costs more than it saves.
_FILES_PER_JOB = 4


def check_inputs(
    inputs: Sequence[SourceInput],
    settings: Settings,
    *,
    project_modules: frozenset[str] = frozenset(),
    jobs: int = 1,
) -> Report:
    """Run the static rules over `inputs` and return one report; with `jobs` > 1, in that
    many processes (the results are the same, in the same order)."""
    findings: list[Finding] = []
    errors: list[FileError] = []
    files: list[str] = []
    sources: dict[str, str] = {}
    readable = [item for item in inputs if item.text is not None]
    results = _checked(readable, settings, project_modules, jobs)
    for item in inputs:
        files.append(item.display_path)
        if item.text is None:
            errors.append(
                FileError(
                    path=item.display_path, message=item.read_error or "unreadable", kind="read"
                )
            )
            continue
        sources[item.display_path] = item.text
        file_findings, file_errors = results[item.display_path]
        findings.extend(file_findings)
        errors.extend(file_errors)
    return Report(
        tool_version=__version__,
        findings=sorted(findings, key=Finding.sort_key),
        files=files,
        errors=errors,
        sources=sources,
    )


_Result = tuple[list[Finding], list[FileError]]


def _checked(
    inputs: Sequence[SourceInput],
    settings: Settings,
    project_modules: frozenset[str],
    jobs: int,
) -> dict[str, _Result]:
    """``{path: (findings, errors)}`` for every readable input."""
    if not inputs:
        # Every file answered from the result cache: the rules need not even be loaded.
        return {}
    workers = min(jobs, len(inputs) // _FILES_PER_JOB)
    if workers <= 1:
        return _check_chunk(list(inputs), settings, project_modules)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Forked workers inherit the loaded rules and the warm caches of this process, and the
    # run's settings through the initializer (never pickled once per file).
    active_rules(settings)
    context = multiprocessing.get_context("fork")
    # One file per task, the largest first: a file's cost varies a hundredfold (jedi on a
    # library-heavy module), so fixed shares left one worker busy long after the other was
    # done; handing out the big ones first and the small ones as workers free up balances
    # the end of the run.
    order = sorted(inputs, key=lambda item: len(item.text or ""), reverse=True)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(settings, project_modules),
    ) as pool:
        parts = pool.map(_check_in_worker, order)
        return dict(zip((item.display_path for item in order), parts, strict=True))


#: What a worker of the process pool checks with (set once per worker by `_start_worker`).
_worker_run: tuple[Settings, frozenset[str], list[Rule]] | None = None


def _start_worker(settings: Settings, project_modules: frozenset[str]) -> None:
    global _worker_run
    _worker_run = (settings, project_modules, active_rules(settings))


def _check_in_worker(item: SourceInput) -> _Result:
    if _worker_run is None:
        raise RuleError(
            "a pool worker was given a file before its initializer ran (a bug in assay)"
        )
    settings, project_modules, rules = _worker_run
    return check_source(
        item.text or "", item.display_path, settings, rules=rules, project_modules=project_modules
    )


def _check_chunk(
    inputs: list[SourceInput], settings: Settings, project_modules: frozenset[str]
) -> dict[str, _Result]:
    rules = active_rules(settings)
    return {
        item.display_path: check_source(
            item.text or "",
            item.display_path,
            settings,
            rules=rules,
            project_modules=project_modules,
        )
        for item in inputs
    }


def check_source(
    source: str,
    path: str,
    settings: Settings,
    *,
    rules: Iterable[Rule] | None = None,
    project_modules: frozenset[str] = frozenset(),
) -> tuple[list[Finding], list[FileError]]:
    """Findings and errors for one file's text."""
    try:
        with warnings.catch_warnings():
            # Invalid escape sequences in checked code are the checked code's business.
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = parse_module(source, path)
    except SyntaxError as error:
        return [], [
            FileError(
                path=path,
                message=f"does not parse: {error.msg}",
                line=error.lineno,
                col=(error.offset or 1) - 1,
                kind="parse",
            )
        ]
    except ValueError as error:
        return [], [FileError(path=path, message=f"does not parse: {error}", kind="parse")]
    except (RecursionError, MemoryError) as error:
        return [], [
            FileError(
                path=path,
                message=f"does not parse: nested too deeply for Python's parser "
                f"({type(error).__name__})",
                kind="parse",
            )
        ]
    # Imported here, not at the top: a run answered from the result cache never builds one.
    from assay.rules._context import Context

    context = Context(
        path=path, source=source, tree=tree, settings=settings, project_modules=project_modules
    )
    selected = list(rules if rules is not None else active_rules(settings))
    by_node: dict[type[ast.AST], list[Rule]] = defaultdict(list)
    module_rules: list[Rule] = []
    for candidate in selected:
        if candidate.kind == "ast":
            for node_type in candidate.nodes:
                by_node[node_type].append(candidate)
        elif candidate.kind == "module":
            module_rules.append(candidate)
    findings: list[Finding] = []
    errors: list[FileError] = []
    failed_rules: set[str] = set()

    def run(candidate: Rule, produce: Iterable[Finding]) -> None:
        context.current_rule = candidate
        try:
            for finding in produce:
                findings.append(_apply_overrides(finding, settings))
        except Exception as error:  # noqa: BLE001 - one faulty rule must not hide the others' results
            if candidate.id not in failed_rules:
                failed_rules.add(candidate.id)
                errors.append(
                    FileError.from_crash(
                        path, f"rule {candidate.id} ({candidate.name})", error, kind="rule"
                    )
                )
        finally:
            context.current_rule = None

    if by_node:
        try:
            for node in ast.walk(tree):
                for candidate in by_node.get(type(node), ()):
                    if candidate.id in failed_rules or candidate.check is None:
                        continue
                    run(candidate, candidate.check(node, context))
        except (RecursionError, MemoryError) as error:
            # The walk itself, not one rule: the findings made so far stand.
            errors.append(FileError.from_crash(path, "the static stage", error))
    # Rules that judge the others' findings (unused suppressions) run last and see them all.
    module_rules.sort(key=lambda candidate: candidate.sees_findings)
    context.reported = findings
    for candidate in module_rules:
        if candidate.check is not None:
            run(candidate, candidate.check(context))
    kept = [f for f in findings if not context.suppressed(f.line, f.rule)]
    return kept, errors


def _apply_overrides(finding: Finding, settings: Settings) -> Finding:
    override = settings.severity.get(finding.rule)
    if override is None or override == finding.severity:
        return finding
    return finding.model_copy(update={"severity": override})
