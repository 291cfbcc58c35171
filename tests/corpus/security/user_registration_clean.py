# Register a user and store a hashed password:
import hashlib
import hmac
import os
import sqlite3

ITERATIONS = 600_000


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, ITERATIONS)


def register(conn: sqlite3.Connection, email: str, password: str) -> int:
    salt = os.urandom(16)
    cur = conn.execute(
        "INSERT INTO users (email, salt, password_hash) VALUES (?, ?, ?)",
        (email, salt, _hash(password, salt)),
    )
    conn.commit()
    return cur.lastrowid


def verify(conn: sqlite3.Connection, email: str, password: str) -> bool:
    row = conn.execute(
        "SELECT salt, password_hash FROM users WHERE email = ?", (email,)
    ).fetchone()
    if row is None:
        return False
    salt, stored = row
    return hmac.compare_digest(stored, _hash(password, salt))
