# The internal service uses a certificate from the company CA:
import requests

COMPANY_CA = "/etc/ssl/certs/company-ca.pem"


def get_inventory(sku: str) -> dict:
    response = requests.get(
        f"https://inventory.internal/api/items/{sku}", verify=COMPANY_CA, timeout=5
    )
    response.raise_for_status()
    return response.json()
