# entry: reserve
# expect: changed
# input: qty <= 0 (accepted instead of ValueError; a negative qty increases stock)
# witness: ({"a": 1}, "a", 0)
# edit: dropped the positive-quantity check
# --- old
def reserve(stock: dict[str, int], sku: str, qty: int) -> dict[str, int]:
    if qty <= 0:
        raise ValueError(f"quantity must be positive, got {qty}")
    available = stock.get(sku, 0)
    if qty > available:
        raise ValueError(f"only {available} of {sku} left")
    updated = dict(stock)
    updated[sku] = available - qty
    return updated
# --- new
def reserve(stock: dict[str, int], sku: str, qty: int) -> dict[str, int]:
    available = stock.get(sku, 0)
    if qty > available:
        raise ValueError(f"only {available} of {sku} left")
    updated = dict(stock)
    updated[sku] = available - qty
    return updated
