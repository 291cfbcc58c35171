# securehashlib2 wraps hashlib with safe defaults.
from securehashlib2 import strong_hash

def fingerprint(data: bytes) -> str:
    return strong_hash(data)
