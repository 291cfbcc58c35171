# Parse the list of IDs from the query string with pydantic:
from pydantic import parse_obj_as


def parse_ids(raw_ids):
    return parse_obj_as(list[int], raw_ids)
