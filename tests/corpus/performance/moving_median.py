# Running median of a stream of readings:
def running_median(readings: list[float]) -> list[float]:
    window = []
    medians = []
    for value in readings:
        window.append(value)
        ordered = sorted(window)
        medians.append(ordered[len(ordered) // 2])
    return medians
