"""Reading numbers people type into the order form."""


def parse_amount(text: str) -> int:
    """Whole units typed in a form field, thousands separators allowed ('1,250' is 1250);
    0 when the field holds no whole number."""
    digits = text.replace(",", "").replace("_", "").strip()
    if digits.isdigit():
        return int(digits)
    return 0


def parse_order_ref(text: str) -> int:
    """The number of an order reference ('ORD-1042' is 1042); 0 for anything else."""
    prefix, _, number = text.strip().upper().partition("ORD-")
    if prefix or not number.isdigit():
        return 0
    return int(number)
