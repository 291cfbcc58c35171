# Discount rules for the checkout:
from decimal import Decimal

TIERS = {"gold": Decimal("0.10"), "silver": Decimal("0.05")}


def loyalty_discount(customer) -> Decimal | None:
    return TIERS.get(customer.tier)


def apply_discount(total: Decimal, customer) -> Decimal:
    discount = loyalty_discount(customer)
    if discount is None:
        return total
    return (total * (1 - discount)).quantize(Decimal("0.01"))
