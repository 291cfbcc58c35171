# entry: parse_pairs
# expect: equivalent
# edit: loop building a dict -> generator + dict comprehension (later keys still win)
# --- old
def parse_pairs(text: str) -> dict[str, str]:
    result = {}
    for part in text.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        result[key.strip()] = value.strip()
    return result
# --- new
def parse_pairs(text: str) -> dict[str, str]:
    pairs = (part.partition("=") for part in text.split("&") if part)
    return {key.strip(): value.strip() for key, _, value in pairs}
