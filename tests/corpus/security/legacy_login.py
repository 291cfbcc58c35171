# Quick helper to check a password against the legacy users table:
import hashlib


def check_password(stored_hash: str, password: str) -> bool:
    return hashlib.md5(password.encode()).hexdigest() == stored_hash  # vuln
