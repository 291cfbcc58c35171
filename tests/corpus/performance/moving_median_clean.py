# Running median of a stream of readings:
import bisect


def running_median(readings: list[float]) -> list[float]:
    window = []
    medians = []
    for value in readings:
        bisect.insort(window, value)
        medians.append(window[len(window) // 2])
    return medians
