"""Shipping prices and delivery estimates for the checkout."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

Speed = Literal["standard", "express", "overnight"]

BASE_RATES: dict[str, Decimal] = {
    "standard": Decimal("4.90"),
    "express": Decimal("9.90"),
    "overnight": Decimal("24.00"),
}
PER_KG: dict[str, Decimal] = {
    "standard": Decimal("0.50"),
    "express": Decimal("1.00"),
    "overnight": Decimal("2.50"),
}
TRANSIT_DAYS: dict[str, int] = {"standard": 5, "express": 2, "overnight": 1}
DOMESTIC = "DE"
EU_COUNTRIES = frozenset({"AT", "BE", "DE", "DK", "ES", "FR", "IT", "NL", "PL", "SE"})
EU_SURCHARGE = Decimal("3.00")
MAX_WEIGHT_KG = 30.0
MAX_TRANSIT_DAYS = 60


def shipping_cost(weight_kg: float, speed: Speed, *, country: str) -> Decimal:
    """Price of one parcel; we ship inside the EU only."""
    if not 0 < weight_kg <= MAX_WEIGHT_KG:
        raise ValueError(f"weight must be in (0, {MAX_WEIGHT_KG}] kg")
    if country not in EU_COUNTRIES:
        raise ValueError(f"we do not ship to {country!r}")
    kilos = Decimal(str(weight_kg)).quantize(Decimal("0.1"))
    cost = BASE_RATES[speed] + PER_KG[speed] * kilos
    if country != DOMESTIC:
        cost += EU_SURCHARGE
    return cost.quantize(Decimal("0.01"))


def speed_label(speed: Speed) -> str:
    """The label printed on the checkout page."""
    if speed == "standard":
        return "Standard (3-5 business days)"
    elif speed == "express":
        return "Express (1-2 business days)"
    else:
        return "Overnight (next business day)"


def add_business_days(start: date, days: int) -> date:
    """`start` plus `days` working days (Monday to Friday)."""
    if not 0 <= days <= MAX_TRANSIT_DAYS:
        raise ValueError(f"days must be between 0 and {MAX_TRANSIT_DAYS}")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def delivery_date(ordered: date, speed: Speed) -> date:
    return add_business_days(ordered, TRANSIT_DAYS[speed])
