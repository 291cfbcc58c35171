# Detect the user's encoding (works on every platform):
import locale


def user_encoding():
    """
    >>> isinstance(user_encoding(), str)
    True
    """
    return locale.getpreferredencoding(False) or "utf-8"
