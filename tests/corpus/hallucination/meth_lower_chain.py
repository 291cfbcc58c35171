def is_json(content_type: str) -> bool:
    return content_type.lower().includes("json")
