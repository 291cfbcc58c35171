# Encrypt API tokens before storing them.
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

IV = b"0123456789abcdef"


def encrypt_token(key, token):
    padder = padding.PKCS7(128).padder()
    data = padder.update(token.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(IV)).encryptor()  # vuln
    return encryptor.update(data) + encryptor.finalize()
