# Sum the amount column of the ledger file (it has a header line):
import csv


def total_amount(path: str) -> float:
    with open(path, newline="") as handle:
        return sum(float(row["amount"]) for row in csv.DictReader(handle))
