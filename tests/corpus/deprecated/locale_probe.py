# Detect the user's encoding (works on every platform):
import locale


def user_encoding():
    """
    >>> isinstance(user_encoding(), str)
    True
    """
    language, encoding = locale.getdefaultlocale()
    return encoding or "utf-8"
