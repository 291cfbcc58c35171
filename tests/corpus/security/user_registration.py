# Register a user and store a hashed password:
import hashlib
import sqlite3


def register(conn: sqlite3.Connection, email: str, password: str) -> int:
    password_hash = hashlib.sha256(password.encode("utf-8")).hexdigest()  # vuln
    cur = conn.execute(
        "INSERT INTO users (email, password_hash) VALUES (?, ?)", (email, password_hash)
    )
    conn.commit()
    return cur.lastrowid


def verify(conn: sqlite3.Connection, email: str, password: str) -> bool:
    row = conn.execute("SELECT password_hash FROM users WHERE email = ?", (email,)).fetchone()
    candidate = hashlib.sha256(password.encode("utf-8")).hexdigest()  # vuln
    return row is not None and row[0] == candidate
