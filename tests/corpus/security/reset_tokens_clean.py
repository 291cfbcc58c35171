# Generate a password-reset token and store it with an expiry:
import datetime
import secrets


def create_reset_token(user, store, length=32):
    token = secrets.token_urlsafe(length)
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    store.save(user.id, token, expires)
    return token
