# entry: overlap_days
# expect: equivalent
# edit: explicit empty-range branch -> max(0, ...)
# --- old
def overlap_days(start_a: int, end_a: int, start_b: int, end_b: int) -> int:
    """Days shared by two inclusive ranges of day numbers."""
    start = max(start_a, start_b)
    end = min(end_a, end_b)
    if end < start:
        return 0
    return end - start + 1
# --- new
def overlap_days(start_a: int, end_a: int, start_b: int, end_b: int) -> int:
    """Days shared by two inclusive ranges of day numbers."""
    return max(0, min(end_a, end_b) - max(start_a, start_b) + 1)
