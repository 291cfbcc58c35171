# entry: clamp
# expect: changed
# input: low > high (min(max(...)) returns high, the if-chain returns low)
# witness: (5, 10, 0)
# edit: min(max(...)) -> if/elif chain
# --- old
def clamp(value: int, low: int, high: int) -> int:
    return min(max(value, low), high)
# --- new
def clamp(value: int, low: int, high: int) -> int:
    if value < low:
        return low
    if value > high:
        return high
    return value
