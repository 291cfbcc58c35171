# Count how often each word appears in the document:
def word_frequency(text: str) -> dict[str, int]:
    words = text.split()
    return {word: words.count(word) for word in words}
