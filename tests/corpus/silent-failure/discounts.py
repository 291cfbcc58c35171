# Discount rules for the checkout:
from decimal import Decimal


def loyalty_discount(customer) -> Decimal | None:
    return None


def apply_discount(total: Decimal, customer) -> Decimal:
    discount = loyalty_discount(customer)
    if discount is None:
        return total
    return (total * (1 - discount)).quantize(Decimal("0.01"))
