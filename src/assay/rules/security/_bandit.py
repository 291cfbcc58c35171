"""Bandit as a library: its test set run in-process over a parsed file, results cached per
file, ``# nosec`` honoured, and which assay rule supersedes which Bandit test."""

from __future__ import annotations

import ast
import io
import logging
import tokenize
import warnings
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from assay.model import Finding, Severity
from assay.rules._context import Context

#: Bandit tests assay does not relay, so does not run (issue 19: Bandit only where it adds;
#: all are LOW-severity, below issue 21's warning floor): B101 (any assert) is replaced by
#: AS406, which only reports asserts that validate a function's inputs outside tests; the
#: import-only notices for subprocess, pickle and the XML parsers repeat what the call-level
#: tests (B301, B313-B320) say where the module is actually used; B603/B607 ("check for
#: execution of untrusted input", "partial executable path") fire on every list-form
#: subprocess call — the recommended fix — and AS302 follows the data into subprocess calls
#: instead. Measured with bench/bandit_cost.py on the real-code corpus (291 files): these
#: produced 279 LOW results, none relayed; every other test keeps running.
_BANDIT_SKIPPED = frozenset(
    {"B101", "B403", "B404", "B405", "B406", "B407", "B408", "B409", "B603", "B607"}
)
#: Which assay rule reports the same issue as a Bandit test (same line: keep assay's).
_SUPERSEDED = {
    "B608": ("AS301",),
    "B602": ("AS302",),
    "B604": ("AS302",),
    "B605": ("AS302",),
    "B609": ("AS302",),
    "B102": ("AS306",),
    "B307": ("AS306",),
    "B301": ("AS307",),
    "B302": ("AS307",),
    "B506": ("AS307",),
    "B614": ("AS307",),
    "B303": ("AS309",),
    "B324": ("AS309",),
    "B311": ("AS311",),
    "B323": ("AS313",),
    "B501": ("AS313",),
    "B201": ("AS314",),
    "B104": ("AS314",),
    "B105": ("AS316",),
    "B106": ("AS316",),
    "B310": ("AS322",),
    "B110": ("AS401", "AS402"),
    "B112": ("AS402",),
}


#: Weaknesses a Bandit test's result also is, beside the one CWE Bandit names: templates
#: rendered without escaping (B701 Jinja2 autoescape off, B702 Mako, B703/B308 Django's
#: mark_safe) are reported as code injection (CWE-94) or CWE-80, and are cross-site
#: scripting (CWE-79) too.
_ALSO_CWE: dict[str, tuple[int, ...]] = {
    "B308": (79,),
    "B701": (79,),
    "B702": (79,),
    "B703": (79,),
}


#: Bandit severities a build must not pass silently: issue 21's floor ("never weaker than
#: Bandit") makes each such result at least a warning, whichever assay rule speaks for it.
BLOCKING_SEVERITIES = frozenset({"MEDIUM", "HIGH"})


@dataclass(frozen=True)
class BanditIssue:
    """One Bandit result, in plain values."""

    test_id: str
    test: str
    text: str
    severity: str
    confidence: str
    cwe: int | None
    line: int
    col: int
    end_col: int | None

    @property
    def floor(self) -> Severity:
        """The lowest severity assay may show this result at: warning for Bandit MEDIUM/HIGH
        (whatever assay's own rules concluded), information for LOW."""
        return Severity.WARNING if self.severity in BLOCKING_SEVERITIES else Severity.INFO

    def evidence(self) -> dict[str, Any]:
        """The JSON evidence AS300 and superseding rules attach."""
        evidence: dict[str, Any] = {
            "bandit_test_id": self.test_id,
            "bandit_test": self.test,
            "bandit_message": self.text,
            "bandit_severity": self.severity,
            "bandit_confidence": self.confidence,
            "cwe": self.cwe,
        }
        also = [cwe for cwe in _ALSO_CWE.get(self.test_id, ()) if cwe != self.cwe]
        if also:
            evidence["cwe_also"] = also
        return evidence


@cache
def _bandit() -> tuple[Any, Any]:
    """Bandit's modules (node_visitor, meta_ast, metrics, docs_utils) and its test set with
    the default profile, loaded once per process."""
    # Bandit logs through the "bandit" logger; its warnings about module names of
    # in-memory sources are noise for us (the results are unaffected).
    logging.getLogger("bandit").setLevel(logging.ERROR)
    # Bandit's plugin loader also loads report formatters we never use; a missing optional
    # formatter dependency (sarif_om) is logged as an error by stevedore. Not ours to show.
    stevedore = logging.getLogger("stevedore.extension")
    previous = stevedore.level
    stevedore.setLevel(logging.CRITICAL)
    try:
        return _load_bandit()
    finally:
        stevedore.setLevel(previous)


def _load_bandit() -> tuple[Any, Any]:
    with warnings.catch_warnings():
        # stevedore (Bandit's plugin loader) warns about its own deprecated argument.
        warnings.simplefilter("ignore", DeprecationWarning)
        from bandit.core import config, docs_utils, meta_ast, metrics, node_visitor, test_set

        # The profile's exclude list also drops the import blacklist entries (B403-B409)
        # from Bandit's shared blacklist function, so they are never evaluated.
        profile = {"exclude": sorted(_BANDIT_SKIPPED)}
        tests = test_set.BanditTestSet(config.BanditConfig(), profile)
    # Bandit keeps each test's configuration on the shared test function (the blacklist
    # function's `_config` is the filtered blacklist), so any later BanditTestSet in this
    # process (a BanditManager, say) would put the excluded tests back into ours. Each test
    # runs through a wrapper holding its own copy of those attributes.
    tests.tests = {kind: [_own(test) for test in funcs] for kind, funcs in tests.tests.items()}
    return (node_visitor, meta_ast, metrics, docs_utils), tests


def _own(test: Any) -> Any:
    """`test` with its Bandit configuration (`_config`) copied onto a wrapper of its own, so
    it no longer changes when Bandit reconfigures the shared function. Tests without a
    configuration are returned as they are. A `partial` keeps the call in C: the wrapper
    runs once per test per node."""
    if not hasattr(test, "_config"):
        return test
    own = partial(test)
    own.__dict__.update(test.__dict__)
    own.__name__ = test.__name__  # type: ignore[attr-defined]
    return own


def bandit_issues(ctx: Context) -> tuple[BanditIssue, ...]:
    """Bandit's results for the file in `ctx` (made once per file), ``# nosec`` honoured."""
    return ctx.memo(bandit_issues, lambda: _run_bandit(ctx))


def _run_bandit(ctx: Context) -> tuple[BanditIssue, ...]:
    (node_visitor, meta_ast, metrics, _), tests = _bandit()
    name = "./" + (ctx.path.rsplit("/", 1)[-1] if ctx.path.endswith(".py") else "source.py")
    data = ctx.source.encode("utf-8")
    counts = metrics.Metrics()
    # Bandit's tester counts every honoured `# nosec` in the metrics of the current file;
    # without begin() there is no current file and each nosec'd result raised inside Bandit.
    counts.begin(name)
    nosec = _nosec_lines(ctx.source)
    visitor = node_visitor.BanditNodeVisitor(
        name, io.BytesIO(data), meta_ast.BanditMetaAst(), tests, False, nosec, counts,
    )  # fmt: skip
    if not nosec and hasattr(visitor.tester, "_get_nosecs_from_contexts"):
        # Bandit looks for a `# nosec` on every line of a node's range for every test on every
        # node, result or not: quadratic in a long literal (idna's 8,000-line table took 7 s
        # of CPU, most of Bandit's time on the real-code corpus). In a file without one the
        # answer is always "none", which is what this gives at once.
        visitor.tester._get_nosecs_from_contexts = _no_nosec
    _visit(visitor, ctx.tree)
    return tuple(
        BanditIssue(
            test_id=result.test_id,
            test=result.test,
            text=result.text,
            severity=str(result.severity),
            confidence=str(result.confidence),
            cwe=getattr(result.cwe, "id", None) or None,
            line=result.lineno,
            col=result.col_offset,
            end_col=getattr(result, "end_col_offset", None),
        )
        for result in visitor.tester.results
    )


def _no_nosec(context: Any, test_result: Any = None) -> None:
    """Bandit's ``BanditTester._get_nosecs_from_contexts`` in a file without ``# nosec``."""
    return None


def _visit(visitor: Any, tree: ast.Module) -> None:
    """What Bandit's ``BanditNodeVisitor.process(source)`` does, on the tree assay already
    parsed: ``process`` only adds ``ast.parse`` in front (a tenth of Bandit's time on the
    real-code corpus, measured with bench/bandit_cost.py) and accepts no tree. The tree is
    parsed with the same flags; Bandit only adds its ``_bandit_parent`` attribute to nodes,
    removed again once the visit is done."""
    visitor.generic_visit(tree)
    # Then the tests that read the whole file rather than a node (B613 trojansource), with
    # the context ``process`` gives them.
    visitor.context = {
        "file_data": visitor.fdata,
        "filename": visitor.fname,
        "lineno": 0,
        "linerange": [0, 1],
        "col_offset": 0,
    }
    visitor.update_scores(visitor.tester.run_tests(visitor.context, "File"))
    # Bandit's child-to-parent links make the tree cyclic: left in place, each file's tree
    # would wait for the cycle collector instead of being freed when its check ends.
    for node in ast.walk(tree):
        node.__dict__.pop("_bandit_parent", None)


def _nosec_lines(source: str) -> dict[int, set[str]]:
    """Lines carrying ``# nosec`` (an empty set: every test) or ``# nosec B602,B607`` /
    ``# nosec: subprocess_popen_with_shell_equals_true`` (those tests), parsed by Bandit's own
    comment parser so a mark means here exactly what it means to Bandit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from bandit.core.manager import _parse_nosec_comment

    lines: dict[int, set[str]] = {}
    if "nosec" not in source:
        # Bandit's mark is the literal (case-sensitive) "nosec"; tokenizing a file without
        # it cost an eighth of Bandit's time on the real-code corpus.
        return lines
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                tests = _parse_nosec_comment(token.string)
                if tests is not None:
                    lines[token.start[0]] = set(tests)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        # The file already parsed with ast; a tokenizer disagreement only loses nosec marks.
        return lines
    return lines


def _bandit_on_lines(ctx: Context, lines: set[int], rule_id: str) -> list[BanditIssue]:
    """The Bandit results on `lines` that the assay rule `rule_id` speaks for."""
    return [
        issue
        for issue in bandit_issues(ctx)
        if issue.line in lines and rule_id in _SUPERSEDED.get(issue.test_id, ())
    ]


def _covered_lines(finding: Finding) -> set[int]:
    """The lines a finding speaks for: its node's span plus where its value was built."""
    end = finding.end_line or finding.line
    lines = set(range(finding.line, end + 1))
    lines.update(int(n) for n in finding.evidence.get("construction_lines", ()))
    return lines


def _bandit_url(test_id: str) -> str:
    (_, _, _, docs_utils), _ = _bandit()
    return str(docs_utils.get_url(test_id))
