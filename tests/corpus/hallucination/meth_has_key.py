def has_user(users: dict, name: str) -> bool:
    known = {"admin": 1}
    return known.has_key(name)
