def evens(limit: int) -> list[int]:
    result = []
    for n in range(limit):
        if n % 2 == 0:
            result.push(n)
    return result
