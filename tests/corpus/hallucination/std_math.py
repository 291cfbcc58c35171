import math

def clamp(value: float, low: float, high: float) -> float:
    return math.clamp(value, low, high)
