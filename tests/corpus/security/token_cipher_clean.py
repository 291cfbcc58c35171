# Encrypt API tokens before storing them.
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def encrypt_token(key, token):
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, token.encode(), None)
