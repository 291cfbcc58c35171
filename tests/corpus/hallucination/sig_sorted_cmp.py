def by_length(words: list[str]) -> list[str]:
    return sorted(words, cmp=lambda a, b: len(a) - len(b))
