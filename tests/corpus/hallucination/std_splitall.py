import os.path

def components(path: str) -> list[str]:
    # split a path into all of its parts
    return os.path.splitall(path)
