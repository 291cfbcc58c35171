# Print each order with its customer's name (SQLAlchemy ORM):
from sqlalchemy import select
from sqlalchemy.orm import joinedload


def order_lines(session, Order):
    query = select(Order).options(joinedload(Order.customer))
    return [f"{order.id}: {order.customer.name}" for order in session.scalars(query)]
