"""The public Python API. Every function here is what the CLI, the HTTP service and the MCP
server call; they add nothing but argument parsing and rendering."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assay.config import Settings, load_settings
from assay.discover import SourceInput, collect, project_modules
from assay.engine import check_inputs
from assay.errors import InvalidArgument
from assay.model import Report
from assay.rules._registry import validate_selectors

__all__ = ["check"]


def check(
    target: str | Path | Sequence[str | Path],
    *,
    settings: Settings | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    offline: bool | None = None,
    python: str | None = None,
    dynamic: bool | None = None,
    source_name: str = "<source>",
) -> Report:
    """Check Python files, directories or source text and return a report.

    Args:
        target: a path, a list of paths, or Python source text. A string that names an
            existing path is a path; any other string is treated as source code.
        settings: base settings; default: ``[tool.assay]`` from the nearest pyproject.toml.
        select: rules to run (ids, id prefixes, names, families); overrides settings.
        ignore: rules not to run; overrides settings.
        offline: never ask a package index.
        python: target Python version, e.g. ``"3.12"``.
        dynamic: run sandboxed probes on functions with examples or type hints.
        source_name: the path shown in the report when `target` is source text.

    Raises:
        InvalidArgument: a selector matches no rule, or `target` is empty.
        SourceError: a named path does not exist.
        ConfigError: the configuration is invalid.
    """
    inputs = _inputs(target, source_name)
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
    return check_inputs(inputs, effective, project_modules=project_modules(inputs))


def _inputs(target: str | Path | Sequence[str | Path], source_name: str) -> list[SourceInput]:
    if isinstance(target, Path):
        return collect([str(target)])
    if isinstance(target, str):
        if "\n" not in target and target and (target == "-" or Path(target).exists()):
            return collect([target])
        return [SourceInput(source_name, target, None)]
    paths = [str(item) for item in target]
    if not paths:
        raise InvalidArgument("check() needs at least one path or some source text")
    return collect(paths)


def _config_start(inputs: Sequence[SourceInput]) -> Path:
    for item in inputs:
        if item.path is not None:
            return item.path
    return Path.cwd()
