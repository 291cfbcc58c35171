"""The rule registry: every rule is declared once, with its documentation beside its code.

A rule is a function decorated with `@rule(...)`. Its docstring is the documentation and
must carry four Markdown sections, in this order::

    ## What it finds
    ## Why it matters for AI-written code
    ## Example            (a ```python block that must make the rule fire)
    ## Use instead        (a ```python block that must stay silent)

The same text feeds `assay explain`, `assay rules`, SARIF `tool.driver.rules` and the tests
that run every example. Rules say which AST node types they want (`nodes=`) and a single
walk dispatches them; `kind="module"` rules see the whole file once; `kind="dynamic"` rules
are produced by sandboxed probes (their check lives in `assay.behaviour`), and are declared here
so ids, docs and SARIF metadata stay in one place.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from assay.errors import InvalidArgument
from assay.model import Family, Finding, Severity

if TYPE_CHECKING:
    from assay.rules._context import Context

__all__ = [
    "REPOSITORY_URL",
    "REQUIRED_SECTIONS",
    "Rule",
    "RuleDocs",
    "all_rules",
    "declare",
    "finding_for",
    "get_rule",
    "rule",
]

RuleKind: TypeAlias = Literal["ast", "module", "dynamic"]
NodeCheck: TypeAlias = Callable[[ast.AST, "Context"], Iterable[Finding]]
ModuleCheck: TypeAlias = Callable[["Context"], Iterable[Finding]]

REQUIRED_SECTIONS = (
    "What it finds",
    "Why it matters for AI-written code",
    "Example",
    "Use instead",
)
_ID_PATTERN = re.compile(r"^AS[1-7]\d\d$")
_FAMILY_BLOCK = {
    Family.HALLUCINATION: "1",
    Family.DEPRECATED: "2",
    Family.SECURITY: "3",
    Family.SILENT_FAILURE: "4",
    Family.PERFORMANCE: "5",
    Family.RUNTIME: "6",
    Family.DISAGREEMENT: "7",
}
_SECTION = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)
_CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


@dataclass(frozen=True, kw_only=True)
class RuleDocs:
    """A rule's documentation, parsed from its docstring."""

    summary: str
    sections: dict[str, str]

    @property
    def example(self) -> str:
        """The code of the *Example* section (must make the rule fire)."""
        return _first_code_block(self.sections.get("Example", ""))

    @property
    def use_instead(self) -> str:
        """The code of the *Use instead* section (must not make the rule fire)."""
        return _first_code_block(self.sections.get("Use instead", ""))

    def markdown(self) -> str:
        """The full documentation as Markdown."""
        parts = [self.summary, ""]
        for title, body in self.sections.items():
            parts += [f"## {title}", body.strip(), ""]
        return "\n".join(parts).strip() + "\n"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule: identity, default severity, documentation and its check."""

    id: str
    name: str
    family: Family
    severity: Severity
    docs: RuleDocs
    kind: RuleKind
    nodes: tuple[type[ast.AST], ...] = ()
    check: Callable[..., Iterable[Finding]] | None = field(default=None, compare=False)
    cwe: int | None = None
    confidence: str = "high"
    module: str = ""
    #: A module rule that judges the other rules' findings on the file (`Context.reported`):
    #: the engine runs it after all the others.
    sees_findings: bool = False

    @property
    def help_uri(self) -> str:
        """The rule's section of docs/rules.md (generated from this registry) in the
        repository: what SARIF's `helpUri` links to."""
        return f"{REPOSITORY_URL}/blob/main/docs/rules.md#{self.id.lower()}"


#: The project's repository, as `[project.urls] Repository` in pyproject.toml states it (a
#: test keeps the two equal; the installed metadata is not read, since an editable install
#: keeps the URLs of the day it was installed).
REPOSITORY_URL = "https://github.com/assay-dev/assay"

_RULES: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    name: str,
    family: Family,
    severity: Severity,
    nodes: tuple[type[ast.AST], ...] = (),
    kind: RuleKind | None = None,
    cwe: int | None = None,
    confidence: str = "high",
    sees_findings: bool = False,
) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Declare a rule. The decorated function's docstring is its documentation.

    Args:
        id: permanent code, ``AS`` + family digit + two digits (e.g. ``AS101``).
        name: kebab-case name of the *bad pattern* (reads as "allow <name>").
        family: the failure mode.
        severity: default severity; users may override it in ``[tool.assay]``.
        nodes: AST node types the check wants (for ``kind="ast"``).
        kind: ``"ast"`` (default when `nodes` is given), ``"module"`` or ``"dynamic"``.
        cwe: CWE id, for security rules.
        confidence: ``"high"``, ``"medium"`` or ``"low"``.
        sees_findings: a module rule run after every other rule of the file, with their
            findings (before suppression comments apply) in ``ctx.reported``.
    """
    resolved_kind: RuleKind = kind or ("ast" if nodes else "module")

    def register(func: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        _validate_declaration(id, name, family, resolved_kind, nodes)
        docs = parse_docs(func.__doc__ or "", rule_id=id)
        if id in _RULES and _RULES[id].module != func.__module__:
            raise InvalidArgument(
                f"rule id {id!r} is declared twice: in {_RULES[id].module} and "
                f"{func.__module__}; rule ids are permanent, pick an unused one"
            )
        _RULES[id] = Rule(
            id=id,
            name=name,
            family=family,
            severity=severity,
            docs=docs,
            kind=resolved_kind,
            nodes=nodes,
            check=None if resolved_kind == "dynamic" else func,
            cwe=cwe,
            confidence=confidence,
            module=func.__module__,
            sees_findings=sees_findings,
        )
        return func

    return register


def declare(
    *,
    id: str,
    name: str,
    family: Family,
    severity: Severity,
    docs: str,
    module: str,
    cwe: int | None = None,
    confidence: str = "high",
) -> Rule:
    """Declare a dynamic rule: its findings come from running code (`assay.behaviour`), so
    it has documentation and metadata here but no body. `docs` has the same sections as a
    rule function's docstring; `module` is the declaring module (``__name__``).
    """
    _validate_declaration(id, name, family, "dynamic", ())
    if id in _RULES and _RULES[id].module != module:
        raise InvalidArgument(
            f"rule id {id!r} is declared twice: in {_RULES[id].module} and {module}; "
            "rule ids are permanent, pick an unused one"
        )
    declared = Rule(
        id=id,
        name=name,
        family=family,
        severity=severity,
        docs=parse_docs(docs, rule_id=id),
        kind="dynamic",
        cwe=cwe,
        confidence=confidence,
        module=module,
    )
    _RULES[id] = declared
    return declared


def finding_for(
    rule_id: str,
    *,
    path: str,
    line: int,
    message: str,
    evidence: dict[str, Any],
    col: int = 0,
    severity: Severity | None = None,
    fix: str | None = None,
    confidence: str | None = None,
    candidate: str | None = None,
    function: str | None = None,
) -> Finding:
    """A finding of the declared rule `rule_id`, its family, default severity and confidence
    taken from the declaration. A finding that is more (or less) severe than the rule's
    default passes `severity` explicitly, so every departure is visible at its call site.

    Raises:
        InvalidArgument: `rule_id` is not declared.
    """
    meta = get_rule(rule_id)
    return Finding(
        rule=meta.id,
        family=meta.family,
        severity=meta.severity if severity is None else severity,
        path=path,
        line=line,
        col=col,
        message=message,
        evidence=evidence,
        fix=fix,
        confidence=meta.confidence if confidence is None else confidence,
        candidate=candidate,
        function=function,
    )


def _validate_declaration(
    rule_id: str,
    name: str,
    family: Family,
    kind: RuleKind,
    nodes: tuple[type[ast.AST], ...],
) -> None:
    if not _ID_PATTERN.match(rule_id):
        raise InvalidArgument(f"rule id {rule_id!r} must look like 'AS101' (AS + three digits)")
    if rule_id[2] != _FAMILY_BLOCK[family]:
        raise InvalidArgument(
            f"rule id {rule_id!r} is in the wrong block for family {family.value!r}: "
            f"use AS{_FAMILY_BLOCK[family]}xx"
        )
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name):
        raise InvalidArgument(f"rule name {name!r} must be kebab-case")
    if kind == "ast" and not nodes:
        raise InvalidArgument(f"rule {rule_id}: kind='ast' needs nodes=(...)")


def parse_docs(docstring: str, *, rule_id: str) -> RuleDocs:
    """Split a rule docstring into its summary line and its ``## `` sections."""
    text = _dedent(docstring)
    matches = list(_SECTION.finditer(text))
    summary = (text[: matches[0].start()] if matches else text).strip()
    sections: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        sections[match.group(1)] = text[match.end() : end].strip("\n")
    missing = [s for s in REQUIRED_SECTIONS if s not in sections]
    if missing or not summary:
        raise InvalidArgument(
            f"rule {rule_id} documentation is incomplete: missing "
            f"{', '.join(missing) or 'the summary line'}; every rule needs a summary and "
            f"the sections {', '.join(REQUIRED_SECTIONS)}"
        )
    return RuleDocs(summary=summary, sections=sections)


def _dedent(docstring: str) -> str:
    import inspect

    return inspect.cleandoc(docstring)


def _first_code_block(section: str) -> str:
    match = _CODE_BLOCK.search(section)
    return match.group(1) if match else ""


def all_rules() -> list[Rule]:
    """Every registered rule, ordered by id. Importing `assay.rules` registers them."""
    from assay.rules import load_rules

    load_rules()
    return sorted(_RULES.values(), key=lambda r: r.id)


def get_rule(key: str) -> Rule:
    """Look a rule up by id (``AS101``) or name (``unknown-package``)."""
    for candidate in all_rules():
        if key.upper() == candidate.id or key.lower() == candidate.name:
            return candidate
    known = ", ".join(r.id for r in all_rules())
    raise InvalidArgument(f"no rule {key!r}; `assay rules` lists them ({known})")


def iter_selected(
    rules: Iterable[Rule], select: Iterable[str], ignore: Iterable[str]
) -> Iterator[Rule]:
    """Rules matching `select` (all when empty) and not matching `ignore`.

    A selector is a rule id, an id prefix (``AS1``), a rule name or a family name.
    """
    selectors = [s.strip() for s in select if s.strip()]
    ignorers = [s.strip() for s in ignore if s.strip()]
    for candidate in rules:
        if selectors and not any(_matches(candidate, s) for s in selectors):
            continue
        if any(_matches(candidate, s) for s in ignorers):
            continue
        yield candidate


def _matches(candidate: Rule, selector: str) -> bool:
    lowered = selector.lower()
    return (
        candidate.id.startswith(selector.upper())
        or candidate.name == lowered
        or candidate.family.value == lowered
        or lowered == "all"
    )


def validate_selectors(selectors: Iterable[str], *, option: str) -> None:
    """Raise InvalidArgument if a selector matches no rule (a typo would silently do nothing)."""
    wanted = [selector.strip() for selector in selectors if selector.strip()]
    # Loading the rules imports every rule module: a run without selectors (a warm re-run
    # answered from the result cache, say) must not pay for that.
    rules = all_rules() if wanted else []
    for selector in wanted:
        if not any(_matches(r, selector) for r in rules):
            raise InvalidArgument(
                f"{option} {selector!r} matches no rule; use a rule id (AS101), an id prefix "
                f"(AS1), a rule name, or a family ({', '.join(f.value for f in Family)})"
            )
