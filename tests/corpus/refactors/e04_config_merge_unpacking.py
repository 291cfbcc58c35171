# entry: effective_config
# expect: equivalent
# edit: copy + update loop -> dict unpacking (same key order, overrides win)
# --- old
def effective_config(defaults: dict[str, int], overrides: dict[str, int]) -> dict[str, int]:
    merged = dict(defaults)
    for key, value in overrides.items():
        merged[key] = value
    return merged
# --- new
def effective_config(defaults: dict[str, int], overrides: dict[str, int]) -> dict[str, int]:
    return {**defaults, **overrides}
