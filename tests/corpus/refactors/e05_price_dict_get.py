# entry: unit_price
# expect: equivalent
# edit: try/except KeyError -> dict.get with the same fallback
# --- old
def unit_price(prices: dict[str, int], sku: str) -> int:
    try:
        return prices[sku]
    except KeyError:
        return 0
# --- new
def unit_price(prices: dict[str, int], sku: str) -> int:
    return prices.get(sku, 0)
