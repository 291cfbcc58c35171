# entry: average_rating
# expect: changed
# input: totals not divisible by the count (7 / 2)
# witness: ([3, 4],)
# edit: / -> // ("ratings are integers")
# --- old
def average_rating(ratings: list[int]) -> float:
    if not ratings:
        return 0.0
    return sum(ratings) / len(ratings)
# --- new
def average_rating(ratings: list[int]) -> float:
    if not ratings:
        return 0.0
    return sum(ratings) // len(ratings)
