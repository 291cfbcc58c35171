from pathlib import Path

def prepare(folder: str) -> Path:
    target = Path(folder)
    Path(folder).mkdir(parents=True, exists_ok=True)
    return target
