# Fetch every order's customer name from the database:
import sqlite3


def customer_names(conn: sqlite3.Connection, order_ids):
    ids = list(order_ids)
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id "
        f"WHERE o.id IN ({marks})",
        ids,
    ).fetchall()
    names = dict.fromkeys(ids)
    names.update(rows)
    return names
