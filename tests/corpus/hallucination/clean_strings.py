def first_field(line: str) -> str:
    return line.split(",", 1)[0]

def mentions_python(text: str) -> bool:
    return "python" in text.lower()

def shout(message: str) -> str:
    return message.upper() + "!"
