"""The public Python API. Every function here is what the CLI, the HTTP service and the MCP
server call; they add nothing but argument parsing and rendering."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assay.config import Settings, load_settings
from assay.errors import InvalidArgument
from assay.model import Candidate, Report, Task, TrustTier
from assay.pipeline import check_inputs
from assay.source.discover import (
    SourceInput,
    collect,
    collect_under_root,
    read_text_file,
)

if TYPE_CHECKING:
    # Generation (models, prompts) is imported when `generate` is called: a check does not
    # pay for it at start-up.
    from assay.behaviour.diff import BehaviourDiff
    from assay.gen.edit import EditResult
    from assay.gen.loop import GenerationResult
    from assay.llm.base import Backend

__all__ = ["check", "check_source", "check_under_root", "compare", "diff", "edit", "generate"]


def check(
    target: str | Path | Sequence[str | Path],
    *,
    settings: Settings | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    offline: bool | None = None,
    python: str | None = None,
    dynamic: bool | None = None,
    jobs: int = 1,
    cache_dir: Path | None = None,
) -> Report:
    """Check Python files and directories and return a report.

    Args:
        target: a path or a list of paths (files, directories, or ``"-"`` for stdin). To
            check source text, call `check_source`: a string here is always a path, so a
            mistyped one is an error, never a clean report.
        settings: base settings; default: ``[tool.assay]`` from the nearest pyproject.toml.
        select: rules to run (ids, id prefixes, names, families); overrides settings.
        ignore: rules not to run; overrides settings.
        offline: never ask a package index.
        python: target Python version, e.g. ``"3.12"``.
        dynamic: run sandboxed probes on functions with examples or type hints.
        jobs: processes for the static stage (the results do not depend on it).
        cache_dir: reuse and keep per-file results there (`assay.cache`): unchanged files
            under unchanged settings are not checked again. Default: no cache.

    Raises:
        InvalidArgument: a selector matches no rule, or `target` is empty.
        SourceError: a named path does not exist.
        ConfigError: the configuration is invalid.
    """
    if isinstance(target, (str, Path)):
        paths = [str(target)]
    else:
        paths = [str(item) for item in target]
    if not paths or any(not item for item in paths):
        raise InvalidArgument(
            "check() needs at least one path; to check source text, call check_source(text)"
        )
    for item in paths:
        if "\n" in item:
            raise InvalidArgument(
                "check() takes paths, and this looks like source text; call check_source(text)"
            )
    # Settings first: the walk needs the size cap and the symlink policy.
    first = next((Path(item) for item in paths if item != "-"), Path.cwd())
    effective = settings if settings is not None else load_settings(first)
    return check_inputs(
        collect(
            paths,
            max_file_bytes=effective.max_file_bytes,
            follow_symlinks=effective.follow_symlinks,
        ),
        settings=effective,
        select=select,
        ignore=ignore,
        offline=offline,
        python=python,
        dynamic=dynamic,
        jobs=jobs,
        cache_dir=cache_dir,
    )


def check_source(
    source: str,
    *,
    name: str = "<source>",
    settings: Settings | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    offline: bool | None = None,
    python: str | None = None,
    dynamic: bool | None = None,
) -> Report:
    """Check Python source text, as one file, and return a report.

    The text is never read as a path, whatever it says: this is what services call with
    text a client sent.

    Args:
        source: the Python source code.
        name: the path shown in the report (never opened).
        settings: base settings; default: ``[tool.assay]`` from the nearest pyproject.toml
            above the working directory.
        select: rules to run (ids, id prefixes, names, families); overrides settings.
        ignore: rules not to run; overrides settings.
        offline: never ask a package index.
        python: target Python version, e.g. ``"3.12"``.
        dynamic: run sandboxed probes on functions with examples or type hints.

    Raises:
        InvalidArgument: a selector matches no rule.
        ConfigError: the configuration is invalid.
    """
    return check_inputs(
        [SourceInput(name, source, None)],
        settings=settings,
        select=select,
        ignore=ignore,
        offline=offline,
        python=python,
        dynamic=dynamic,
    )


def check_under_root(
    root: Path,
    paths: Sequence[str],
    *,
    settings: Settings | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    offline: bool | None = None,
    python: str | None = None,
    dynamic: bool | None = None,
) -> Report:
    """Check files named relative to `root`, never reading outside it: what a service
    started with ``--root DIR`` offers its clients.

    Args:
        root: the only folder whose files may be read.
        paths: paths relative to `root` (files or directories; no ``..``, not absolute).
        settings: base settings; default: ``[tool.assay]`` from the nearest pyproject.toml
            above `root`.
        select: rules to run; overrides settings.
        ignore: rules not to run; overrides settings.
        offline: never ask a package index.
        python: target Python version, e.g. ``"3.12"``.
        dynamic: run sandboxed probes.

    Raises:
        InvalidArgument: `paths` is empty, or a selector matches no rule.
        SourceError: a path is absolute, climbs out of `root`, or does not exist.
    """
    if not paths:
        raise InvalidArgument("check_under_root() needs at least one path relative to the root")
    effective = settings if settings is not None else load_settings(root)
    return check_inputs(
        collect_under_root(root, list(paths), max_file_bytes=effective.max_file_bytes),
        settings=effective,
        select=select,
        ignore=ignore,
        offline=offline,
        python=python,
        dynamic=dynamic,
    )


def compare(
    task: str | Path | Task,
    candidates: Sequence[str | Path | Candidate],
    *,
    entry_point: str | None = None,
    extra_tests: Sequence[str] = (),
    extra_weight: float = 0.2,
    hide_examples: bool = False,
    budget: int = 40,
    timeout: float = 2.0,
    seed: int = 0,
) -> Report:
    """Run N implementations of one task on the same inputs, cluster them by behaviour,
    select one, and give every candidate a verdict (``accepted``, ``score``) and evidence.

    Args:
        task: a prompt or stub (signature + docstring) as text, a `Path` to read it from,
            or a `Task`. A string is always text, never opened as a file.
        candidates: implementations as source text, `Path` objects or `Candidate` objects.
        entry_point: the function to compare; default: the task's (last) function.
        extra_tests: assert statements not from the task (e.g. model-written); each one a
            candidate passes adds `extra_weight` to its cluster's score (never a finding).
        extra_weight: the weight of one passed extra test (spec examples weigh far more).
        hide_examples: ignore the task's examples (to measure the harder regime).
        budget: generated inputs beyond the examples.
        timeout: seconds per call in the sandbox.
        seed: makes input generation reproducible.

    Returns:
        A `Report` with `verdicts` (one per candidate, in order; exactly one `selected`),
        `clusters` (best first, shape documented in `assay.behaviour.crosscheck`) and AS6xx/AS7xx
        findings whose `candidate` names the implementation.

    Raises:
        InvalidArgument: no candidates, or the entry point cannot be determined.
        SourceError: a named path cannot be read.
    """
    from assay.behaviour.crosscheck import CandidateSource, compare_candidates
    from assay.behaviour.spec import extract_spec, strip_examples

    if not candidates:
        raise InvalidArgument("compare() needs at least one candidate")
    if isinstance(task, Task):
        text, entry, tests = task.prompt, entry_point or task.entry_point, list(task.tests)
        tests += [
            f"assert {e['input']} == {e['output']}"
            for e in task.examples
            if "input" in e and "output" in e
        ]
    else:
        text, entry, tests = _read_text(task), entry_point, []
    spec = extract_spec(text, entry, tests=tests)
    if hide_examples:
        spec = extract_spec(strip_examples(text, spec.entry_point), spec.entry_point)
    sources: list[CandidateSource] = []
    for index, item in enumerate(candidates):
        if isinstance(item, Candidate):
            sources.append(
                CandidateSource(
                    item.name if item.name != "candidate" else f"candidate-{index}", item.code
                )
            )
        elif isinstance(item, Path):
            sources.append(CandidateSource(str(item), read_text_file(item)))
        else:
            sources.append(CandidateSource(f"candidate-{index}", item))
    report = compare_candidates(
        spec,
        sources,
        extra_tests=extra_tests,
        extra_weight=extra_weight,
        budget=budget,
        seed=seed,
        timeout_s=timeout,
    )
    from assay.behaviour.stages.complexity import with_candidate_growth

    return with_candidate_growth(
        report, spec.entry_point, [(s.name, s.source) for s in sources], text
    )


def diff(
    old: str | Path,
    new: str | Path,
    *,
    entry_points: Sequence[str] = (),
    allow_change: Sequence[str] = (),
    seed: int = 0,
    budget: int = 48,
    symbolic: bool = True,
    performance: bool = True,
    timeout: float = 2.0,
    callers: Sequence[str] = (),
    messages: Sequence[str] = (),
) -> BehaviourDiff:
    """The behaviour diff of two versions of a module: each changed function run old and
    new on the same inputs in the sandbox, equivalent on N inputs or counterexamples.

    Args:
        old: the old version: source text, or a `Path` to read it from.
        new: the new version: source text, or a `Path`.
        entry_points: compare only these functions (old or new name); default: every
            function whose code or dependencies changed.
        allow_change: functions whose change is intended (reported as declared).
        seed: makes the inputs reproducible (both versions get the same ones).
        budget: inputs per pair.
        symbolic: ask the symbolic engine, when installed, where random inputs agree.
        performance: also time both versions at growing sizes (AS703).
        timeout: seconds per call in the sandbox.
        callers: test files' texts, searched for calls of the old function.
        messages: commit messages since the old version; a line "Behaviour change: ..."
            naming a function declares its change.

    Raises:
        InvalidArgument: `budget` or `timeout` is not positive, or an entry point names no
            function of either version.
        SourceError: a `Path` cannot be read.
    """
    from assay.behaviour.diff import diff_sources

    if timeout <= 0:
        raise InvalidArgument(f"timeout must be positive, got {timeout}; pass e.g. timeout=2.0")
    return diff_sources(
        _read_text(old),
        _read_text(new),
        entry_points=entry_points,
        allow_change=allow_change,
        seed=seed,
        budget=budget,
        symbolic=symbolic,
        performance=performance,
        timeout_s=timeout,
        callers=callers,
        messages=messages,
    )


def _read_text(item: str | Path) -> str:
    return read_text_file(item) if isinstance(item, Path) else item


def generate(
    task: str | Path | Task,
    *,
    backends: Sequence[str | Backend] = ("local",),
    model: str | None = None,
    n: int = 5,
    repair: int = 1,
    criteria: Sequence[str] | None = None,
    entry_point: str | None = None,
    tier: TrustTier | None = None,
    progress: Callable[[str, str], None] | None = None,
) -> GenerationResult:
    """Generate code for a task with a model, verify every candidate, repair with the
    evidence, and return the selected candidate with its evidence.

    Args:
        task: a request ("write a function that ..."), a stub (signature + docstring), a
            `Path` to a task file (``.py`` stub, ``.json`` `Task`, or text), or a `Task`. A
            string is always the request itself, never opened as a file.
        backends: backend specs (``"local"``, ``"openai:URL"``, ``"anthropic"``,
            ``"replay:FILE"``) or `assay.llm.Backend` objects; candidates from several
            backends are cross-validated together.
        model: the model for spec backends (an embedded name, a ``.gguf`` path, a model id).
        n: candidates drafted per backend.
        repair: repair rounds when no candidate is verified.
        criteria: extra acceptance criteria (e.g. past failures from the ledger); they are
            added to the task's own and to the defaults of its trust tier.
        entry_point: the function to write; default: the stub's last function or the name
            the request gives.
        tier: the trust tier whose default criteria apply; default: guessed from the request.
        progress: called with (stage, message) as the loop advances.

    Returns:
        A `GenerationResult`: ``code`` and ``selected``, ``verified``, every candidate with
        its verdict and static findings, the evidence, the criteria used, token accounting.

    Raises:
        InvalidArgument: the task is empty or names no function; a backend spec is unknown.
        BackendError: a backend is unreachable, lacks its key, or its model fails to load.
        ModelIntegrityError: the embedded model does not match its pinned sha256.
    """
    from assay.gen.draft import DraftPlan
    from assay.gen.loop import generate_verified, generation_criteria, load_task
    from assay.llm import make_backend

    if isinstance(task, Task):
        base = task.model_copy(update={"entry_point": entry_point or task.entry_point})
    else:
        base = load_task(task, entry_point=entry_point)
    base = base.model_copy(update={"criteria": [*base.criteria, *(criteria or [])]})
    opened: list[Backend] = []
    try:
        for item in backends:
            opened.append(make_backend(item, model=model) if isinstance(item, str) else item)
        return generate_verified(
            base,
            opened,
            plan=DraftPlan(n=n),
            repair_rounds=repair,
            criteria=generation_criteria(base, tier),
            progress=progress,
        )
    finally:
        for backend, item in zip(opened, backends, strict=False):
            if isinstance(item, str):
                backend.close()


def edit(
    target: str | Path,
    function: str,
    instruction: str,
    *,
    backends: Sequence[str | Backend] = ("local",),
    model: str | None = None,
    path: str | None = None,
    allow_change: bool = False,
    n: int = 5,
    repair: int = 1,
    budget: int = 48,
    seed: int = 0,
    timeout: float = 2.0,
    symbolic: bool = True,
    performance: bool = True,
    progress: Callable[[str, str], None] | None = None,
) -> EditResult:
    """Have a model rewrite one function of an existing file, and accept only a rewrite
    whose behaviour diff against the original is empty (or, when the change is declared,
    show the differences); repair with the counterexample otherwise.

    Args:
        target: the file: a `Path` to read (its repository's tests then supply inputs), or
            its source text (a string is always text, never opened as a file).
        function: the function to rewrite: ``name`` or ``Class.method``.
        instruction: what to do, e.g. "make it faster" or "use pathlib".
        backends: backend specs (``"local"``, ``"openai:URL"``, ``"anthropic"``,
            ``"replay:FILE"``) or `assay.llm.Backend` objects.
        model: the model for spec backends.
        path: the file name shown in prompts and the diff; default: `target`'s path, or
            ``"<file>"`` for text.
        allow_change: the behaviour may change: differences are shown, not rejected (an
            instruction that asks for a fix declares this too).
        n: rewrites drafted at most; drafting stops at the first accepted one.
        repair: repair rounds (with the counterexample) when none is accepted.
        budget: inputs per behaviour diff.
        seed: makes the inputs reproducible.
        timeout: seconds per call in the sandbox.
        symbolic: ask the symbolic engine where random inputs find no difference.
        performance: also time both versions at growing sizes.
        progress: called with (stage, message) as the loop advances.

    Returns:
        An `EditResult`: the new file (``source``) and its unified ``diff``, the
        ``verdict`` (verified, plausible or rejected), every candidate with its evidence.

    Raises:
        InvalidArgument: the file does not parse, `function` names none of its functions,
            the instruction is empty, a backend spec is unknown, or `timeout` is not positive.
        SourceError: a `Path` cannot be read.
        BackendError: a backend is unreachable or fails.
    """
    from assay.gen.edit import edit_function
    from assay.llm import make_backend

    if timeout <= 0:
        raise InvalidArgument(f"timeout must be positive, got {timeout}; pass e.g. timeout=2.0")
    callers: tuple[str, ...] = ()
    if isinstance(target, Path):
        from assay.behaviour.diff.findings import repository_tests

        callers = repository_tests(target)
    shown = path or (str(target) if isinstance(target, Path) else "<file>")
    opened: list[Backend] = []
    try:
        for item in backends:
            opened.append(make_backend(item, model=model) if isinstance(item, str) else item)
        return edit_function(
            _read_text(target),
            function,
            instruction,
            opened,
            path=shown,
            allow_change=allow_change,
            n=n,
            repair_rounds=repair,
            budget=budget,
            seed=seed,
            timeout=timeout,
            symbolic=symbolic,
            performance=performance,
            callers=callers,
            progress=progress,
        )
    finally:
        for backend, item in zip(opened, backends, strict=False):
            if isinstance(item, str):
                backend.close()
