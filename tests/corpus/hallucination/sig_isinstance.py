def is_text(value) -> bool:
    return isinstance(value)
