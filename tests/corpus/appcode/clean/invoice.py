"""Invoice arithmetic: line items, VAT by country, rounding to cents."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# VAT rates of the countries we invoice; anything else is refused by invoice_total.
TAX_RATES: dict[str, Decimal] = {
    "DE": Decimal("0.19"),
    "FR": Decimal("0.20"),
    "NL": Decimal("0.21"),
    "AT": Decimal("0.20"),
}


@dataclass(frozen=True)
class LineItem:
    sku: str
    unit_price: Decimal
    quantity: int = 1

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise ValueError(f"quantity must be non-negative, got {self.quantity}")
        if self.unit_price < 0:
            raise ValueError(f"unit price must be non-negative, got {self.unit_price}")


@dataclass
class Invoice:
    number: str
    country: str
    items: list[LineItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def round_money(amount: Decimal) -> Decimal:
    """Round to cents, halves away from zero (the commercial convention).

    >>> round_money(Decimal("0.125"))
    Decimal('0.13')
    >>> round_money(Decimal("2.004"))
    Decimal('2.00')
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(item: LineItem) -> Decimal:
    return item.unit_price * item.quantity


def subtotal(items: list[LineItem]) -> Decimal:
    return sum((line_total(item) for item in items), Decimal("0"))


def tax_for(amount: Decimal, country: str) -> Decimal:
    """VAT due on `amount` in `country` (one of TAX_RATES), rounded to cents."""
    return round_money(amount * TAX_RATES[country])


def invoice_total(
    items: list[LineItem], country: str, *, discount: Decimal = Decimal("0")
) -> Decimal:
    """Gross total: subtotal minus discount, plus VAT of `country`."""
    if country not in TAX_RATES:
        raise ValueError(f"no VAT rate for country {country!r}")
    if discount < 0:
        raise ValueError("discount must be non-negative")
    net = max(subtotal(items) - discount, Decimal("0"))
    return round_money(net + tax_for(net, country))


def total_of(invoice: Invoice) -> Decimal:
    return invoice_total(invoice.items, invoice.country)


def format_money(amount: Decimal, currency: str = "EUR") -> str:
    """`1234.5` -> `'1,234.50 EUR'`."""
    return f"{round_money(amount):,.2f} {currency}"
