import string

def is_vowel(ch: str) -> bool:
    return ch.lower() in string.vowels
