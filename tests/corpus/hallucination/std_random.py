import random

def pick(items: list[str]) -> str:
    return random.pick(items)
