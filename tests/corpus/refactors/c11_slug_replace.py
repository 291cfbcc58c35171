# entry: slugify
# expect: changed
# input: titles with punctuation or repeated spaces ("Hello, World!")
# witness: ("Hello, World!",)
# edit: regex over non-alphanumerics -> replace(" ", "-")
# --- old
import re


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
# --- new
def slugify(title: str) -> str:
    return title.lower().strip().replace(" ", "-")
