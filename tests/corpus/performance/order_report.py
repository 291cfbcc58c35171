# Print each order with its customer's name (SQLAlchemy ORM):
from sqlalchemy import select


def order_lines(session, Order):
    lines = []
    for order in session.scalars(select(Order)):
        lines.append(f"{order.id}: {order.customer.name}")
    return lines
