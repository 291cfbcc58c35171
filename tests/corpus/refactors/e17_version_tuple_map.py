# entry: version_tuple
# expect: equivalent
# edit: append loop -> tuple(map(int, ...))
# --- old
def version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        parts.append(int(piece))
    return tuple(parts)
# --- new
def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(map(int, version.split(".")))
