# entry: merge_settings
# expect: changed
# input: a section present in both with different keys (override's section replaces base's)
# witness: ({"db": {"port": 1, "pool": 2}}, {"db": {"port": 3}})
# edit: per-section merge -> shallow dict unpacking
# --- old
def merge_settings(
    base: dict[str, dict[str, int]], override: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    merged = {key: dict(section) for key, section in base.items()}
    for key, section in override.items():
        merged.setdefault(key, {}).update(section)
    return merged
# --- new
def merge_settings(
    base: dict[str, dict[str, int]], override: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    return {**base, **override}
