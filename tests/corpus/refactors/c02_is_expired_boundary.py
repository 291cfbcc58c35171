# entry: is_expired
# expect: changed
# input: now == expires_at
# witness: (5, 5)
# edit: >= became > ("simplified" comparison)
# --- old
def is_expired(now: int, expires_at: int) -> bool:
    return now >= expires_at
# --- new
def is_expired(now: int, expires_at: int) -> bool:
    return now > expires_at
