# The service layer converts models to JSON before caching them:
import json

from pydantic import BaseModel


class Order(BaseModel):
    id: int
    total: float


def cache_entry(order):
    return json.dumps(order.dict())


def restore(text):
    return Order.parse_raw(text)
