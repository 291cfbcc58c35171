# entry: normalise_username
# expect: changed
# input: names with leading whitespace ("  Bob")
# witness: ("  Bob",)
# edit: strip() -> rstrip()
# --- old
def normalise_username(name: str) -> str:
    return name.strip().lower()
# --- new
def normalise_username(name: str) -> str:
    return name.rstrip().lower()
