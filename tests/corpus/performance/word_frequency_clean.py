# Count how often each word appears in the document:
from collections import Counter


def word_frequency(text: str) -> dict[str, int]:
    return dict(Counter(text.split()))
