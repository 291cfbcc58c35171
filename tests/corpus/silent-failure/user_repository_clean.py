# A small repository class over SQLite:
import sqlite3


class UserRepository:
    def __init__(self, path: str):
        self.conn = sqlite3.connect(path)
        self.conn.row_factory = sqlite3.Row

    def find_by_email(self, email: str) -> dict | None:
        cur = self.conn.cursor()
        cur.execute("SELECT id, name, email, is_admin FROM users WHERE email = ?", (email,))
        row = cur.fetchone()
        if row is None:
            return None
        return {"id": row["id"], "name": row["name"], "email": row["email"], "is_admin": bool(row["is_admin"])}
