# Parse prices like "$1,299.00" from the scraped catalogue:
def parse_price(text: str) -> float:
    try:
        return float(text.replace("$", "").replace(",", ""))
    except (ValueError, AttributeError):
        return 0.0


def catalogue_total(prices: list[str]) -> float:
    return sum(parse_price(p) for p in prices)
