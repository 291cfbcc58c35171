# entry: retry_schedule
# expect: changed
# input: retries >= 1 (every delay doubled: the first attempt no longer waits base_ms)
# witness: (1, 100)
# edit: range(retries) -> range(1, retries + 1) "attempts are 1-based"
# --- old
def retry_schedule(retries: int, base_ms: int) -> list[int]:
    return [base_ms * 2**attempt for attempt in range(retries)]
# --- new
def retry_schedule(retries: int, base_ms: int) -> list[int]:
    return [base_ms * 2**attempt for attempt in range(1, retries + 1)]
