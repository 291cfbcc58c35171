# entry: backoff_delays
# expect: equivalent
# edit: doubling loop -> closed form base * 2**i in a comprehension
# --- old
def backoff_delays(retries: int, base_ms: int, cap_ms: int) -> list[int]:
    delays = []
    delay = base_ms
    for _ in range(retries):
        delays.append(min(delay, cap_ms))
        delay *= 2
    return delays
# --- new
def backoff_delays(retries: int, base_ms: int, cap_ms: int) -> list[int]:
    return [min(base_ms * 2**attempt, cap_ms) for attempt in range(retries)]
