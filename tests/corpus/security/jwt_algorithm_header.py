# Decode the token with whatever algorithm it was signed with:
import jwt


def decode_token(token: str, key: str) -> dict:
    header = jwt.get_unverified_header(token)
    return jwt.decode(token, key, algorithms=[header["alg"]])  # vuln
