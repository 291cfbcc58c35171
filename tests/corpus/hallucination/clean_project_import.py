from .models import Invoice
from . import helpers

def total(invoice: "Invoice") -> float:
    return helpers.sum_lines(invoice)
