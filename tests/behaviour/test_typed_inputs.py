"""Inputs from the module's own types and stated domain (issue 20 items 1-6), trusted side
and through `assay check`."""

from __future__ import annotations

import ast
import re

import assay
from assay.behaviour.inputs import ProbeInput
from assay.behaviour.inputs.typed import (
    Expr,
    ModuleTypes,
    drawn_inputs,
    stated_domains,
    typed_inputs,
)
from assay.behaviour.probes import NOT_BUILT, unpacked
from assay.behaviour.stages.functions import probe_targets
from assay.sandbox import ExceptionInfo, Outcome, Status
from assay.sandbox.canonical import canonicalize

MODULE = """
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Literal, TypedDict

TAX_RATES = {"DE": Decimal("0.19"), "FR": Decimal("0.20")}
Speed = Literal["standard", "express"]

class Tier(Enum):
    BRONZE = "bronze"
    GOLD = "gold"

@dataclass(frozen=True)
class LineItem:
    sku: str
    unit_price: Decimal
    quantity: int = 1
    notes: list[str] = field(default_factory=list)

class Row(TypedDict):
    sku: str
    tier: Tier

def tax_for(amount: Decimal, country: str) -> Decimal:
    return amount * TAX_RATES[country]

def subtotal(items: list[LineItem], *, tier: Tier) -> Decimal:
    return sum((i.unit_price for i in items), Decimal("0"))

def label(speed: Speed, rows: list[Row]) -> str:
    return speed

def foreign(client: "httpx.Client") -> int:
    return 1

def page(query: dict[str, str]) -> int:
    return int(query.get("page", "1"))
"""


def _function(tree: ast.Module, name: str) -> ast.FunctionDef:
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def test_typed_inputs_build_the_module_classes_and_pass_keyword_only_arguments() -> None:
    tree = ast.parse(MODULE)
    types = ModuleTypes.of(tree)
    plan = typed_inputs(_function(tree, "subtotal"), types, "subtotal", budget=12)
    assert plan.missing == ()
    assert plan.inputs and all("tier" in i.kwargs for i in plan.inputs)
    sources = [repr(i.args[0]) for i in plan.inputs]
    assert "[]" in sources
    assert any("LineItem(sku=" in s and "Decimal(" in s for s in sources)
    # The evidence shows the values as a reader writes them, not the import that builds them.
    assert not any("__import__" in i.call_source("subtotal") for i in plan.inputs)
    assert any("__import__('decimal').Decimal(" in i.expression for i in plan.inputs)
    # No None stands in for a value the annotation does not admit.
    assert not any("None" in i.expression for i in plan.inputs)
    assert {repr(i.kwargs["tier"]) for i in plan.inputs} == {"Tier.BRONZE", "Tier.GOLD"}


def test_literal_aliases_typed_dicts_and_stated_keys_become_inputs() -> None:
    tree = ast.parse(MODULE)
    types = ModuleTypes.of(tree)
    plan = typed_inputs(_function(tree, "label"), types, "label", budget=12)
    assert {repr(i.args[0]) for i in plan.inputs} == {"'standard'", "'express'"}
    assert any("'tier': Tier." in repr(i.args[1]) for i in plan.inputs)
    page = typed_inputs(_function(tree, "page"), types, "page", budget=12)
    assert repr(page.inputs[0].args[0]).startswith("{'page': ")


def test_the_stated_domain_comes_first_and_an_unknown_class_is_named() -> None:
    tree = ast.parse(MODULE)
    types = ModuleTypes.of(tree)
    values, _ = stated_domains(_function(tree, "tax_for"), types)
    assert values == {"country": ("'DE'", "'FR'")}
    plan = typed_inputs(_function(tree, "tax_for"), types, "tax_for", budget=12)
    assert [repr(i.args[1]) for i in plan.inputs[:2]] == ["'DE'", "'FR'"]
    assert typed_inputs(_function(tree, "foreign"), types, "foreign", budget=12).missing == (
        "httpx.Client",
    )


CLEAN = """
from dataclasses import dataclass
from decimal import Decimal

TAX_RATES = {"DE": Decimal("0.19"), "FR": Decimal("0.20")}

@dataclass(frozen=True)
class LineItem:
    unit_price: Decimal
    sku: str
    quantity: int = 1

    def __post_init__(self) -> None:
        if self.unit_price < 0:
            raise ValueError("unit price must be non-negative")

def subtotal(items: list[LineItem]) -> Decimal:
    return sum((item.unit_price * item.quantity for item in items), Decimal("0"))

def tax_for(amount: Decimal, country: str) -> Decimal:
    return amount * TAX_RATES[country]

def low_stock(counts: list[int], *, threshold: int) -> list[int]:
    return [c for c in counts if c <= threshold]

def unquote(s: str) -> str:
    assert s.startswith("'"), s
    return s[1:-1]
"""


def test_clean_application_code_gets_no_runtime_finding() -> None:
    report = assay.check_source(CLEAN, select=["runtime"], offline=True)
    assert [(f.rule, f.function) for f in report.findings] == []


BUGGY = """
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

class Status(Enum):
    NEW = "new"
    PAID = "paid"
    REFUNDED = "refunded"

LABELS = {Status.NEW: "New", Status.PAID: "Paid"}

@dataclass(frozen=True)
class LineItem:
    sku: str
    unit_price: Decimal

def label(status: Status) -> str:
    return LABELS[status]

def cheapest(items: list[LineItem]) -> Decimal:
    return min(item.unit_price for item in items)
"""


def test_bugs_in_typed_code_are_caught_with_the_input() -> None:
    report = assay.check_source(BUGGY, select=["runtime"], offline=True)
    found = {(f.rule, f.function): f.evidence["input"] for f in report.findings}
    assert found[("AS602", "label")] == "label(Status.REFUNDED)"
    assert found[("AS602", "cheapest")] == "cheapest([])"


UNBUILDABLE = """
class Connection:
    def __init__(self, dsn):
        self.dsn = dsn

def status_of(connection: Connection, table: str) -> int:
    return len(connection.dsn + table)

def echo(value: "Any") -> str:
    return str(value)
"""


def test_a_class_nothing_can_build_is_a_note_not_a_none() -> None:
    report = assay.check_source(UNBUILDABLE, select=["runtime"], offline=True)
    assert report.findings == []
    assert report.notes == [
        "<source>: status_of not probed: cannot build `Connection`",
        "<source>: echo not probed: cannot build `Any`",
    ]


LIBRARY_CLASS = """
import httpx

def home_status(client: httpx.Client) -> int:
    return client.get("http://example.com/").status_code

def host_initial(client: httpx.Client) -> str:
    return client.base_url.host[0]
"""


def test_a_library_class_is_built_in_the_sandbox_and_its_network_is_the_sandboxs_fault() -> None:
    report = assay.check_source(LIBRARY_CLASS, select=["runtime"], offline=True)
    (crash,) = report.findings
    assert (crash.rule, crash.evidence["input"]) == ("AS602", "host_initial(<httpx.Client object>)")
    (note,) = report.notes
    assert note.startswith("<source>: home_status not verifiable here:"), note
    assert note.endswith("(on (<httpx.Client object>))"), note


DOCTEST_WITH_MODULE_NAMES = '''
from decimal import ROUND_HALF_EVEN, Decimal

def round_money(amount: Decimal) -> Decimal:
    """Round to cents, halves away from zero.

    >>> round_money(Decimal("0.125"))
    Decimal('0.13')
    """
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
'''


def test_doc_examples_may_use_the_module_names() -> None:
    report = assay.check_source(DOCTEST_WITH_MODULE_NAMES, select=["runtime"], offline=True)
    assert [(f.rule, f.evidence["got"]) for f in report.findings] == [("AS601", "Decimal('0.12')")]


SALTED = """
import hashlib
import secrets

def gen_salt(length: int) -> str:
    return secrets.token_hex(length)

def hash_password(password: str) -> str:
    salt = gen_salt(8)
    return salt + "$" + hashlib.sha256((salt + password).encode()).hexdigest()
"""


def test_randomness_reached_through_a_helper_is_not_probed() -> None:
    assert [node.name for node, _ in probe_targets(SALTED)] == []
    assert assay.check_source(SALTED, select=["runtime"], offline=True).findings == []


ENVIRONMENT = """
import os

def setting(name: str) -> str:
    return os.environ["APP_" + name.upper()]
"""


def test_a_failure_the_sandbox_causes_is_a_note_not_a_crash() -> None:
    report = assay.check_source(ENVIRONMENT, select=["runtime"], offline=True)
    assert report.findings == []
    (note,) = report.notes
    assert note.startswith("<source>: setting not verifiable here: it reads an environment")


def test_an_argument_changed_and_handed_back_is_no_hidden_mutation() -> None:
    item = ProbeInput((Expr("Box()"),), origin="typed", expression="...")
    after = {"__object__": "Box", "fields": {"n": 1}}
    before = {"__object__": "Box", "fields": {"n": 0}}

    def outcome(returned_an_argument: bool) -> Outcome:
        value = {"__tuple__": ["Box(n=1)", after, after, before, returned_an_argument]}
        return unpacked(item, Outcome(status=Status.OK, value=value), "advance")

    handed_back = outcome(True)
    assert handed_back.value == after and handed_back.value_repr == "Box(n=1)"
    assert handed_back.args_after == canonicalize(((Expr("Box()"),), {}))
    assert outcome(False).args_after == after


def test_an_argument_the_module_refuses_to_build_is_not_the_functions_failure() -> None:
    item = ProbeInput((Expr("Box(n=-1)"),), origin="typed", expression="...")
    refused = ExceptionInfo(
        type="ValueError",
        message="n must be non-negative",
        traceback='File "<call>", line 1, in <module>\nFile "<m>", line 5, in __post_init__\n',
    )
    outcome = unpacked(item, Outcome(status=Status.ERROR, exception=refused), "advance")
    assert outcome.exception is not None and outcome.exception.type == NOT_BUILT


def test_a_module_that_reads_its_package_spec_is_a_note_not_an_import_failure() -> None:
    source = (
        'NAME = f"{__spec__.parent}._tokenizer"\n\n\ndef double(x: int) -> int:\n    return x * 2\n'
    )
    report = assay.check_source(source, name="pkg/mod.py", offline=True)
    assert [f.rule for f in report.findings if f.rule.startswith("AS6")] == []
    (note,) = report.notes
    assert note.startswith("pkg/mod.py: not verified here: double: ")
    assert "__spec__" in note


SORTS_IN_PLACE = """
from typing import TypedDict

class Row(TypedDict):
    sku: str
    on_hand: int

def by_stock(rows: list[Row]) -> list[Row]:
    rows.sort(key=lambda row: row["on_hand"])
    return rows
"""


def test_a_list_sorted_in_place_and_returned_is_still_a_mutation() -> None:
    report = assay.check_source(SORTS_IN_PLACE, select=["runtime"], offline=True)
    assert [(f.rule, f.function) for f in report.findings] == [("AS605", "by_stock")]


MODELS = """
from pydantic import BaseModel, Field

class Address(BaseModel):
    city: str
    country: str = Field(min_length=2, max_length=2)

class Customer(BaseModel):
    customer_id: int = Field(gt=0)
    addresses: list[Address] = Field(default_factory=list)

def primary_country(customer: Customer) -> str | None:
    return customer.addresses[0].country if customer.addresses else None
"""


def test_stated_field_bounds_are_kept_and_defaulted_fields_are_set_too() -> None:
    tree = ast.parse(MODELS)
    plan = typed_inputs(
        _function(tree, "primary_country"), ModuleTypes.of(tree), "primary_country", budget=24
    )
    sources = [i.call_source("f") for i in plan.inputs]
    assert any("addresses=[Address(" in s for s in sources)
    assert all(
        len(ast.literal_eval(m)) == 2 for s in sources for m in re.findall(r"country=('[^']*')", s)
    )
    ids = [int(m) for s in sources for m in re.findall(r"customer_id=(-?\d+)", s)]
    assert ids and min(ids) > 0


def test_a_drawn_call_that_timed_out_before_its_arguments_existed_was_never_a_call() -> None:
    from assay.behaviour.probes import CandidateRun, Observation
    from assay.behaviour.stages.functions import _drawn_arguments

    (placeholder,) = drawn_inputs("grid", budget=1)
    drawn_line = "\x00assay-drawn:" + '[["[[0]]"], [["fill", "1"]]]' + "\n"
    undrawn = Outcome(status=Status.TIMEOUT)
    hung = Outcome(status=Status.TIMEOUT, stdout=drawn_line)
    run = CandidateRun(
        name="grid",
        source="",
        import_outcome=Outcome(status=Status.OK),
        observations=(Observation(placeholder, undrawn), Observation(placeholder, hung)),
        examples=(),
    )
    judged, unbuilt = _drawn_arguments(run)
    first, second = judged.observations
    assert unbuilt is None
    assert first.outcome.exception is not None and first.outcome.exception.type == NOT_BUILT
    assert second.outcome.status is Status.TIMEOUT
    assert second.input.call_source("grid") == "grid([[0]], fill=1)"
    assert second.outcome.stdout == ""
