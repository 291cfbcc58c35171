import itertools

def flatten(rows):
    return list(itertools.flatten(rows))
