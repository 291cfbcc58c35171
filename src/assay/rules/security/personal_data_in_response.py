"""AS318 `personal-data-in-response`: national ids and card numbers sent whole."""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules._support.dataflow import FunctionFlow, is_route, module_flows
from assay.rules._support.naming import identifier, words
from assay.rules.security._common import _finding
from assay.rules.security._web import ROUTE_DECORATOR, source_mentions
from assay.syntax import last_name

__all__: list[str] = []


#: Words naming a personal or payment datum that is shown masked, if at all.
_SENSITIVE_WORDS = frozenset({"ssn", "cvv", "cvc", "cvv2", "iban", "sin"})
_SENSITIVE_PAIRS = frozenset(
    {
        ("social", "security"), ("credit", "card"), ("card", "number"), ("account", "number"),
        ("passport", "number"), ("tax", "id"), ("national", "id"), ("routing", "number"),
    }
)  # fmt: skip
#: Words of a function that masks or reduces what it is given.
_MASKING_WORDS = frozenset(
    {"mask", "masked", "redact", "redacted", "hash", "encrypt", "last", "truncate", "len",
     "bool", "obfuscate", "anonymize", "anonymise", "tail"}
)  # fmt: skip
#: The words above as they can appear in a file's text (a cheap test before any analysis).
_MENTIONED = re.compile(
    r"ssn|cvv|cvc|iban|social|card|account|passport|tax|national|routing|sin", re.IGNORECASE
)
#: How far back through local assignments a returned value is followed.
_DEPTH = 4


def _sensitive(name: str) -> bool:
    parts = words(name)
    if "sin" in parts and len(parts) == 1:
        return False  # math.sin, a sine; only qualified SINs (social insurance) count
    return bool(set(parts) & _SENSITIVE_WORDS) or bool(
        set(itertools.pairwise(parts)) & _SENSITIVE_PAIRS
    )


def _exposed(expr: ast.AST, flows: FunctionFlow, line: int, depth: int = 0) -> str | None:
    """The sensitive name whose whole value reaches `expr`, following local assignments;
    sliced (``ssn[-4:]``) or masked (``mask(card)``) values do not count."""
    if depth > _DEPTH:
        return None
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Slice):
        return None
    if isinstance(expr, ast.Call) and set(words(last_name(expr.func))) & _MASKING_WORDS:
        return None
    name = identifier(expr)
    if name is not None and _sensitive(name):
        return name
    if isinstance(expr, ast.Name):
        for value in flows.assigned_values(expr.id, line):
            found = _exposed(value, flows, getattr(value, "lineno", line), depth + 1)
            if found is not None:
                return found
        return None
    for child in ast.iter_child_nodes(expr):
        found = _exposed(child, flows, line, depth)
        if found is not None:
            return found
    return None


@rule(
    id="AS318", name="personal-data-in-response", family=Family.SECURITY,
    severity=Severity.WARNING, nodes=(ast.Return,), cwe=359,
)  # fmt: skip
def personal_data_in_response(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A web handler returns a social security or card number whole (CWE-359).

    ## What it finds
    A route-decorated function whose returned value (a page, a JSON body, a redirect URL)
    contains a value read from a field named like a national id or payment datum — `ssn`,
    `social_security_number`, `credit_card`, `card_number`, `cvv`, `iban`, `passport_number`
    — directly or through local variables and helper calls. Sliced values (`ssn[-4:]`) and
    values passed through a masking function (`mask_card(number)`, `last4(...)`) stay
    silent.

    ## Why it matters for AI-written code
    Asked to "show the user's information, with only the last four digits of the SSN",
    assistants pass the whole number to the template helper and let a variable name
    (`ssn_last_4`) promise the masking. The full number then sits in every response, browser
    cache and proxy log (exposure of private personal information, CWE-200).

    ## Example
    ```python
    from flask import Flask, session

    app = Flask(__name__)

    @app.get("/info")
    def info():
        ssn = session["ssn"]
        return f"<p>SSN: {ssn}</p>"
    ```

    ## Use instead
    ```python
    from flask import Flask, session

    app = Flask(__name__)

    @app.get("/info")
    def info():
        ssn = session["ssn"]
        return f"<p>SSN: ***-**-{ssn[-4:]}</p>"
    ```
    """
    if not isinstance(node, ast.Return) or node.value is None:
        return
    if not source_mentions(ctx, _MENTIONED) or not source_mentions(ctx, ROUTE_DECORATOR):
        return
    function = ctx.enclosing_function(node)
    if function is None or not is_route(function):
        return
    flows = module_flows(ctx).of(node)
    name = _exposed(node.value, flows, node.lineno)
    if name is None:
        return
    yield _finding(
        ctx,
        node,
        f"{function.name}() returns {name!r} whole to the client",
        evidence={"handler": function.name, "field": name, "cwe_also": [200]},
        fix="Send only what the page needs, masked (e.g. the last four digits: "
        'f"***-**-{ssn[-4:]}"); keep the full value on the server.',
    )
