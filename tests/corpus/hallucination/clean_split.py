import os.path
from pathlib import PurePath

def components(path: str) -> tuple[str, ...]:
    return PurePath(path).parts

def head_tail(path: str) -> tuple[str, str]:
    return os.path.split(path)
