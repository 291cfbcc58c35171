# Flask endpoint returning an order; errors are reported to the caller.
import logging
import sqlite3

from flask import Flask, jsonify

app = Flask(__name__)
log = logging.getLogger(__name__)


@app.route("/orders/<int:order_id>")
def get_order(order_id):
    try:
        with sqlite3.connect("shop.db") as conn:
            row = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    except sqlite3.Error:
        log.exception("order lookup failed")
        return jsonify({"error": "internal error"}), 500
    return jsonify({"order": row})
