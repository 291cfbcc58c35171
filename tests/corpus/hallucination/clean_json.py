import json

def read_config(text: str) -> dict:
    return json.loads(text)

def write_config(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=True)
