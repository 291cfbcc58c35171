"""Verified edits: a model rewrites one function of an existing file, and assay accepts the
rewrite only when it does what the original did.

The loop (`edit_function`)::

    file + FUNCTION + instruction
      -> draft: one rewrite at a time (the first greedy, the next sampled), each spliced
         into the file in place of the original function (new imports and helpers it
         brings go above it)                                          (``edit-v1``)
      -> check: the new file's static findings against the original's (a finding the
         original did not have, at warning or above, rejects), then the behaviour diff of
         the original and the rewrite (`assay.behaviour.diff.diff_sources`): the same
         inputs in the sandbox, random and symbolic engines, growth at sizes
      -> accept the first rewrite that is equivalent (or, when the change was declared,
         whose differences are shown for the user to judge); otherwise repair: the
         counterexample (input, the original's result, the rewrite's) and the new findings
         go into the prompt                                            (``edit-repair-v1``)
      -> the selected rewrite as a unified diff of the file, its verdict, every candidate
         with its evidence

A change is *declared* by the caller (``allow_change``, ``--allow-change``) or by the
instruction itself (`declared_intent`: "fix the off-by-one", "make it return None instead
of raising", "also accept tuples", "Behaviour change: ..."; not "fix the type hints", nor a
clause that says the behaviour stays); a model's own
"Behaviour change:" docstring line declares nothing. The verdict (`judge_edit`, a pure
function of `EditEvidence` and an `EditPolicy`) is ``verified`` only for an undeclared
rewrite found equivalent on enough inputs the original answered, ``plausible`` when the
comparison was thin or the change was declared (the user decides), ``rejected`` otherwise.
Candidate code never runs outside `assay.sandbox`.
"""

from __future__ import annotations

import ast
import re
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assay.errors import InvalidArgument
from assay.gen.prompts import CODE_STOPS, SYSTEM, Evidence, extract_code
from assay.gen.verdict import VerdictLevel
from assay.llm.base import Backend, Params, Request, Usage, chat_request
from assay.model import Finding, Severity
from assay.sandbox import Sandbox
from assay.source.fix import file_diff
from assay.source.parsed import parse_module
from assay.syntax import dotted_name

__all__ = [
    "DEFAULT_EDIT_POLICY",
    "EDIT_TEMPLATE",
    "REPAIR_TEMPLATE",
    "EditCandidate",
    "EditEvidence",
    "EditPolicy",
    "EditResult",
    "EditVerdict",
    "declared_intent",
    "dropped_calls",
    "edit_function",
    "edit_repair_request",
    "edit_request",
    "judge_edit",
    "returned_count",
    "splice_function",
]

#: Template ids (versioned like those of `assay.gen.prompts`: new text, new id).
EDIT_TEMPLATE = "edit-v1"
REPAIR_TEMPLATE = "edit-repair-v1"
#: Counterexamples and findings shown in one repair prompt (more dilutes a small model's focus).
MAX_REPAIR_EVIDENCE = 4

#: Called with a stage name and a one-line message (for progress displays).
ProgressFn = Callable[[str, str], None]

# How an instruction asks for a different behaviour rather than a rewrite of the same one.
# An instruction read as declaring a change makes a changed rewrite "plausible" (shown for
# the user to judge) instead of rejected and repaired, so only phrases that ask for new
# behaviour count, and a clause that says the behaviour stays ("still", "the same",
# "without changing ...") counts for nothing.

#: Verbs that say what the function does, with their -ing forms ("stop printing").
_DOES = {
    "return": "returning",
    "raise": "raising",
    "throw": "throwing",
    "accept": "accepting",
    "reject": "rejecting",
    "allow": "allowing",
    "support": "supporting",
    "ignore": "ignoring",
    "skip": "skipping",
    "include": "including",
    "exclude": "excluding",
    "sort": "sorting",
    "round": "rounding",
    "default": "defaulting",
    "print": "printing",
    "output": "outputting",
    "treat": "treating",
    "strip": "stripping",
}
_VERB = "(?:" + "|".join(_DOES) + ")"
_VERB_ANY = "(?:" + "|".join([*_DOES, *(f"{v}s" for v in _DOES), *_DOES.values()]) + ")"
# What follows a verb in a request about the code's form, not its behaviour: "fix the type
# hints", "include a docstring", "sort the imports", "return early".
_FORM = (
    r"(?!\s+(?:the\s+|its\s+|all\s+|any\s+|some\s+|a\s+|an\s+|these\s+|those\s+)?"
    r"(?:type\s+hints?|type\s+annotations?|annotations?|typing|types?|docstrings?|comments?"
    r"|format(?:ting)?|style|lint\w*|flake8|mypy|ruff|pylint|naming|names|variable\s+names"
    r"|imports?|typos?|spelling|indentation|whitespace|pep\s*8|readability|tests?|early)\b)"
)
_ADVERB = r"(?:(?:also|now|instead|always|only|just|then)\s+)?"
_DOING = "|".join(_DOES.values())
#: "Behaviour change: ..." on a line of its own: declared in so many words.
_EXPLICIT = re.compile(r"^\s*behaviou?r\s+change\s*:", re.IGNORECASE | re.MULTILINE)
#: A repair: a fix (of more than the code's form), a bug, a crash, a wrong result.
_REPAIR = (
    rf"\bfix(?:es|ed|ing)?\b{_FORM}|\bbugs?\b|\bbuggy\b|\boff[- ]by[- ]one\b"
    r"|\bcrash(?:es|ing)?\b|\bwrong\s+(?:result|answer|output|value)s?\b"
)
#: A contrast with what the function does now ("instead of raising", "rather than None").
_CONTRAST = (
    rf"\b(?:instead\s+of|rather\s+than)\s+(?:{_DOING}"
    r"|an?\s+(?:exception|error)|none|nothing|zero|an?\s+empty|false|true|-?\d)\b"
)
#: A named aspect of the behaviour changed ("change the default", "make it case-insensitive").
_ASPECT = (
    r"\bchange\s+(?:its\s+|the\s+)?(?:behaviou?r|result|output|return\s+value|default"
    r"|(?:sort\s+)?order|separator|delimiter|rounding|precision)"
    r"|\bchange\s+what\s+it\s+(?:returns|raises|prints|outputs|accepts)"
    r"|\b(?:make|be)\s+(?:it\s+)?(?:case[- ]?(?:in)?sensitive|inclusive|exclusive)\b"
)
#: A directive about what the function does: a clause that starts with one of the verbs
#: ("return 0 for ...", "also accept tuples"), the verb asked of it ("make it return",
#: "should raise"), one it must stop ("stop printing"), an edge case to handle, an order.
_DIRECTIVE = (
    rf"^\s*(?:please\s+)?{_ADVERB}{_VERB}\b{_FORM}"
    r"|\b(?:(?:make|have|let|get)\s+(?:it|the\s+function|the\s+method)"
    r"|(?:it|the\s+function|the\s+method)\s+to"
    rf"|should|must|needs?\s+to)\s+{_ADVERB}{_VERB}\b{_FORM}"
    rf"|\b(?:stop|don'?t|do\s+not|no\s+longer|never)\s+{_ADVERB}{_VERB_ANY}\b"
    r"|\bhandl(?:e|ing)\s+(?:an?\s+|the\s+)?(?:empty|none|null|missing|negative|zero"
    r"|invalid|malformed|duplicate|blank|nan|edge|case)\b"
    r"|\b(?:descending|ascending|reverse)\s+order\b"
)
#: In priority order: the first kind found names the declaration.
_ASKS = tuple(
    re.compile(pattern, re.IGNORECASE) for pattern in (_REPAIR, _CONTRAST, _ASPECT, _DIRECTIVE)
)
#: Where one clause ends and the next begins ("make it faster, and keep ... the same").
_CLAUSES = re.compile(r"[.;:!?,\n]|\b(?:and|but|then)\b", re.IGNORECASE)
#: A clause that says the behaviour stays as it is.
_KEEPS = re.compile(
    r"\bstill\s+(?:returns?|gives?|produces?|works?|behaves?|pass(?:es)?|does)\b"
    r"|\bthe\s+same\s+(?:result|output|value|answer|list|behaviou?r|thing)s?\b"
    r"|\b(?:unchanged|as\s+before|preserv\w*)\b"
    r"|\bkeep(?:s|ing)?\s+(?:the\s+|its\s+)?(?:behaviou?r|output|result|semantics)"
    r"|\bwithout\s+(?:changing|altering|breaking|introducing|affecting)"
    r"|\b(?:don'?t|do\s+not|must\s+not|mustn'?t|should\s+not|shouldn'?t|never|not)\s+"
    r"(?:\w+\s+)?(?:change|alter|break|affect)",
    re.IGNORECASE,
)


def declared_intent(instruction: str) -> str | None:
    """The words with which `instruction` asks for a behaviour change, or None for a
    behaviour-preserving request.

    A change is asked for by "Behaviour change: ..." on a line of its own, a repair ("fix
    the off-by-one", "there is a bug", "it crashes on ..."; not "fix the type hints"), a
    contrast with what the function does ("instead of raising", "rather than None"), a named
    aspect changed ("change the default"), or a directive about what it does ("make it
    return None", "also accept tuples", "empty input should return 0", "stop printing",
    "sort in descending order"; not "sort the imports", "return early"). A clause that says
    the behaviour stays ("it should still return the same list", "without changing what it
    returns") declares nothing. "make it faster", "use pathlib instead of os.path" and
    "clean this up" are not changes.
    """
    explicit = _EXPLICIT.search(instruction)
    if explicit is not None:
        return explicit.group(0).strip()
    clauses = [c for c in _CLAUSES.split(instruction) if c.strip() and not _KEEPS.search(c)]
    for pattern in _ASKS:
        for clause in clauses:
            match = pattern.search(clause)
            if match is not None:
                return match.group(0).strip()
    return None


# ------------------------------------------------------------------------------ verdict


@dataclass(frozen=True)
class EditPolicy:
    """Thresholds of a ``verified`` edit."""

    #: Inputs on which the original returned a value (not raised, not timed out) that the
    #: rewrite must match. Fewer means the inputs mostly missed the function's domain
    #: (parameter types guessed wrong, every input rejected), so "equivalent" says little.
    min_returned: int = 10

    def __post_init__(self) -> None:
        if self.min_returned < 0:
            raise InvalidArgument(f"min_returned={self.min_returned!r} must be 0 or more")


DEFAULT_EDIT_POLICY = EditPolicy()


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EditEvidence(_Frozen):
    """What checking one rewrite found (plain values: the verdict is recomputable)."""

    #: Why the rewrite could not be checked at all (it does not parse, defines no function
    #: of that name, the spliced file does not parse), else None.
    problem: str | None = None
    #: The rewrite's function is the original's, character for character.
    unchanged: bool = False
    #: Only docstrings or comments differ: behaviour identical by construction.
    same_code: bool = False
    #: Why the behaviour diff could not compare the two (no inputs, a generator, ...).
    unverified: str | None = None
    inputs_tried: int = 0
    #: Inputs on which the original returned a value.
    returned: int = 0
    engines: list[str] = Field(default_factory=list)
    coverage: str = ""
    #: Counterexamples: ``{"input", "old", "new", "kind", "engine", ...}``.
    counterexamples: list[dict[str, Any]] = Field(default_factory=list)
    #: The growth comparison (`GrowthChange.to_json`), when the function could be sized.
    performance: dict[str, Any] | None = None
    #: Messages of static findings the original did not have, at warning or above.
    new_findings: list[str] = Field(default_factory=list)
    #: Library functions the original calls and the rewrite no longer does (`dropped_calls`).
    dropped_calls: list[str] = Field(default_factory=list)
    #: What declared the behaviour change ("--allow-change", "instruction: 'fix'"), if anything.
    declared_by: str | None = None

    @property
    def regressed(self) -> bool:
        """The rewrite's time grows clearly faster than the original's."""
        return bool(self.performance and self.performance.get("regressed"))


class EditVerdict(_Frozen):
    """The verdict on one rewrite: why, and (for ``plausible``) what is missing and what to add."""

    level: VerdictLevel
    reasons: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)

    @property
    def verified(self) -> bool:
        """True only for ``verified``."""
        return self.level is VerdictLevel.VERIFIED

    @property
    def accepted(self) -> bool:
        """Not rejected: verified, or plausible (shown to the user with what is missing)."""
        return self.level is not VerdictLevel.REJECTED


def judge_edit(evidence: EditEvidence, policy: EditPolicy = DEFAULT_EDIT_POLICY) -> EditVerdict:
    """The verdict `policy` gives one rewrite's `evidence` (pure: no model, no sandbox)."""
    against = _against(evidence)
    if against:
        return EditVerdict(level=VerdictLevel.REJECTED, reasons=against)
    if evidence.same_code:
        return EditVerdict(
            level=VerdictLevel.VERIFIED,
            reasons=["only docstrings or comments changed: the code is the original's"],
        )
    reasons = [_compared(evidence)] if evidence.unverified is None else []
    missing: list[str] = []
    advice: list[str] = []
    if evidence.unverified is not None:
        missing.append(f"the behaviour could not be compared: {evidence.unverified}")
        advice.append(
            "annotate the function's parameters, or add a test in the repository that calls "
            "it, so assay can run both versions on the same inputs"
        )
    elif evidence.declared_by is not None:
        if evidence.counterexamples:
            reasons.append(f"the change was declared ({evidence.declared_by})")
            missing.append(
                f"the behaviour changed on {len(evidence.counterexamples)} kind(s) of input "
                "as declared; assay cannot tell an intended change from a mistake"
            )
            advice.append(
                "review each difference below; add a test stating the new behaviour you want"
            )
        else:
            missing.append(
                f"a behaviour change was declared ({evidence.declared_by}) but none of the "
                f"{evidence.inputs_tried} inputs showed one"
            )
            advice.append("add a test with an input where the new behaviour must differ")
    elif evidence.returned < policy.min_returned:
        missing.append(
            f"the original returned a value on {evidence.returned} of the "
            f"{evidence.inputs_tried} inputs (verified needs {policy.min_returned})"
        )
        advice.append(
            "annotate the parameters' types, or add a test that calls the function with "
            "typical arguments, so more inputs reach its code"
        )
    if evidence.dropped_calls and evidence.unverified is None and evidence.declared_by is None:
        names = ", ".join(evidence.dropped_calls)
        missing.append(
            f"the rewrite no longer calls {names}; no input showed a difference, but the "
            "inputs may not have reached what it handles"
        )
        advice.append(
            f"add a test in the repository that calls the function with an input where "
            f"{names} matters, or confirm the call was redundant"
        )
    level = VerdictLevel.PLAUSIBLE if missing else VerdictLevel.VERIFIED
    return EditVerdict(level=level, reasons=reasons, missing=missing, advice=advice)


def _against(evidence: EditEvidence) -> list[str]:
    """Evidence that the rewrite must not replace the original."""
    if evidence.problem is not None:
        return [evidence.problem]
    if evidence.unchanged:
        return ["the rewrite is the original function unchanged: the instruction was not followed"]
    reasons = [f"it adds a finding the original did not have: {m}" for m in evidence.new_findings]
    if evidence.declared_by is None:
        reasons += [
            f"behaviour changed: {c['input']}: the original gives {c['old']}, "
            f"the rewrite {c['new']}"
            for c in evidence.counterexamples
        ]
        if evidence.regressed and evidence.performance is not None:
            reasons.append(
                f"slower: the rewrite's time grows {evidence.performance.get('new_class')} "
                f"where the original's grows {evidence.performance.get('old_class')}"
            )
    return reasons


def _compared(evidence: EditEvidence) -> str:
    engines = ", ".join(evidence.engines) or "random"
    verb = "differs from" if evidence.counterexamples else "is equivalent to"
    return (
        f"{verb} the original on {evidence.inputs_tried} inputs "
        f"({evidence.returned} returned a value; engines: {engines})"
    )


# ------------------------------------------------------------------------------ result


class EditCandidate(_Frozen):
    """One rewrite, the file it makes, what checking it found, and its verdict."""

    name: str
    round: int = 0
    prompt_variant: str = EDIT_TEMPLATE
    backend: str = ""
    model: str = ""
    #: The code the model answered (cleaned), as it was spliced in.
    code: str
    #: The whole new file, or None when the answer could not be spliced in.
    source: str | None = None
    evidence: EditEvidence
    verdict: EditVerdict


class EditResult(_Frozen):
    """What `edit_function` found: the selected rewrite (None when no candidate was
    drafted), the file it makes and its unified diff, the verdict, every candidate."""

    path: str
    function: str
    instruction: str
    declared_by: str | None = None
    original: str
    source: str | None = None
    diff: str = ""
    selected: str | None = None
    verdict: EditVerdict
    candidates: list[EditCandidate] = Field(default_factory=list)
    rounds: int = 0
    usage: dict[str, int] = Field(default_factory=dict)
    model_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def verified(self) -> bool:
        """The selected rewrite is verified."""
        return self.verdict.verified

    @property
    def accepted(self) -> bool:
        """A rewrite was selected and not rejected (what ``--write`` applies)."""
        return self.source is not None and self.verdict.accepted

    @property
    def selected_candidate(self) -> EditCandidate | None:
        """The selected candidate."""
        return next((c for c in self.candidates if c.name == self.selected), None)


# ------------------------------------------------------------------------------ locating


@dataclass(frozen=True)
class _Target:
    """The function to rewrite: its node, its enclosing class, its text and where it sits."""

    qualname: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    owner: ast.ClassDef | None
    #: 1-based first line (its first decorator) and last line.
    start: int
    end: int
    indent: str
    text: str

    @property
    def name(self) -> str:
        """The function's own name."""
        return self.node.name

    @property
    def statement_start(self) -> int:
        """The first line of the top-level statement holding the function (the class of a
        method): new helpers go above it."""
        if self.owner is None:
            return self.start
        return min([self.owner.lineno, *(d.lineno for d in self.owner.decorator_list)])


def _locate(source: str, tree: ast.Module, qualname: str) -> _Target:
    """The function `qualname` names: a top-level function or ``Class.method`` of a
    top-level class.

    Raises:
        InvalidArgument: no such function; the message lists the ones there are.
    """
    owner_name, _, name = qualname.rpartition(".")
    known: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            known.append(node.name)
            if not owner_name and node.name == name:
                return _target(source, qualname, node, None)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    known.append(f"{node.name}.{item.name}")
                    if owner_name == node.name and item.name == name:
                        return _target(source, qualname, item, node)
    raise InvalidArgument(
        f"{qualname!r} names no function of the file; pass FILE:NAME or FILE:Class.method, "
        f"one of: {', '.join(known) or 'none (the file defines no function)'}"
    )


def _target(
    source: str,
    qualname: str,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    owner: ast.ClassDef | None,
) -> _Target:
    lines = source.splitlines(keepends=True)
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    end = node.end_lineno or node.lineno
    first = lines[start - 1]
    return _Target(
        qualname=qualname,
        node=node,
        owner=owner,
        start=start,
        end=end,
        indent=first[: len(first) - len(first.lstrip())],
        text="".join(lines[start - 1 : end]),
    )


# ------------------------------------------------------------------------------ splicing


class _Unspliceable(InvalidArgument):
    """The model's answer cannot replace the function (the message says why)."""


def splice_function(source: str, qualname: str, answer: str) -> str:
    """`source` with the function `qualname` replaced by the one `answer` defines.

    `answer` is code as a model writes it: the new function (top level, or inside its
    class), possibly with imports and helper functions. Imports the file lacks go after its
    last top-level import; helpers and constants whose names the file does not bind yet go
    just above the function (above its class, for a method); what the file already defines
    is left as it is. The original's decorators are kept when the new function has none.

    Raises:
        InvalidArgument: `source` does not parse or names no function `qualname`, or
            `answer` does not parse or defines no function of that name (the message
            says which).
    """
    tree = _parse_file(source)
    return _splice(source, tree, _locate(source, tree, qualname), answer)


def _parse_file(source: str) -> ast.Module:
    # The shared tree (read only): the behaviour diff of every rewrite reads the same one.
    try:
        return parse_module(source)
    except (SyntaxError, ValueError) as error:
        raise InvalidArgument(
            f"the file to edit does not parse ({error}); fix it before asking for an edit"
        ) from error


def _splice(source: str, tree: ast.Module, target: _Target, answer: str) -> str:
    try:
        answer_tree = ast.parse(answer)
    except SyntaxError as error:
        raise _Unspliceable(
            f"the rewrite does not parse: {error.msg} (line {error.lineno})"
        ) from error
    found = _answer_function(answer_tree, target)
    if found is None:
        raise _Unspliceable(f"the rewrite defines no function `{target.name}`")
    if not _has_body(found):
        raise _Unspliceable(
            f"the rewrite of `{target.name}` has no body (only its signature and docstring)"
        )
    answer_lines = answer.splitlines(keepends=True)
    first = min([found.lineno, *(d.lineno for d in found.decorator_list)])
    body = textwrap.dedent("".join(answer_lines[first - 1 : found.end_lineno]))
    if ast.get_docstring(found) is None and ast.get_docstring(target.node) is not None:
        body = _with_docstring(body, target)
    if not found.decorator_list and target.node.decorator_list:
        kept = "".join(source.splitlines(keepends=True)[target.start - 1 : target.node.lineno - 1])
        body = textwrap.dedent(kept) + body
    function = textwrap.indent(body, target.indent, lambda line: bool(line.strip()))
    if not function.endswith("\n"):
        function += "\n"
    bound = _bound_names(tree)
    imports = [
        ast.get_source_segment(answer, node) or ast.unparse(node)
        for node in answer_tree.body
        if isinstance(node, ast.Import | ast.ImportFrom) and not _binds_only(node, bound)
    ]
    helpers = [
        textwrap.dedent(ast.get_source_segment(answer, node, padded=True) or ast.unparse(node))
        for node in answer_tree.body
        if node is not found
        and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Assign)
        and not (_statement_names(node) & bound)
        and not (isinstance(node, ast.ClassDef) and node.name == _owner_name(target))
    ]
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    above = "".join(f"{helper.rstrip()}\n\n\n" for helper in helpers)
    if target.owner is None:
        new_lines = [*lines[: target.start - 1], above + function, *lines[target.end :]]
    else:
        at = target.statement_start - 1
        new_lines = [
            *lines[:at],
            above,
            *lines[at : target.start - 1],
            function,
            *lines[target.end :],
        ]
    text = "".join(new_lines)
    if imports:
        text = _with_imports(text, tree, imports)
    try:
        parse_module(text)
    except SyntaxError as error:
        raise _Unspliceable(
            f"the file with the rewrite does not parse: {error.msg} (line {error.lineno})"
        ) from error
    return text


def _with_docstring(function: str, target: _Target) -> str:
    """`function` (dedented source) with the original's docstring as its first statement:
    models drop docstrings, and a rewrite is no reason to lose the documentation."""
    tree = ast.parse(function)
    node = tree.body[0]
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return function
    original = target.node.body[0]
    own = target.text.splitlines(keepends=True)
    docstring = textwrap.dedent(
        "".join(own[original.lineno - target.start : (original.end_lineno or 0) - target.start + 1])
    )
    lines = function.splitlines(keepends=True)
    first = node.body[0]
    at = first.lineno - 1
    if first.lineno == node.lineno:
        return function  # a one-line body after the colon: no line to put it on
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    shown = textwrap.indent(docstring.strip() + "\n", indent)
    return "".join([*lines[:at], shown, *lines[at:]])


def _owner_name(target: _Target) -> str | None:
    return target.owner.name if target.owner is not None else None


def _answer_function(
    tree: ast.Module, target: _Target
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function the answer offers for `target`: the last top-level one of its name (a
    model that ignores the prefilled signature restates it, and the last definition is
    the one Python keeps), else the one inside a class named like the target's (a model
    that repeated the whole class)."""
    named = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == target.name
    ]
    if named:
        return named[-1]
    owner = _owner_name(target)
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == owner:
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    if item.name == target.name:
                        return item
    return None


def _has_body(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function has a statement besides its docstring."""
    return len(node.body) > (1 if ast.get_docstring(node) is not None else 0)


def _answer_code(text: str, prefill: str, target: _Target) -> str:
    """The code of a model's answer (which starts with the prefilled signature and
    docstring). A model that ignores the prefill restates the function after it, which
    leaves a signature without a body (a syntax error when there is no docstring): then
    the answer without the prefill is the code."""
    rest = text[len(prefill) :] if text.startswith(prefill) else text
    first = extract_code(prefill + rest, entry_point=target.name)
    for code in (first, extract_code("```python\n" + rest, entry_point=target.name)):
        try:
            found = _answer_function(ast.parse(code), target)
        except SyntaxError:
            continue
        if found is not None and _has_body(found):
            return code
    return first


def _bound_names(tree: ast.Module) -> set[str]:
    """Names the module binds at top level."""
    bound: set[str] = set()
    for node in tree.body:
        bound |= _statement_names(node)
    return bound


def _statement_names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _binds_only(node: ast.Import | ast.ImportFrom, bound: set[str]) -> bool:
    """The import binds nothing the module lacks (the file already imports it)."""
    return _statement_names(node) <= bound


def _with_imports(text: str, original: ast.Module, imports: Sequence[str]) -> str:
    """`text` with `imports` after the last top-level import of the original (the same
    line in `text`: everything inserted so far lies below the imports), or after the
    module docstring and ``__future__`` imports when there is none."""
    after = 0
    for index, node in enumerate(original.body):
        is_docstring = (
            index == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        if isinstance(node, ast.Import | ast.ImportFrom) or is_docstring:
            after = node.end_lineno or node.lineno
        elif after:
            break
    lines = text.splitlines(keepends=True)
    block = "".join(f"{line}\n" for line in imports)
    if after == 0:
        return block + "\n" + text
    return "".join([*lines[:after], block, *lines[after:]])


# ------------------------------------------------------------------------------ prompts


def _context(source: str, tree: ast.Module, target: _Target) -> str:
    """What the prompt shows: the file's imports, the names it defines besides, and the
    function (a method dedented, its class named). Not the whole file: a small model given
    a file tends to answer with the file, unchanged."""
    imports = [
        ast.get_source_segment(source, node) or ast.unparse(node)
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    others = sorted(
        {name for node in tree.body for name in _statement_names(node)}
        - {_owner_name(target) or target.name}
        - {
            name
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            for name in _statement_names(node)
        }
    )
    parts = ["\n".join(imports)]
    if others:
        parts.append("# also defined in this file: " + ", ".join(others))
    where = f"# a method of class {target.owner.name}\n" if target.owner is not None else ""
    parts.append(where + textwrap.dedent(target.text).rstrip())
    return "\n\n".join(part for part in parts if part) + "\n"


def _header(target: _Target) -> str:
    """The function's first lines up to the end of its docstring (its signature alone
    when it has none), dedented: the prefill of the answer, so the model writes the body
    and the signature and documentation stay as they are."""
    body = target.node.body
    rest = body[1:] if ast.get_docstring(target.node) is not None else body
    if not rest or rest[0].lineno == target.node.lineno:
        return ""
    lines = target.text.splitlines(keepends=True)
    return textwrap.dedent("".join(lines[: rest[0].lineno - target.start]))


def _ask(path: str, tree: ast.Module, source: str, target: _Target, instruction: str) -> str:
    kind = "method" if target.owner is not None else "function"
    return (
        f"Rewrite the {kind} `{target.qualname}` of the Python file `{path}`: "
        f"{instruction.strip()}\n\nThe {kind} now, with the file's imports:\n"
        f"```python\n{_context(source, tree, target).rstrip()}\n```"
    )


def _task(target: _Target, instruction: str) -> str:
    return (
        f"Task: {instruction.strip()}\n\n"
        "Unless the task asks for a different behaviour, the new version must return, raise "
        "and print exactly what the original does for every input. "
        f"Keep the name `{target.name}` and the parameters. Reply with one ```python block "
        f"holding the complete new `{target.name}` and only the imports or helpers it newly "
        "needs. No tests, no prints, no explanation."
    )


def edit_request(path: str, source: str, qualname: str, instruction: str) -> Request:
    """``edit-v1``: the function to rewrite with the file's imports, and the instruction;
    the answer starts with the function's signature and docstring.

    Raises:
        InvalidArgument: `source` does not parse or names no function `qualname`.
    """
    tree = _parse_file(source)
    return _edit_request(path, source, tree, _locate(source, tree, qualname), instruction)


def _edit_request(
    path: str, source: str, tree: ast.Module, target: _Target, instruction: str
) -> Request:
    user = "\n\n".join([_ask(path, tree, source, target, instruction), _task(target, instruction)])
    return chat_request(
        user, system=SYSTEM, prefill="```python\n" + _header(target), template=EDIT_TEMPLATE
    )


def edit_repair_request(
    path: str,
    source: str,
    qualname: str,
    instruction: str,
    attempt: str,
    evidence: Sequence[Evidence],
) -> Request:
    """``edit-repair-v1``: the instruction, the rejected rewrite and the evidence against
    it (input, the original's result as the expectation, the rewrite's result).

    Raises:
        InvalidArgument: `source` does not parse or names no function `qualname`.
    """
    tree = _parse_file(source)
    target = _locate(source, tree, qualname)
    return _repair_request(path, source, tree, target, instruction, (attempt, evidence))


def _repair_request(
    path: str,
    source: str,
    tree: ast.Module,
    target: _Target,
    instruction: str,
    rejected: tuple[str, Sequence[Evidence]],
) -> Request:
    attempt, evidence = rejected
    shown = "\n".join(item.render() for item in evidence[:MAX_REPAIR_EVIDENCE])
    user = "\n\n".join(
        [
            _ask(path, tree, source, target, instruction),
            f"This rewrite of it is wrong:\n```python\n{attempt.strip()}\n```",
            f"Evidence (`expected` is what the original does):\n{shown}",
            _task(target, instruction),
        ]
    )
    return chat_request(
        user, system=SYSTEM, prefill="```python\n" + _header(target), template=REPAIR_TEMPLATE
    )


def _repair_evidence(candidate: EditCandidate) -> list[Evidence]:
    """What is wrong with a rejected rewrite, as the repair prompt shows it."""
    evidence = candidate.evidence
    if evidence.problem is not None:
        return [Evidence(summary=evidence.problem)]
    if evidence.unchanged:
        return [
            Evidence(summary="the answer repeats the original unchanged; apply the instruction")
        ]
    found = [
        Evidence(
            summary=f"different {c.get('kind', 'value')}: the rewrite does not behave like the original",
            input=str(c["input"]),
            expected=str(c["old"]),
            got=str(c["new"]),
        )
        for c in evidence.counterexamples
    ]
    found += [Evidence(summary=f"new finding: {message}") for message in evidence.new_findings]
    if evidence.regressed and evidence.performance is not None:
        found.append(
            Evidence(
                summary=f"the rewrite is slower: its time grows "
                f"{evidence.performance.get('new_class')}, the original's "
                f"{evidence.performance.get('old_class')}"
            )
        )
    return found


# ------------------------------------------------------------------------------ the loop


@dataclass(frozen=True)
class _Settings:
    """How candidates are checked (the same for every candidate of one run)."""

    path: str
    qualname: str
    declared_by: str | None
    budget: int
    seed: int
    timeout: float
    symbolic: bool
    symbolic_timeout: float
    performance: bool
    static: bool
    callers: tuple[str, ...]
    policy: EditPolicy


def edit_function(
    source: str,
    function: str,
    instruction: str,
    backends: Sequence[Backend],
    *,
    path: str = "<file>",
    allow_change: bool = False,
    n: int = 5,
    repair_rounds: int = 1,
    budget: int = 48,
    seed: int = 0,
    timeout: float = 2.0,
    symbolic: bool = True,
    symbolic_timeout: float = 10.0,
    performance: bool = True,
    static: bool = True,
    callers: Sequence[str] = (),
    policy: EditPolicy = DEFAULT_EDIT_POLICY,
    progress: ProgressFn | None = None,
) -> EditResult:
    """Have a model rewrite `function` of `source` as `instruction` says, and accept only
    a rewrite whose behaviour diff against the original is empty, or matches the declared
    intent; repair with the counterexample otherwise.

    Args:
        source: the file's text.
        function: the function to rewrite: ``name`` or ``Class.method``.
        instruction: what to do ("make it faster", "use pathlib", "fix the empty case").
        backends: the models; the candidates are drafted from them in turn.
        path: the file's name in prompts, the diff and the static rules' configuration.
        allow_change: the behaviour may change (the instruction can also say so, see
            `declared_intent`): differences are then shown, not rejected.
        n: rewrites drafted at most (the first greedy, the rest sampled); drafting stops at
            the first one that is not rejected.
        repair_rounds: repairs of each rejected rewrite, one after the other, each with the
            evidence against the last (counterexamples, new findings), before the next
            rewrite is drafted.
        budget: inputs per behaviour diff.
        seed: makes the inputs reproducible.
        timeout: seconds per call in the sandbox.
        symbolic: ask the symbolic engine where random inputs find no difference.
        symbolic_timeout: the symbolic engine's seconds per candidate.
        performance: also time both versions at growing sizes (a rewrite whose time grows
            faster than the original's is rejected unless the change was declared).
        static: compare the new file's static findings with the original's.
        callers: texts of the repository's test files (their calls become inputs).
        policy: the thresholds of a ``verified`` verdict.
        progress: called with (stage, message) as the loop advances.

    Raises:
        InvalidArgument: no backend, `n` below 1, `source` does not parse, or `function`
            names no function of it.
        BackendError: a backend failed.
    """
    if not backends:
        raise InvalidArgument("edit_function() needs at least one backend")
    if n < 1:
        raise InvalidArgument(f"n={n!r}: at least one rewrite must be drafted")
    if not instruction.strip():
        raise InvalidArgument("the edit instruction is empty; say what to change")
    started = time.perf_counter()
    tree = _parse_file(source)
    target = _locate(source, tree, function)
    say = progress or (lambda stage, message: None)
    declared = "--allow-change" if allow_change else None
    if declared is None and (words := declared_intent(instruction)) is not None:
        declared = f"the instruction: {words!r}"
    settings = _Settings(
        path=path,
        qualname=target.qualname,
        declared_by=declared,
        budget=budget,
        seed=seed,
        timeout=timeout,
        symbolic=symbolic,
        symbolic_timeout=symbolic_timeout,
        performance=performance,
        static=static,
        callers=tuple(callers),
        policy=policy,
    )
    # Room for a rewrite somewhat longer than the original: code runs at 3-4 characters a
    # token, so half the original's characters, never under 512 tokens, capped at 4096.
    max_tokens = min(4096, max(512, len(target.text) // 2))
    with Sandbox(workers=2) as sandbox:
        checker = _Checker(source, (tree, target), settings, sandbox)
        request = _edit_request(path, source, tree, target, instruction)
        rounds = 0
        for index in range(n):
            backend = backends[index % len(backends)]
            say("draft", f"rewrite {index + 1}/{n} with {backend.name} ({backend.model})")
            # The first rewrite of each backend is its greedy answer, the rest are sampled.
            params = Params(
                temperature=0.0 if index < len(backends) else 0.8,
                max_tokens=max_tokens,
                stop=CODE_STOPS,
                seed=seed + index,
            )
            candidate = checker.ask(backend, request, params, f"e{index}", 0)
            say("check", f"{candidate.name}: {candidate.verdict.level.value}")
            # A rejected rewrite is repaired with its counterexample before another is
            # drawn: the evidence says what to change, a new sample only guesses again.
            for round_ in range(1, repair_rounds + 1):
                if candidate.verdict.accepted:
                    break
                rounds = max(rounds, round_)
                say("repair", f"round {round_}: repairing {candidate.name}")
                repair = _repair_request(
                    path,
                    source,
                    tree,
                    target,
                    instruction,
                    (candidate.code, _repair_evidence(candidate)),
                )
                candidate = checker.ask(
                    backend,
                    repair,
                    Params(temperature=0.0, max_tokens=max_tokens, stop=CODE_STOPS, seed=seed),
                    f"e{index}-r{round_}",
                    round_,
                )
                say("check", f"{candidate.name}: {candidate.verdict.level.value}")
            if candidate.verdict.accepted:
                break
    candidates = checker.candidates
    chosen_one = _select(candidates)
    new_source = chosen_one.source if chosen_one is not None else None
    return EditResult(
        path=path,
        function=target.qualname,
        instruction=instruction,
        declared_by=declared,
        original=source,
        source=new_source,
        diff=file_diff(source, new_source, path) if new_source is not None else "",
        selected=chosen_one.name if chosen_one is not None else None,
        verdict=chosen_one.verdict
        if chosen_one is not None
        else EditVerdict(level=VerdictLevel.REJECTED, reasons=["no rewrite could be drafted"]),
        candidates=candidates,
        rounds=rounds,
        usage=checker.usage.as_dict(),
        model_seconds=round(checker.model_seconds, 3),
        seconds=round(time.perf_counter() - started, 3),
    )


_LEVEL_RANK = {VerdictLevel.VERIFIED: 2, VerdictLevel.PLAUSIBLE: 1, VerdictLevel.REJECTED: 0}


def _closeness(candidate: EditCandidate) -> tuple[int, int, int, int]:
    """How close a rewrite is to acceptable (larger is closer): its verdict, it could be
    checked at all, fewer new findings, fewer counterexamples."""
    evidence = candidate.evidence
    return (
        _LEVEL_RANK[candidate.verdict.level],
        0 if evidence.problem is not None or evidence.unchanged else 1,
        -len(evidence.new_findings),
        -len(evidence.counterexamples),
    )


def _select(candidates: Sequence[EditCandidate]) -> EditCandidate | None:
    """The closest rewrite to acceptable; among equals, the first drafted."""
    return max(candidates, key=_closeness, default=None)


class _Checker:
    """Drafts and checks rewrites of one function of one file: the original's findings
    are computed once, every behaviour diff shares one sandbox, and the candidates and
    the model's cost accumulate here."""

    def __init__(
        self,
        source: str,
        located: tuple[ast.Module, _Target],
        settings: _Settings,
        sandbox: Sandbox,
    ) -> None:
        self.source = source
        self.tree, self.target = located
        self.settings = settings
        self.sandbox = sandbox
        self.candidates: list[EditCandidate] = []
        self.usage = Usage()
        self.model_seconds = 0.0
        self._original_findings: Counter[tuple[str, str, str]] | None = None

    def ask(
        self, backend: Backend, request: Request, params: Params, name: str, round_: int
    ) -> EditCandidate:
        """One rewrite from `backend`, checked and added to the candidates."""
        completion = backend.generate(request, params)[0]
        self.usage = self.usage + completion.usage
        self.model_seconds += completion.seconds
        code = _answer_code(completion.text, request.prefill, self.target)
        evidence, new_source = self.check(code)
        candidate = EditCandidate(
            name=name,
            round=round_,
            prompt_variant=request.template,
            backend=completion.backend or backend.name,
            model=completion.model or backend.model,
            code=code,
            source=new_source,
            evidence=evidence,
            verdict=judge_edit(evidence, self.settings.policy),
        )
        self.candidates.append(candidate)
        return candidate

    def check(self, code: str) -> tuple[EditEvidence, str | None]:
        """Splice `code` in and check the new file: the evidence, and the new file (None
        when the code could not be spliced in)."""
        declared = self.settings.declared_by
        try:
            new_source = _splice(self.source, self.tree, self.target, code)
        except _Unspliceable as error:
            return EditEvidence(problem=str(error), declared_by=declared), None
        new_tree = parse_module(new_source)
        new_target = _locate(new_source, new_tree, self.target.qualname)
        if new_target.text == self.target.text:
            return EditEvidence(unchanged=True, declared_by=declared), new_source
        dropped = dropped_calls(self.tree, self.target.node, new_target.node)
        evidence = self._behaviour(new_source).model_copy(
            update={"new_findings": self._new_findings(new_source), "dropped_calls": dropped}
        )
        return evidence, new_source

    def _behaviour(self, new_source: str) -> EditEvidence:
        from assay.behaviour.diff import diff_sources

        settings = self.settings
        declared = settings.declared_by
        result = diff_sources(
            self.source,
            new_source,
            entry_points=[settings.qualname],
            allow_change=[settings.qualname] if declared is not None else (),
            seed=settings.seed,
            budget=settings.budget,
            symbolic=settings.symbolic,
            performance=settings.performance,
            timeout_s=settings.timeout,
            symbolic_timeout_s=settings.symbolic_timeout,
            callers=settings.callers,
            sandbox=self.sandbox,
        )
        pair = next((p for p in result.pairs if p.old == settings.qualname), None)
        if pair is not None:
            return EditEvidence(
                inputs_tried=pair.inputs_tried,
                returned=returned_count(pair.coverage),
                engines=list(pair.engines),
                coverage=pair.coverage,
                counterexamples=[c.to_json() for c in pair.counterexamples],
                performance=None if pair.performance is None else pair.performance.to_json(),
                declared_by=declared,
            )
        if settings.qualname in result.unchanged:
            return EditEvidence(same_code=True, declared_by=declared)
        reason = next(
            (u.reason for u in result.unverified if u.old == settings.qualname),
            "; ".join(result.errors) or "the diff did not match the rewrite to the original",
        )
        return EditEvidence(unverified=reason, declared_by=declared)

    def _new_findings(self, new_source: str) -> list[str]:
        """Messages of the findings (warning and above) the new file has and the original
        has not. A finding is known by its rule, function and message (numbers left out):
        the rewrite moves lines, so line numbers and line texts cannot identify one."""
        if not self.settings.static:
            return []
        if self._original_findings is None:
            self._original_findings = Counter(_finding_keys(self._findings(self.source)))
        remaining = Counter(self._original_findings)
        new: list[str] = []
        for finding in self._findings(new_source):
            key = _finding_key(finding)
            if remaining[key] > 0:
                remaining[key] -= 1
            elif finding.severity.rank >= Severity.WARNING.rank:
                new.append(f"{finding.rule} line {finding.line}: {finding.message}")
        return new

    def _findings(self, text: str) -> list[Finding]:
        from assay.pipeline import check_text

        return list(check_text(text, name=self.settings.path).findings)


_DIGITS = re.compile(r"\d+")


def _finding_key(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule, finding.function or "", _DIGITS.sub("#", finding.message))


def _finding_keys(findings: Sequence[Finding]) -> list[tuple[str, str, str]]:
    return [_finding_key(f) for f in findings]


def dropped_calls(
    old_tree: ast.Module,
    old: ast.FunctionDef | ast.AsyncFunctionDef,
    new: ast.FunctionDef | ast.AsyncFunctionDef,
) -> list[str]:
    """Functions of the modules `old_tree` imports that the old function calls
    (``os.path.expanduser``, ``escape`` from ``html``) whose name no call of the new one
    has, as a method or a function (``Path(p).expanduser()`` still calls ``expanduser``).

    Such a call did something on some inputs; when generated inputs never reach that case
    (a path starting with ``~``), the two versions look equivalent while they are not, so
    an equivalence claim without it is weaker. Builtins and methods of local values
    (``append``, ``add``) are left out: every input exercises them.
    """
    imported = {
        n
        for node in old_tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for n in _statement_names(node)
    }
    old_calls = {
        name
        for node in ast.walk(old)
        if isinstance(node, ast.Call)
        and (name := dotted_name(node.func)) is not None
        and name.split(".")[0] in imported
    }
    new_names = {
        node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        for node in ast.walk(new)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name)
    }
    return sorted(name for name in old_calls if name.rsplit(".", 1)[-1] not in new_names)


_RETURNED = re.compile(r"^(\d+) returned a value")


def returned_count(coverage: str) -> int:
    """How many inputs the original answered with a value, from a diff pair's `coverage`
    ("40 returned a value; 8 raised (...); inputs: ..."); 0 when it does not say."""
    match = _RETURNED.match(coverage)
    return int(match.group(1)) if match else 0
