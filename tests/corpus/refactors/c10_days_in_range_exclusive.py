# entry: days_in_range
# expect: changed
# input: any valid pair of ISO dates with start <= end (the last day is dropped)
# witness: ("2024-01-01", "2024-01-03")
# edit: while loop -> comprehension over range(days), losing the inclusive end
# --- old
from datetime import date, timedelta


def days_in_range(start: str, end: str) -> list[str]:
    first = date.fromisoformat(start)
    last = date.fromisoformat(end)
    days = []
    current = first
    while current <= last:
        days.append(current.isoformat())
        current += timedelta(days=1)
    return days
# --- new
from datetime import date, timedelta


def days_in_range(start: str, end: str) -> list[str]:
    first = date.fromisoformat(start)
    count = (date.fromisoformat(end) - first).days
    return [(first + timedelta(days=i)).isoformat() for i in range(count)]
