# entry: page_slice
# expect: equivalent
# edit: if/else with a result variable -> guard clause with early return
# --- old
def page_slice(items: list[int], page: int, size: int) -> list[int]:
    if size > 0 and page >= 1:
        start = (page - 1) * size
        result = items[start : start + size]
    else:
        result = []
    return result
# --- new
def page_slice(items: list[int], page: int, size: int) -> list[int]:
    if size <= 0 or page < 1:
        return []
    start = (page - 1) * size
    return items[start : start + size]
