# Items of the catalogue that are not in stock yet:
def contains(values, wanted):
    return wanted in values


def missing(catalogue: list[int], stock: list[int]) -> list[int]:
    return [item for item in catalogue if not contains(stock, item)]
