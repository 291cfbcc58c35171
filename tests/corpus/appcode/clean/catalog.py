"""Catalogue prices for the shop front; products and bundles are attrs classes."""

import attrs


@attrs.define(frozen=True)
class Product:
    sku: str
    price_cents: int = attrs.field(validator=attrs.validators.ge(0))


@attrs.define(frozen=True)
class Bundle(Product):
    items: tuple[Product, ...]


def bundle_saving(bundle: Bundle) -> int:
    """How much cheaper the bundle is than its items bought one by one (never negative)."""
    separate = sum(item.price_cents for item in bundle.items)
    return max(separate - bundle.price_cents, 0)


def average_item_price(bundle: Bundle) -> float:
    """The mean price of the bundle's items in cents (0.0 for an empty bundle)."""
    if not bundle.items:
        return 0.0
    return sum(item.price_cents for item in bundle.items) / len(bundle.items)
