def by_length(words: list[str]) -> list[str]:
    return sorted(words, key=len, reverse=True)
