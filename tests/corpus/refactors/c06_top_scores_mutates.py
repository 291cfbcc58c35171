# entry: top_scores
# expect: changed
# input: any list not already in descending order (the caller's list is sorted in place)
# witness: ([1, 3, 2], 2)
# edit: sorted() -> list.sort() "to avoid a copy"; same return value, mutated argument
# --- old
def top_scores(scores: list[int], n: int) -> list[int]:
    return sorted(scores, reverse=True)[:n]
# --- new
def top_scores(scores: list[int], n: int) -> list[int]:
    scores.sort(reverse=True)
    return scores[:n]
