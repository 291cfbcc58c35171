# entry: initials
# expect: changed
# input: name=None (raises AttributeError instead of returning "")
# witness: (None,)
# edit: dropped the `if not name` guard as "redundant"
# --- old
from typing import Optional


def initials(name: Optional[str]) -> str:
    if not name:
        return ""
    return "".join(part[0].upper() for part in name.split())
# --- new
from typing import Optional


def initials(name: Optional[str]) -> str:
    return "".join(part[0].upper() for part in name.split())
