import itertools

def flatten(rows):
    return list(itertools.chain.from_iterable(rows))

def pairs(items):
    return list(itertools.combinations(items, 2))
