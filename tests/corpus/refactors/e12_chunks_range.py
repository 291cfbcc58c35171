# entry: chunks
# expect: equivalent
# edit: while loop with an index -> comprehension over range(0, n, size)
# --- old
def chunks(items: list[int], size: int) -> list[list[int]]:
    if size <= 0:
        raise ValueError(f"size must be positive, got {size}")
    out = []
    i = 0
    while i < len(items):
        out.append(items[i : i + size])
        i += size
    return out
# --- new
def chunks(items: list[int], size: int) -> list[list[int]]:
    if size <= 0:
        raise ValueError(f"size must be positive, got {size}")
    return [items[start : start + size] for start in range(0, len(items), size)]
