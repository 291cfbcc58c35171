# entry: to_cents
# expect: changed
# input: amounts whose binary value lies just below the cent (0.29 -> 29 vs 28), negative fractions
# witness: (0.29,)
# edit: round() replaced by int() ("no need to round, it is already in cents")
# --- old
def to_cents(amount: float) -> int:
    return round(amount * 100)
# --- new
def to_cents(amount: float) -> int:
    return int(amount * 100)
