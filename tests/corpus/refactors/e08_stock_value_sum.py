# entry: stock_value
# expect: equivalent
# edit: accumulator loop over keys -> sum() over items()
# --- old
def stock_value(quantities: dict[str, int], prices: dict[str, int]) -> int:
    total = 0
    for sku in quantities:
        total += quantities[sku] * prices.get(sku, 0)
    return total
# --- new
def stock_value(quantities: dict[str, int], prices: dict[str, int]) -> int:
    return sum(qty * prices.get(sku, 0) for sku, qty in quantities.items())
