# This function returns orders sorted by the column the caller asks for.
import psycopg

SORTABLE = {"created_at": "created_at", "total": "total", "id": "id"}


def list_orders(conn: psycopg.Connection, customer_id: int, sort_by: str = "created_at"):
    column = SORTABLE.get(sort_by)
    if column is None:
        raise ValueError(f"cannot sort by {sort_by!r}")
    queries = {
        "created_at": "SELECT id, total, created_at FROM orders WHERE customer_id = %s ORDER BY created_at",
        "total": "SELECT id, total, created_at FROM orders WHERE customer_id = %s ORDER BY total",
        "id": "SELECT id, total, created_at FROM orders WHERE customer_id = %s ORDER BY id",
    }
    with conn.cursor() as cur:
        cur.execute(queries[column], (customer_id,))
        return cur.fetchall()
