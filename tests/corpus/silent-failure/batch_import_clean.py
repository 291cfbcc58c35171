# Import the rows from the CSV export, reporting the bad ones:
import csv
import logging
from decimal import Decimal, InvalidOperation

logger = logging.getLogger(__name__)


def import_products(path, repository):
    imported, rejected = 0, []
    with open(path, newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                price = Decimal(row["price"])
            except (KeyError, InvalidOperation) as error:
                rejected.append((number, str(error)))
                continue
            repository.add(row["sku"], row["name"], price)
            imported += 1
    if rejected:
        logger.warning("%d rows rejected: %s", len(rejected), rejected[:10])
    return imported, rejected
