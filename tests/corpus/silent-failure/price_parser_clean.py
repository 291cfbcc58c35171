# Parse prices like "$1,299.00" from the scraped catalogue:
def parse_price(text: str) -> float:
    try:
        return float(text.replace("$", "").replace(",", ""))
    except ValueError:
        raise ValueError(f"not a price: {text!r}") from None


def catalogue_total(prices: list[str]) -> float:
    return sum(parse_price(p) for p in prices)
