import sys

try:
    import ujson as fastjson
except ImportError:
    import json as fastjson

if sys.version_info >= (3, 12):
    from itertools import batched
else:
    batched = None

def load(text: str):
    return fastjson.loads(text)
