def shout(message: str) -> str:
    return message.toUpperCase() + "!"
