# entry: unique_tags
# expect: changed
# input: two or more distinct tags (first-seen order lost)
# witness: (["b", "a", "c", "d", "e", "f"],)
# edit: order-preserving dedupe -> list(set(...))
# --- old
def unique_tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tag.strip().lower() for tag in tags))
# --- new
def unique_tags(tags: list[str]) -> list[str]:
    return list({tag.strip().lower() for tag in tags})
