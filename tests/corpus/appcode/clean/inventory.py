"""Stock levels and re-ordering for the warehouse dashboard."""

from enum import IntEnum
from typing import TypedDict


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3
    CRITICAL = 4


class StockRow(TypedDict):
    sku: str
    on_hand: int
    reorder_point: int
    target: int
    priority: Priority


PACK_SIZES: dict[Priority, int] = {
    Priority.LOW: 50,
    Priority.NORMAL: 20,
    Priority.HIGH: 10,
    Priority.CRITICAL: 1,
}


def reorder_quantity(on_hand: int, reorder_point: int, target: int) -> int:
    """Units to order to get back to `target` once stock falls to `reorder_point`.

    >>> reorder_quantity(3, 5, 20)
    17
    >>> reorder_quantity(6, 5, 20)
    0
    """
    if target < reorder_point:
        raise ValueError("target must not be below the reorder point")
    if on_hand > reorder_point:
        return 0
    return target - max(on_hand, 0)


def round_to_pack(quantity: int, priority: Priority) -> int:
    """Round an order up to whole packs; critical items are ordered unit by unit."""
    pack = PACK_SIZES[priority]
    return -(-quantity // pack) * pack


def sort_by_priority(rows: list[StockRow]) -> list[StockRow]:
    """Most urgent first; within a priority, the emptiest shelf first."""
    return sorted(rows, key=lambda row: (-row["priority"], row["on_hand"] - row["reorder_point"]))


def low_stock(rows: list[StockRow], *, threshold: int) -> list[str]:
    """SKUs whose stock is at or below `threshold`."""
    return [row["sku"] for row in rows if row["on_hand"] <= threshold]


def order_lines(rows: list[StockRow]) -> dict[str, int]:
    """What to order for each SKU that needs it, in whole packs."""
    lines: dict[str, int] = {}
    for row in sort_by_priority(rows):
        quantity = reorder_quantity(row["on_hand"], row["reorder_point"], row["target"])
        if quantity:
            lines[row["sku"]] = round_to_pack(quantity, row["priority"])
    return lines
