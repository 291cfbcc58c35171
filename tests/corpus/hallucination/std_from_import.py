from collections import OrderedSet

def unique(items):
    return list(OrderedSet(items))
