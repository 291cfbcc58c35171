"""AS402: errors swallowed in loops."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from assay.model import Family, Finding, Severity
from assay.rules._context import Context
from assay.rules._registry import rule
from assay.rules.silent_failure._handlers import (
    best_effort_cleanup,
    enclosing_loop,
    handler_text,
    is_broad,
    skips_item,
)

__all__: list[str] = []


def _introspects(loop: ast.AST | None) -> bool:
    """``for name in dir(obj):``: walking an object's attributes, some of which raise on
    access by design (properties, descriptors); skipping those is what introspection does."""
    iterable = loop.iter if isinstance(loop, (ast.For, ast.AsyncFor)) else None
    return (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id in {"dir", "vars"}
    )


@rule(
    id="AS402", name="error-swallowed-in-loop", family=Family.SILENT_FAILURE,
    severity=Severity.WARNING, nodes=(ast.ExceptHandler,),
)  # fmt: skip
def error_swallowed_in_loop(node: ast.AST, ctx: Context) -> Iterator[Finding]:
    """A loop drops the items that fail, without a trace (`except Exception: continue`).

    ## What it finds
    A broad handler (`except:`, `except Exception:`, `except BaseException:`) inside a loop
    whose whole body is `continue` (or `pass` as the last statement of the loop body), so a
    failing item silently disappears from the output. Handlers that log, count, record or
    re-raise, and narrow handlers (`except ValueError: continue` for lines that are
    expected not to parse) stay silent, and so do best-effort clean-up of each item
    (`for f in files: try: f.close() except Exception: pass`, where one failure must not
    stop the others) and introspection loops (`for name in dir(obj):`, where some
    attributes raise on access by design).

    ## Why it matters for AI-written code
    "Skip bad records" is a frequent instruction and `except Exception: continue` its
    frequent answer: a bug that breaks every record then produces an empty, successful run.

    ## Example
    ```python
    def load_prices(rows):
        prices = []
        for row in rows:
            try:
                prices.append(float(row["price"]))
            except Exception:
                continue
        return prices
    ```

    ## Use instead
    ```python
    import logging

    logger = logging.getLogger(__name__)

    def load_prices(rows):
        prices = []
        for number, row in enumerate(rows):
            try:
                prices.append(float(row["price"]))
            except (KeyError, ValueError) as error:
                logger.warning("row %d skipped: %s", number, error)
        return prices
    ```
    """
    if not isinstance(node, ast.ExceptHandler):
        return
    broad = is_broad(ctx, node)
    if broad is None or not skips_item(ctx, node) or best_effort_cleanup(ctx, node):
        return
    loop = enclosing_loop(ctx, node)
    if _introspects(loop):
        return
    action = "continue" if isinstance(node.body[0], ast.Continue) else "pass"
    yield ctx.finding(
        node,
        f"`{handler_text(node, broad)} {action}` inside a loop drops every failing item "
        "without a trace",
        evidence={
            "handler": f"{handler_text(node, broad)} {action}",
            "loop_line": getattr(loop, "lineno", None),
            "function": ctx.function_name(node),
        },
        fix="Catch the exceptions you expect, and log or count what was skipped (or collect "
        "the failures and report them after the loop).",
    )
