# Currency conversion helpers:
from decimal import Decimal


def get_rate(base: str, quote: str, rates: dict[tuple[str, str], Decimal]) -> Decimal:
    try:
        return rates[(base, quote)]
    except KeyError:
        raise LookupError(f"no rate for {base}/{quote}") from None


def convert(amount: Decimal, base: str, quote: str, rates) -> Decimal:
    return (amount * get_rate(base, quote, rates)).quantize(Decimal("0.01"))


def supported_currencies() -> list[str]:
    return ["EUR", "USD", "GBP"]


def refresh_rates(cache, provider) -> None:
    cache.update(provider.latest())
