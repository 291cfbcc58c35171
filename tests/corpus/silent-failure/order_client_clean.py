# Here's a client that reports API failures to the caller:
import requests

API = "https://api.shop.example.com"


class OrdersUnavailable(RuntimeError):
    pass


def fetch_orders(customer_id: int) -> list[dict]:
    try:
        response = requests.get(f"{API}/customers/{customer_id}/orders", timeout=10)
        response.raise_for_status()
    except requests.RequestException as error:
        raise OrdersUnavailable(f"orders of customer {customer_id}: {error}") from error
    return response.json()["orders"]


def order_total(order: dict) -> float:
    return sum(item["price"] * item["quantity"] for item in order["items"])
