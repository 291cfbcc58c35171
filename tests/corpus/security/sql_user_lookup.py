# Here's a Flask endpoint that looks up a user by username:
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)
DATABASE = "app.db"


def get_db():
    conn = sqlite3.connect(DATABASE)
    conn.row_factory = sqlite3.Row
    return conn


@app.route("/users/search")
def search_users():
    username = request.args.get("username", "")
    query = f"SELECT id, username, email FROM users WHERE username = '{username}'"  # vuln
    conn = get_db()
    rows = conn.execute(query).fetchall()  # vuln
    conn.close()
    return jsonify([dict(row) for row in rows])
