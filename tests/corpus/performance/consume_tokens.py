# Consume the token list from the front until it is empty:
def consume(tokens: list[str]) -> int:
    count = 0
    while tokens:
        head = tokens[0]
        tokens = tokens[1:]
        if head:
            count += 1
    return count
