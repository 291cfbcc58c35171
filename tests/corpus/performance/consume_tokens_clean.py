# Consume the token list from the front until it is empty:
def consume(tokens: list[str]) -> int:
    count = 0
    for head in tokens:
        if head:
            count += 1
    return count
