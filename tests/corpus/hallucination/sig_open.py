def read(path: str) -> str:
    with open(path, encodings="utf-8") as handle:
        return handle.read()
