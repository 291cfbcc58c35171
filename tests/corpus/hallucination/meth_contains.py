def mentions_python(text: str) -> bool:
    return text.contains("python")
