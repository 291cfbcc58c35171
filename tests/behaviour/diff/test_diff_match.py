"""Matching two versions' functions: qualified names, renames by body similarity, and which
pairs changed (their own code, or a name they use)."""

from __future__ import annotations

import ast

from assay.behaviour.diff._match import (
    RENAME_SIMILARITY,
    changed_pairs,
    defined_functions,
    match_functions,
)

OLD = '''
RATE = 2


def helper(x):
    return x * RATE


def scaled(xs):
    return [helper(x) for x in xs]


def untouched(x):
    return x + 1


def evens(xs):
    """Even numbers."""
    out = []
    for x in xs:
        if x % 2 == 0:
            out.append(x)
    return out


def gone(x):
    return len(x)


class Cart:
    def total(self):
        return sum(self.items)
'''

NEW = '''
RATE = 3


def helper(x):
    return x * RATE


def scaled(xs):
    return [helper(x) for x in xs]


def untouched(x):
    """Now documented: the docstring is not behaviour."""
    return x + 1


def even_numbers(xs):
    out = []
    for x in xs:
        if x % 2 == 0:
            out.append(x)
    return out


def fresh(x, y):
    return x - y


class Cart:
    def total(self):
        return sum(self.items)
'''


def _matched() -> tuple[ast.Module, ast.Module, object]:
    old_tree, new_tree = ast.parse(OLD), ast.parse(NEW)
    return (
        old_tree,
        new_tree,
        match_functions(defined_functions(old_tree), defined_functions(new_tree)),
    )


def test_pairs_by_qualified_name_and_renames_by_similarity() -> None:
    _, _, matched = _matched()
    pairs = {(old.qualname, new.qualname): score for old, new, score in matched.pairs}  # type: ignore[attr-defined]
    assert ("Cart.total", "Cart.total") in pairs
    assert pairs[("evens", "even_numbers")] >= RENAME_SIMILARITY
    assert matched.added == ("fresh",)  # type: ignore[attr-defined]
    assert matched.removed == ("gone",)  # type: ignore[attr-defined]


def test_unrelated_functions_with_the_same_arity_are_not_a_rename() -> None:
    old = defined_functions(ast.parse("def f(x):\n    return x + 1\n"))
    new = defined_functions(ast.parse("def g(x):\n    return len(x)\n"))
    matched = match_functions(old, new)
    assert matched.pairs == ()
    assert matched.added == ("g",)
    assert matched.removed == ("f",)


def test_a_changed_constant_changes_its_users_and_a_docstring_changes_nothing() -> None:
    old_tree, new_tree, matched = _matched()
    pairs = matched.pairs  # type: ignore[attr-defined]
    changed = {pairs[i][1].qualname for i in changed_pairs(old_tree, new_tree, pairs)}
    # RATE changed: helper uses it, scaled uses helper; the rename counts as a change.
    assert changed == {"helper", "scaled", "even_numbers"}


def test_parsers_and_compared_strings_state_what_a_text_parameter_holds() -> None:
    from assay.behaviour.diff._inputs import Side, _read_domains

    old_source = (
        "from datetime import date, datetime\n\n\n"
        "def when(day: str, stamp: str, count: str, n: int, code: str) -> object:\n"
        "    if code == 'WELCOME10':\n"
        "        return int(count) + int(n)\n"
        "    return date.fromisoformat(day), datetime.strptime(stamp, '%d/%m/%Y')\n"
    )
    tree = ast.parse(old_source)
    side = Side(old_source, tree, defined_functions(tree)["when"])
    domains = _read_domains(side, side, [{"code": ("'WELCOME10'",)}])
    assert "'2024-02-29'" in domains["day"]
    assert "'29/02/2024'" in domains["stamp"]
    assert "'70000'" in domains["count"] and "'-1'" in domains["count"]
    assert "n" not in domains  # int(n) of an int parameter is a conversion, not a parser
    assert {"'welcome10'", "' WELCOME10 '"} <= set(domains["code"])


def test_a_commit_message_line_must_name_the_function() -> None:
    from assay.behaviour.diff import declared_in_messages

    message = "Tidy up\n\nBehaviour change: mean() raises on an empty list.\n"
    assert declared_in_messages([message], {"mean"})
    assert not declared_in_messages([message], {"me"})
    assert not declared_in_messages(["Behaviour change: meaning of life"], {"mean"})
    assert not declared_in_messages(["mean changed behaviour"], {"mean"})
    assert declared_in_messages(["behavior change: Cart.total rounds"], {"Cart.total"})
