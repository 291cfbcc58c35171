"""The check pipeline: source files → static stage → dynamic stages (in their declared order)
→ trust tiers → one `Report`. Below `api` (which validates what users pass) and above every
stage, so that generation and completion check candidates without going through the public
API.

The dynamic stages plan and run in the frame of `assay.behaviour.stages._frame`; what is the
same for all of them is done here, once: each file parsed once, one sandbox pool for the run,
``# assay: ignore`` comments, severity overrides, the "did not run" warning and the merge."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.cache import FileResult, ResultCache, merge_cached
from assay.config import Settings, load_settings
from assay.model import FileError, Finding, Report
from assay.rules._engine import check_inputs as static_stage
from assay.rules._registry import validate_selectors
from assay.rules._tiers import with_reviews
from assay.source.discover import SourceInput, project_modules

if TYPE_CHECKING:
    from assay.behaviour.stages._frame import CheckedFile, Pool, Ran, Stage

__all__ = ["check_inputs", "check_text"]


def check_inputs(
    inputs: list[SourceInput],
    *,
    settings: Settings | None,
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    offline: bool | None,
    python: str | None,
    dynamic: bool | None,
    cache_dir: Path | None = None,
    jobs: int = 1,
) -> Report:
    """Check `inputs` with `settings` (default: the nearest pyproject.toml's) and the
    overrides, and return the report.

    With `cache_dir`, files whose results are cached there for the same text, settings,
    assay and environment are not checked again (see `assay.cache`). With `jobs` > 1 the
    static stage checks files in that many processes; the dynamic stages keep one sandbox
    pool for the run.

    Raises:
        InvalidArgument: a selector matches no rule.
        SourceError: the base revision cannot be read.
        ConfigError: the configuration is invalid.
    """
    base = settings if settings is not None else load_settings(_config_start(inputs))
    effective = base.with_overrides(
        select=list(select) if select is not None else None,
        ignore=list(ignore) if ignore is not None else None,
        offline=offline,
        python=python,
        dynamic=dynamic,
    )
    validate_selectors(effective.select, option="select")
    validate_selectors(effective.ignore, option="ignore")
    for pattern, selectors in effective.per_file_ignores.items():
        validate_selectors(selectors, option=f"per-file-ignores {pattern!r}:")
    if effective.base is not None:
        from assay.source.gitbase import check_revision

        check_revision(effective.base, [i.path for i in inputs if i.path is not None])
    inputs = _without_excluded(inputs, effective.exclude)
    modules = project_modules(inputs)
    # A file checked against a git revision depends on that revision too: not cached.
    cache = (
        ResultCache(cache_dir / "check", effective, modules)
        if cache_dir is not None and effective.base is None
        else None
    )
    cached: dict[str, FileResult] = {}
    if cache is not None:
        for item in inputs:
            if item.text is not None:
                hit = cache.load(item.display_path, item.text)
                if hit is not None:
                    cached[item.display_path] = hit
    to_check = [item for item in inputs if item.display_path not in cached]
    report = _stages(to_check, effective, modules, jobs)
    if cache is None:
        return report
    problems = cache.store(report, report.files)
    if problems:
        report = report.model_copy(
            update={"warnings": [*report.warnings, f"result cache not written: {problems[0]}"]}
        )
    texts = {item.display_path: item.text or "" for item in inputs}
    return merge_cached(report, cached, [item.display_path for item in inputs], texts)


def _stages(
    inputs: list[SourceInput], effective: Settings, modules: frozenset[str], jobs: int
) -> Report:
    """The static stage, the dynamic stages in their order, and the trust tiers."""
    report = static_stage(inputs, effective, project_modules=modules, jobs=jobs)
    if effective.dynamic:
        report = _dynamic_stages(report, effective)
    return with_reviews(_without_per_file_ignores(report, effective.per_file_ignores, inputs))


def _dynamic_stages(report: Report, settings: Settings) -> Report:
    """`report` plus what the dynamic stages find, in their order, on one sandbox pool
    started only when some stage has work (a sandbox costs a few tenths of a second).

    Each stage's new findings are kept when their rule is active and no ``# assay: ignore``
    comment on the reported line silences them, with the configured severities. When the
    sandbox cannot run here, `Report.warnings` says which stage did not run instead of
    pretending it did; one file's failure is that file's `errors` entry."""
    from assay.behaviour.stages._frame import Pool, degraded_warnings, suppressed
    from assay.rules._engine import active_rules

    active = frozenset(r.id for r in active_rules(settings))
    stages = _dynamic_stage_list(settings)
    files = _parsed(report.sources)
    plans = [(stage, *_plan(stage, files)) for stage in stages]
    errors = list(report.errors)
    if not any(works for _, works, _ in plans):
        errors.extend(e for _, _, failed in plans for e in failed)
        return report.model_copy(update={"errors": errors})
    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    notes = list(report.notes)
    warnings = list(report.warnings)
    wanted = [(stage, works) for stage, works, _ in plans if works]
    pool = Pool(
        workers=max(stage.workers for stage, _ in wanted),
        warm=tuple(
            dict.fromkeys(
                m for st, works in wanted for m in st.warm([w for _, w in works.values()])
            )
        ),
    )
    with contextlib.closing(pool):
        for stage, works, failed in plans:
            errors.extend(failed)
            ran = _run(stage, works, pool, by_path, warnings) if works else None
            if ran is None:
                continue
            results, crashed = ran
            errors.extend(crashed)
            for path, result in results:
                kept = by_path.setdefault(path, [])
                if result.revised is not None:
                    kept[:] = result.revised
                kept.extend(
                    _overridden(f, settings)
                    for f in result.findings
                    if f.rule in active and not suppressed(report.sources[path], f)
                )
                notes.extend(result.notes)
    return report.model_copy(
        update={
            "findings": sorted(
                (f for found in by_path.values() for f in found), key=Finding.sort_key
            ),
            "notes": notes,
            "errors": errors,
            "warnings": degraded_warnings(warnings, pool.degraded),
        }
    )


def _dynamic_stage_list(settings: Settings) -> list[Stage[Any]]:
    """The dynamic stages in their order, each limited to its active rules."""
    from assay.behaviour.diff.findings import DIFF_RULES, BehaviourDiffStage
    from assay.behaviour.stages import complexity, constant_output, query_plans
    from assay.behaviour.stages.functions import RuntimeProbes
    from assay.rules._engine import active_rules

    rules = active_rules(settings)
    active = frozenset(r.id for r in rules)
    timeout = settings.probe_timeout
    # Order matters: constant-output probing defers to the runtime probes' AS606; against
    # a git revision, the behaviour diff (AS702, AS703) comes last.
    stages: list[Stage[Any]] = [
        RuntimeProbes(frozenset(r.id for r in rules if r.kind == "dynamic"), timeout),
        complexity.GrowthProbes(active & complexity.RULES),
        constant_output.ConstantOutputProbe(active & constant_output.RULES, timeout),
        query_plans.QueryPlans(active & query_plans.RULES),
    ]
    if settings.base is not None:
        stages.append(BehaviourDiffStage(settings.base, active & DIFF_RULES, timeout))
    return stages


def _parsed(sources: dict[str, str]) -> list[CheckedFile]:
    """Every checked file with its tree (None when it does not parse: the static stage
    already reported why), each parsed once for all the dynamic stages."""
    from assay.behaviour.stages._frame import CheckedFile
    from assay.source.parsed import parse_module

    files: list[CheckedFile] = []
    for path, source in sources.items():
        try:
            tree = parse_module(source, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None
        files.append(CheckedFile(path, source, tree))
    return files


#: The files where a stage has work: ``{path: (file, work)}``.
_Works = dict[str, tuple["CheckedFile", Any]]


def _plan(stage: Stage[Any], files: list[CheckedFile]) -> tuple[_Works, list[FileError]]:
    """The files where `stage` has work, and an error entry per file whose planning
    failed."""
    from assay.behaviour.stages._frame import guarded

    works: _Works = {}
    failed: list[FileError] = []
    for file in files:
        work = guarded(file.path, f"planning {stage.name}", failed, stage.plan, file)
        if work is not None:
            works[file.path] = (file, work)
    return works, failed


def _run(
    stage: Stage[Any],
    works: _Works,
    pool: Pool,
    by_path: dict[str, list[Finding]],
    warnings: list[str],
) -> tuple[list[tuple[str, Ran]], list[FileError]] | None:
    """What `stage` found in each planned file and the files it failed on; None, with a
    warning, when the sandbox cannot run (then the next stage starts fresh sandboxes)."""
    from assay.behaviour.stages._frame import guarded
    from assay.errors import SandboxError

    results: list[tuple[str, Ran]] = []
    failed: list[FileError] = []
    try:
        for path, (file, work) in works.items():
            earlier = list(by_path.get(path, ()))
            ran = guarded(path, stage.name, failed, stage.run, file, work, pool, earlier)
            if ran is not None:
                results.append((path, ran))
    except SandboxError as error:
        warnings.append(f"{stage.label} did not run: {error}")
        pool.close()
        return None
    return results, failed


def _overridden(finding: Finding, settings: Settings) -> Finding:
    """`finding` with the severity the configuration sets for its rule, if any."""
    severity = settings.severity.get(finding.rule)
    return finding if severity is None else finding.model_copy(update={"severity": severity})


def check_text(source: str, *, name: str, offline: bool = True, dynamic: bool = False) -> Report:
    """Check one candidate's text as the file `name` (never opened): what generation and
    completion use to judge what a model wrote."""
    return check_inputs(
        [SourceInput(name, source, None)],
        settings=None,
        select=None,
        ignore=None,
        offline=offline,
        python=None,
        dynamic=dynamic,
    )


def _without_excluded(inputs: list[SourceInput], patterns: Sequence[str]) -> list[SourceInput]:
    """Drop files matching the configured gitignore-style `exclude` patterns."""
    if not patterns:
        return inputs
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(list(patterns))
    return [i for i in inputs if i.path is None or not spec.match_file(i.display_path)]


def _without_per_file_ignores(
    report: Report, table: dict[str, list[str]], inputs: Sequence[SourceInput]
) -> Report:
    """Drop findings of the rules `table` ignores in the files its patterns match (ruff's
    ``per-file-ignores``): a gitignore-style pattern matches the path as reported or the
    path relative to the directory of the file's nearest pyproject.toml."""
    if not table or not report.findings:
        return report
    import pathspec

    from assay.config import find_pyproject
    from assay.rules._registry import all_rules, iter_selected

    ignored: list[tuple[pathspec.GitIgnoreSpec, frozenset[str]]] = []
    for pattern, selectors in table.items():
        if not selectors:
            continue  # an empty list ignores nothing (iter_selected would read it as "all")
        ids = frozenset(r.id for r in iter_selected(all_rules(), selectors, ()))
        ignored.append((pathspec.GitIgnoreSpec.from_lines([pattern]), ids))
    names: dict[str, list[str]] = {}
    configs: dict[Path, Path | None] = {}  # one look-up per directory, not per file
    for item in inputs:
        names[item.display_path] = [item.display_path]
        if item.path is None:
            continue
        real = item.path.resolve()
        if real.parent not in configs:
            configs[real.parent] = find_pyproject(real.parent)
        config = configs[real.parent]
        if config is not None and real.is_relative_to(config.parent):
            names[item.display_path].append(real.relative_to(config.parent).as_posix())
    kept = [
        f
        for f in report.findings
        if not any(
            f.rule in ids and any(spec.match_file(name) for name in names.get(f.path, [f.path]))
            for spec, ids in ignored
        )
    ]
    return report.model_copy(update={"findings": kept})


def _config_start(inputs: Sequence[SourceInput]) -> Path:
    for item in inputs:
        if item.path is not None:
            return item.path
    return Path.cwd()
