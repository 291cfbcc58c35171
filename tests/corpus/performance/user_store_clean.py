# A tiny user store backed by SQLite:
import sqlite3

conn = sqlite3.connect("users.db")
conn.execute(
    "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT)"
)
conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (email)")


def find_by_email(email):
    return conn.execute("SELECT id, name FROM users WHERE email = ?", (email,)).fetchone()


def add_user(email, name):
    conn.execute("INSERT INTO users (email, name) VALUES (?, ?)", (email, name))
    conn.commit()
