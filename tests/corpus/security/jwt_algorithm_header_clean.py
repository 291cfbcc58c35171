# Decode the token with the one algorithm the service signs with:
import jwt


def decode_token(token: str, key: str) -> dict:
    return jwt.decode(token, key, algorithms=["HS256"])
