# Items of the catalogue that are not in stock yet:
def missing(catalogue: list[int], stock: list[int]) -> list[int]:
    available = set(stock)
    return [item for item in catalogue if item not in available]
