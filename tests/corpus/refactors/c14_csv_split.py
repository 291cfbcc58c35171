# entry: parse_csv_line
# expect: changed
# input: quoted fields ('a,"b,c"'), and the empty line ([] vs [""])
# witness: ('a,"b,c"',)
# edit: csv.reader -> str.split(",")
# --- old
import csv


def parse_csv_line(line: str) -> list[str]:
    return next(csv.reader([line]), [])
# --- new
def parse_csv_line(line: str) -> list[str]:
    return line.split(",")
