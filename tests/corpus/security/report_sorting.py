# This function returns orders sorted by the column the caller asks for.
import psycopg


def list_orders(conn: psycopg.Connection, customer_id: int, sort_by: str = "created_at"):
    sql = "SELECT id, total, created_at FROM orders WHERE customer_id = %s ORDER BY " + sort_by  # vuln
    with conn.cursor() as cur:
        cur.execute(sql, (customer_id,))  # vuln
        return cur.fetchall()
