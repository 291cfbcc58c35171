# Here's a small client for the payments API with some logging to help debugging:
import logging
import os

import requests

logger = logging.getLogger(__name__)


class PaymentClient:
    def __init__(self, api_key=None, base_url="https://api.payments.example.com"):
        self.api_key = api_key or os.environ["PAYMENTS_API_KEY"]
        self.base_url = base_url
        logger.debug("PaymentClient initialised for %s", self.base_url)

    def charge(self, amount_cents, currency, source):
        response = requests.post(
            f"{self.base_url}/charges",
            json={"amount": amount_cents, "currency": currency, "source": source},
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()
