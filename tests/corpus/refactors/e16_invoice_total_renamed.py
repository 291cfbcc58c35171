# entry: invoice_total_cents
# expect: equivalent
# edit: renamed variables, loop -> sum(), tax rounding kept (half up in integer cents)
# --- old
def invoice_total_cents(lines: list[tuple[int, int]], tax_bp: int) -> int:
    subtotal = 0
    for qty, unit in lines:
        subtotal += qty * unit
    tax = (subtotal * tax_bp + 5000) // 10000
    return subtotal + tax
# --- new
def invoice_total_cents(lines: list[tuple[int, int]], tax_bp: int) -> int:
    net = sum(quantity * unit_cents for quantity, unit_cents in lines)
    return net + (net * tax_bp + 5000) // 10000
