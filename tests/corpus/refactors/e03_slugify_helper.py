# entry: slugify
# expect: equivalent
# edit: extracted a per-character helper, inverted the condition
# --- old
def slugify(title: str) -> str:
    out = []
    for ch in title.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")
# --- new
def _slug_char(ch: str) -> str:
    return ch if ch.isalnum() else "-"


def slugify(title: str) -> str:
    chars: list[str] = []
    for ch in title.lower():
        c = _slug_char(ch)
        if c == "-" and (not chars or chars[-1] == "-"):
            continue
        chars.append(c)
    return "".join(chars).strip("-")
