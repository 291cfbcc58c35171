"""Shop metrics for the daily report: averages, rates, percentiles."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal


def average_order_value(totals: list[Decimal]) -> Decimal:
    """Mean order total, to the cent; no orders means 0.

    >>> average_order_value([Decimal("10.00"), Decimal("20.00")])
    Decimal('15.00')
    """
    if not totals:
        return Decimal("0.00")
    return (sum(totals, Decimal("0")) / len(totals)).quantize(Decimal("0.01"))


def conversion_rate(orders: int, visits: int) -> float:
    """Share of visits that ended in an order; a day without visits converts nothing.

    >>> conversion_rate(5, 200)
    0.025
    >>> conversion_rate(0, 0)
    0.0
    """
    if orders < 0 or visits < 0:
        raise ValueError("counts cannot be negative")
    if orders > visits:
        raise ValueError("more orders than visits")
    if visits == 0:
        return 0.0
    return orders / visits


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile, `pct` in [0, 100].

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
    2.5
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= pct <= 100:
        raise ValueError("pct must be within [0, 100]")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def growth(previous: float, current: float) -> float | None:
    """Relative change, or None when there is nothing to compare with."""
    if previous == 0:
        return None
    return (current - previous) / previous


def moving_average(values: list[float], window: int) -> list[float]:
    """Averages of each run of `window` consecutive values.

    >>> moving_average([1.0, 2.0, 3.0, 4.0], 2)
    [1.5, 2.5, 3.5]
    """
    if window < 1:
        raise ValueError("window must be positive")
    return [sum(values[i : i + window]) / window for i in range(len(values) - window + 1)]
