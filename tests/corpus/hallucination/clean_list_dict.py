def evens(limit: int) -> list[int]:
    result = []
    for n in range(limit):
        if n % 2 == 0:
            result.append(n)
    return result

def has_user(name: str) -> bool:
    known = {"admin": 1}
    return name in known and known.get(name) is not None
