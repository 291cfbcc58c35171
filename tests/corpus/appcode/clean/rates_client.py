"""Exchange rates from the rates service, over plain HTTP(S) with the standard library."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_EVEN, Decimal
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

RATES_BASE_URL = "https://rates.internal.example/v1"
SUPPORTED_CURRENCIES = frozenset({"EUR", "USD", "GBP", "CHF", "JPY"})
# Currencies quoted without minor units.
ZERO_DECIMAL = frozenset({"JPY"})


class RatesUnavailable(RuntimeError):
    """The rates service could not be reached or answered nonsense."""


def build_url(base_url: str, path: str, params: dict[str, str]) -> str:
    """`build_url("https://x/v1/", "/latest", {"base": "EUR"})` -> `https://x/v1/latest?base=EUR`."""
    query = urlencode(sorted(params.items()))
    url = f"{base_url.rstrip('/')}/{path.lstrip('/')}"
    return f"{url}?{query}" if query else url


def fetch_json(url: str, *, timeout: float = 5.0) -> dict[str, object]:
    request = Request(url, headers={"Accept": "application/json"})
    try:
        with urlopen(request, timeout=timeout) as response:
            payload = json.load(response)
    except (URLError, TimeoutError, json.JSONDecodeError) as exc:
        raise RatesUnavailable(f"GET {url} failed: {exc}") from exc
    if not isinstance(payload, dict):
        raise RatesUnavailable(f"GET {url}: expected an object")
    return payload


def check_currency(code: str) -> str:
    upper = code.upper()
    if upper not in SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported currency {code!r}")
    return upper


def get_rate(base: str, quote: str) -> Decimal:
    """How many `quote` one `base` buys, from the rates service."""
    base, quote = check_currency(base), check_currency(quote)
    if base == quote:
        return Decimal("1")
    payload = fetch_json(build_url(RATES_BASE_URL, "latest", {"base": base}))
    rates = payload.get("rates")
    if not isinstance(rates, dict) or quote not in rates:
        raise RatesUnavailable(f"no {base}->{quote} rate in the answer")
    return Decimal(str(rates[quote]))


def convert(amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    """`amount` times `rate`, rounded to the minor unit of the target `currency`."""
    exponent = Decimal("1") if check_currency(currency) in ZERO_DECIMAL else Decimal("0.01")
    return (amount * rate).quantize(exponent, rounding=ROUND_HALF_EVEN)
