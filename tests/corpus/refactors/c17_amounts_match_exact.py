# entry: amounts_match
# expect: changed
# input: floats equal up to rounding error (0.1 + 0.2 against 0.3)
# witness: (0.30000000000000004, 0.3)
# edit: tolerance comparison -> == ("floats are exact here")
# --- old
def amounts_match(paid: float, due: float) -> bool:
    return abs(paid - due) < 1e-9
# --- new
def amounts_match(paid: float, due: float) -> bool:
    return paid == due
