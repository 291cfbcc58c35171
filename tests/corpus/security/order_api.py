# Flask endpoint returning an order; errors are reported to the caller.
import sqlite3

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/orders/<int:order_id>")
def get_order(order_id):
    try:
        with sqlite3.connect("shop.db") as conn:
            row = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    except sqlite3.Error as exc:
        return jsonify({"error": f"database error: {exc}"}), 500  # vuln
    return jsonify({"order": row})
