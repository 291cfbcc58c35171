"""The check pipeline: source files → static stage → dynamic stages (in their declared order)
→ trust tiers → one `Report`. Below `api` (which validates what users pass) and above every
stage, so that generation and completion check candidates without going through the public
API."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assay.cache import FileResult, ResultCache, merge_cached
from assay.config import Settings, load_settings
from assay.model import Report
from assay.rules._engine import check_inputs as static_stage
from assay.rules._registry import validate_selectors
from assay.rules._tiers import with_reviews
from assay.source.discover import SourceInput, project_modules

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
        from assay.behaviour.stages.complexity import with_complexity_findings
        from assay.behaviour.stages.constant_output import with_constant_output
        from assay.behaviour.stages.functions import with_dynamic_findings

        # Order matters: constant-output probing defers to the runtime probes' AS606.
        report = with_dynamic_findings(report, effective)
        report = with_complexity_findings(report, effective)
        report = with_constant_output(report, effective)
        if effective.base is not None:
            from assay.behaviour.diff.findings import with_behaviour_diff

            # Against a git revision: each file's changed functions, old and new on the
            # same inputs (AS702), and timed side by side (AS703).
            report = with_behaviour_diff(report, effective)
    return with_reviews(_without_per_file_ignores(report, effective.per_file_ignores, inputs))


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
