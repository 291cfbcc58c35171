# Sum the amount column of the ledger file (it has a header line):
def total_amount(path: str) -> float:
    total = 0.0
    with open(path) as handle:
        next(handle)  # skip the header
        for line in handle:
            total += float(line.strip().split(",")[3])
    return total
