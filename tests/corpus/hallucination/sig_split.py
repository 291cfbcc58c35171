def first_field(line: str) -> str:
    return line.split(",", maxsplits=1)[0]
