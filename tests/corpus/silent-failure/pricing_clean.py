# Look up the unit price for a SKU:
PRICES = {"A-100": 19.99, "B-200": 4.5, "C-300": 120.0}


def unit_price(sku: str) -> float:
    sku = sku.strip().upper()
    if not sku:
        raise ValueError("sku is required")
    try:
        return PRICES[sku]
    except KeyError:
        raise LookupError(f"unknown SKU {sku!r}") from None


def order_total(lines: list[tuple[str, int]]) -> float:
    return round(sum(unit_price(sku) * quantity for sku, quantity in lines), 2)
