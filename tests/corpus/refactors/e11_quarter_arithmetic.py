# entry: quarter
# expect: equivalent
# edit: if/elif ladder -> arithmetic, validation kept (same exception type)
# --- old
def quarter(month: int) -> int:
    if month < 1 or month > 12:
        raise ValueError(f"month must be 1..12, got {month}")
    if month <= 3:
        return 1
    elif month <= 6:
        return 2
    elif month <= 9:
        return 3
    return 4
# --- new
def quarter(month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return (month - 1) // 3 + 1
