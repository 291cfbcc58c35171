import math
import random

def pick(items: list[str]) -> str:
    return random.choice(items)

def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value)) + math.fsum([])
