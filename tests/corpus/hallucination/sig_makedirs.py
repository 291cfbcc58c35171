import os

def ensure(path: str) -> None:
    os.makedirs(path, exists_ok=True)
