# Generate a password-reset token and store it with an expiry:
import datetime
import random
import string


def create_reset_token(user, store, length=32):
    alphabet = string.ascii_letters + string.digits
    token = "".join(random.choice(alphabet) for _ in range(length))  # vuln
    expires = datetime.datetime.utcnow() + datetime.timedelta(hours=1)
    store.save(user.id, token, expires)
    return token
