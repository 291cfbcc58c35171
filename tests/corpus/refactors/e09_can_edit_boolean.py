# entry: can_edit
# expect: equivalent
# edit: chain of ifs returning True/False -> one boolean expression
# --- old
def can_edit(role: str, is_owner: bool, locked: bool) -> bool:
    if locked:
        return role == "admin"
    if role in ("admin", "editor"):
        return True
    if is_owner:
        return True
    return False
# --- new
def can_edit(role: str, is_owner: bool, locked: bool) -> bool:
    if locked:
        return role == "admin"
    return role in ("admin", "editor") or is_owner
