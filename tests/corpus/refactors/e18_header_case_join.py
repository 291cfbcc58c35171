# entry: header_case
# expect: equivalent
# edit: manual capitalisation loop -> join over a conditional expression (not str.capitalize,
#   which title-cases the first letter: "ǆ" would become "ǅ", not "Ǆ")
# --- old
def header_case(name: str) -> str:
    words = []
    for word in name.split("-"):
        words.append(word[:1].upper() + word[1:].lower())
    return "-".join(words)
# --- new
def header_case(name: str) -> str:
    return "-".join(w[0].upper() + w[1:].lower() if w else "" for w in name.split("-"))
