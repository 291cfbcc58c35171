# The internal service uses a self-signed certificate, so disable verification:
import requests
import urllib3

urllib3.disable_warnings()


def get_inventory(sku: str) -> dict:
    response = requests.get(
        f"https://inventory.internal/api/items/{sku}", verify=False, timeout=5  # vuln
    )
    response.raise_for_status()
    return response.json()
