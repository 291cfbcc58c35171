# entry: page_count
# expect: changed
# input: totals that are an exact multiple of the page size, 0 included (total=20, size=10)
# witness: (20, 10)
# edit: ceiling division rewritten as floor + 1
# --- old
def page_count(total: int, size: int) -> int:
    if size <= 0:
        raise ValueError(f"size must be positive, got {size}")
    return (total + size - 1) // size
# --- new
def page_count(total: int, size: int) -> int:
    if size <= 0:
        raise ValueError(f"size must be positive, got {size}")
    return total // size + 1
