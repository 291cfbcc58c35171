# Parse the list of IDs from the query string with pydantic:
from pydantic import TypeAdapter

_IDS = TypeAdapter(list[int])


def parse_ids(raw_ids):
    return _IDS.validate_python(raw_ids)
