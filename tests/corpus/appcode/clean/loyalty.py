"""Loyalty tiers: which tier a yearly spend earns, and what each tier is worth."""

from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum


class Tier(StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


# Minimum yearly spend per tier, cheapest first (the order the marketing team lists them).
TIER_THRESHOLDS: dict[Tier, Decimal] = {
    Tier.BRONZE: Decimal("0"),
    Tier.SILVER: Decimal("500"),
    Tier.GOLD: Decimal("2000"),
    Tier.PLATINUM: Decimal("10000"),
}
DISCOUNTS: dict[Tier, Decimal] = {
    Tier.BRONZE: Decimal("0"),
    Tier.SILVER: Decimal("0.03"),
    Tier.GOLD: Decimal("0.05"),
    Tier.PLATINUM: Decimal("0.10"),
}
POINTS_PER_EURO: dict[Tier, int] = {Tier.BRONZE: 1, Tier.SILVER: 1, Tier.GOLD: 2, Tier.PLATINUM: 3}


def tier_for_spend(annual_spend: Decimal) -> Tier:
    """The highest tier whose threshold `annual_spend` reaches."""
    if annual_spend < 0:
        raise ValueError("spend cannot be negative")
    best = Tier.BRONZE
    for tier, minimum in TIER_THRESHOLDS.items():
        if annual_spend >= minimum:
            best = tier
    return best


def discounted_price(price: Decimal, tier: Tier) -> Decimal:
    return (price * (1 - DISCOUNTS[tier])).quantize(Decimal("0.01"))


def points_for(amount: Decimal, tier: Tier) -> int:
    """Points earned on a purchase: whole euros times the tier's multiplier."""
    if amount < 0:
        raise ValueError("amount cannot be negative")
    euros = int(amount.to_integral_value(rounding=ROUND_FLOOR))
    return euros * POINTS_PER_EURO[tier]


def parse_tier(value: str) -> Tier:
    """A tier from its name in any case (`"Gold"` -> `Tier.GOLD`)."""
    try:
        return Tier(value.strip().lower())
    except ValueError:
        raise ValueError(f"unknown tier {value!r}; expected one of {', '.join(Tier)}") from None


def next_tier(tier: Tier) -> Tier | None:
    order = list(Tier)
    index = order.index(tier)
    return order[index + 1] if index + 1 < len(order) else None
