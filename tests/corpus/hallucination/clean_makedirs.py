import os
from pathlib import Path

def ensure(path: str) -> None:
    os.makedirs(path, exist_ok=True)
    Path(path, "logs").mkdir(parents=True, exist_ok=True)
