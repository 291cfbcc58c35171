# entry: can_delete
# expect: changed
# input: role="owner" (only that value: owners lose the right to delete)
# witness: ("owner", False)
# edit: membership test narrowed to one role
# --- old
def can_delete(role: str, locked: bool) -> bool:
    if locked:
        return False
    return role in ("admin", "owner")
# --- new
def can_delete(role: str, locked: bool) -> bool:
    return not locked and role == "admin"
