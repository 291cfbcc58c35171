# A small repository class over SQLite:
import sqlite3


class UserRepository:
    def __init__(self, path: str):
        self.conn = sqlite3.connect(path)

    def find_by_email(self, email: str) -> dict | None:
        cur = self.conn.cursor()
        cur.execute("SELECT * FROM users WHERE email = ?", (email,))
        row = cur.fetchone()
        if row is None:
            return None
        return {"id": row[0], "name": row[1], "email": row[2], "is_admin": bool(row[4])}
