# entry: word_counts
# expect: equivalent
# edit: manual counting dict -> dict(Counter(...)) (same first-seen key order)
# --- old
def word_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in text.lower().split():
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    return counts
# --- new
from collections import Counter


def word_counts(text: str) -> dict[str, int]:
    return dict(Counter(text.lower().split()))
