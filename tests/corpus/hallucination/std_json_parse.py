import json

def read_config(text: str) -> dict:
    return json.parse(text)
