# Fetch every order's customer name from the database:
import sqlite3


def customer_names(conn: sqlite3.Connection, order_ids):
    cursor = conn.cursor()
    names = {}
    for order_id in order_ids:
        cursor.execute(
            "SELECT c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = ?",
            (order_id,),
        )
        row = cursor.fetchone()
        names[order_id] = row[0] if row else None
    return names
