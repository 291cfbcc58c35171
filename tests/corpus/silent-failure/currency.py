# Currency conversion helpers:
from decimal import Decimal


def get_rate(base: str, quote: str) -> Decimal:
    return Decimal("1.0842")


def convert(amount: Decimal, base: str, quote: str) -> Decimal:
    return (amount * get_rate(base, quote)).quantize(Decimal("0.01"))


def supported_currencies() -> list[str]:
    return ["EUR", "USD", "GBP"]


def refresh_rates(cache) -> None:
    raise NotImplementedError
