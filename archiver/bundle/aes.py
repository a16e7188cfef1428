"""WinZip AES-256, AE-2 (https://www.winzip.com/en/support/aes-encryption/).

Per entry: a random 16-byte salt, PBKDF2-HMAC-SHA1 (1,000 rounds) giving an AES key, an
HMAC key and a 2-byte password verifier; AES-CTR with a little-endian counter from 1;
HMAC-SHA1 over the ciphertext, truncated to 10 bytes. AE-2 stores CRC 0, because a CRC
of a small plaintext gives away its content.

The writer plugs `AE2Encrypter` into pyzipper; the verifier decrypts with
`AE2Decrypter` itself, so a bundle is checked by code other than the code that wrote it.
Key derivation and HMAC use OpenSSL through hashlib (three times faster than the pure
wrappers), AES-CTR uses pycryptodomex (AES-NI).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct

from Cryptodome.Cipher import AES
from Cryptodome.Util import Counter
from pyzipper.zipfile_aes import WZ_AES_V2, AESZipEncrypter, AESZipFile

EXTRA_ID = 0x9901
VENDOR_ID = b"AE"
AE_2 = 2
STRENGTH_256 = 3
COMPRESS_TYPE_AES = 99
SALT_LENGTH = 16
KEY_LENGTH = 32
VERIFIER_LENGTH = 2
MAC_LENGTH = 10
OVERHEAD = SALT_LENGTH + VERIFIER_LENGTH + MAC_LENGTH
KDF_ROUNDS = 1000


def derive_keys(password: bytes, salt: bytes) -> tuple[bytes, bytes, bytes]:
    """(AES key, HMAC key, password verifier) for one entry."""
    material = hashlib.pbkdf2_hmac(
        "sha1", password, salt, KDF_ROUNDS, dklen=2 * KEY_LENGTH + VERIFIER_LENGTH
    )
    return material[:KEY_LENGTH], material[KEY_LENGTH : 2 * KEY_LENGTH], material[-2:]


def _ctr(key: bytes) -> object:
    return AES.new(key, AES.MODE_CTR, counter=Counter.new(128, little_endian=True))


class AE2Encrypter(AESZipEncrypter):
    """pyzipper's AES encrypter, pinned to AES-256 AE-2, keyed through OpenSSL."""

    def __init__(self, pwd: bytes) -> None:  # noqa: D107 - no super(): we key it ourselves
        self.force_wz_aes_version = WZ_AES_V2
        self.conditionally_include_crc = None
        self.min_bytes_to_include_crc = None
        self.salt_length = SALT_LENGTH
        self.aes_strength = STRENGTH_256
        self.salt = secrets.token_bytes(SALT_LENGTH)
        enc_key, mac_key, self.encpwdverify = derive_keys(pwd, self.salt)
        self.encrypter = _ctr(enc_key)
        self.hmac = hmac.new(mac_key, digestmod="sha1")


class BundleZipFile(AESZipFile):
    """An AESZipFile whose every entry is AES-256 AE-2 with our encrypter."""

    def get_encrypter(self) -> AE2Encrypter:
        return AE2Encrypter(self.pwd)


def aes_extra(actual_method: int) -> bytes:
    """The 0x9901 extra field of an AE-2, AES-256 entry."""
    return struct.pack("<HHH2sBH", EXTRA_ID, 7, AE_2, VENDOR_ID, STRENGTH_256, actual_method)


class WrongPassword(Exception):
    """The 2-byte password verifier of an entry does not match."""


class AE2Decrypter:
    """Decrypts one entry's data and checks its HMAC; feed ciphertext in order."""

    def __init__(self, password: bytes, header: bytes) -> None:
        salt, verifier = header[:SALT_LENGTH], header[SALT_LENGTH:]
        enc_key, mac_key, expected = derive_keys(password, salt)
        if not hmac.compare_digest(expected, verifier):
            raise WrongPassword
        self._cipher = _ctr(enc_key)
        self._mac = hmac.new(mac_key, digestmod="sha1")

    def decrypt(self, ciphertext: bytes) -> bytes:
        self._mac.update(ciphertext)
        return self._cipher.decrypt(ciphertext)

    def mac_matches(self, stored: bytes) -> bool:
        return hmac.compare_digest(self._mac.digest()[:MAC_LENGTH], stored)
