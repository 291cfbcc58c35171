"""Order life cycle: which status may follow which, and how statuses are shown."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class OrderStatus(Enum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.REFUNDED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

STATUS_LABELS: dict[OrderStatus, str] = {
    OrderStatus.PENDING: "Awaiting payment",
    OrderStatus.PAID: "Paid",
    OrderStatus.SHIPPED: "On its way",
    OrderStatus.DELIVERED: "Delivered",
    OrderStatus.CANCELLED: "Cancelled",
}

FINAL_STATUSES = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})


@dataclass
class Order:
    order_id: str
    customer_id: str
    status: OrderStatus = OrderStatus.PENDING
    history: list[tuple[OrderStatus, datetime]] = field(default_factory=list)


def can_transition(current: OrderStatus, new: OrderStatus) -> bool:
    return new in TRANSITIONS[current]


def advance(order: Order, new: OrderStatus, *, at: datetime) -> Order:
    """Move `order` to `new`, recording when; an illegal move is refused."""
    if not can_transition(order.status, new):
        raise ValueError(f"cannot go from {order.status.value} to {new.value}")
    order.history.append((order.status, at))
    order.status = new
    return order


def status_label(status: OrderStatus) -> str:
    """The text customers see for a status."""
    return STATUS_LABELS[status]


def is_final(status: OrderStatus) -> bool:
    return status in FINAL_STATUSES


def active_orders(orders: list[Order]) -> list[Order]:
    """Orders that may still change, oldest first as given."""
    return [order for order in orders if not is_final(order.status)]


def count_by_status(orders: list[Order]) -> dict[str, int]:
    counts = {status.value: 0 for status in OrderStatus}
    for order in orders:
        counts[order.status.value] += 1
    return counts
