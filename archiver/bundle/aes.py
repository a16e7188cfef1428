"""WinZip AES-256, AE-2 (https://www.winzip.com/en/support/aes-encryption/).

Per entry: a random 16-byte salt, PBKDF2-HMAC-SHA1 (1,000 rounds) giving an AES key, an
HMAC key and a 2-byte password verifier; AES-CTR with a little-endian counter from 1;
HMAC-SHA1 over the ciphertext, truncated to 10 bytes. AE-2 stores CRC 0, because a CRC
of a small plaintext gives away its content.

The writer plugs `AE2Encrypter` into pyzipper; the verifier decrypts with
`AE2Decrypter` itself, so a bundle is checked by code other than the code that wrote it.
The writer's own closing check may hand the verifier the keys it derived for each
password and salt (`BundleZipFile.derived`): the same PBKDF2 of the same inputs, 2 ms an
entry (a tenth of an unchanged re-run); the salt, verifier, HMAC and plaintext are still
read back from the file and checked, and a password encoded otherwise is derived anew.
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
Derived = dict[tuple[bytes, bytes], tuple[bytes, bytes, bytes]]  # (password, salt): keys


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

    def __init__(self, pwd: bytes,  # noqa: D107 - no super(): we key it ourselves
                 derived: Derived | None = None) -> None:
        self.force_wz_aes_version = WZ_AES_V2
        self.conditionally_include_crc = None
        self.min_bytes_to_include_crc = None
        self.salt_length = SALT_LENGTH
        self.aes_strength = STRENGTH_256
        self.salt = secrets.token_bytes(SALT_LENGTH)
        keys = derive_keys(pwd, self.salt)
        if derived is not None:
            derived[pwd, self.salt] = keys
        enc_key, mac_key, self.encpwdverify = keys
        self.encrypter = _ctr(enc_key)
        self.hmac = hmac.new(mac_key, digestmod="sha1")


class BundleZipFile(AESZipFile):
    """An AESZipFile whose every entry is AES-256 AE-2 with our encrypter; `derived` keeps
    each entry's keys by its password and salt, for the writer's closing check (never
    written)."""

    derived: Derived

    def get_encrypter(self) -> AE2Encrypter:
        if not hasattr(self, "derived"):
            self.derived = {}
        return AE2Encrypter(self.pwd, self.derived)


def aes_extra(actual_method: int) -> bytes:
    """The 0x9901 extra field of an AE-2, AES-256 entry."""
    return struct.pack("<HHH2sBH", EXTRA_ID, 7, AE_2, VENDOR_ID, STRENGTH_256, actual_method)


class WrongPassword(Exception):
    """The 2-byte password verifier of an entry does not match."""


class AE2Decrypter:
    """Decrypts one entry's data and checks its HMAC; feed ciphertext in order."""

    def __init__(self, password: bytes, header: bytes,
                 derived: Derived | None = None) -> None:
        """`derived`: keys by (password, salt), as derive_keys gave them while writing the
        entries (the writer's own check); other passwords and salts are derived."""
        salt, verifier = header[:SALT_LENGTH], header[SALT_LENGTH:]
        keys = derived.get((password, salt)) if derived else None
        enc_key, mac_key, expected = keys or derive_keys(password, salt)
        if not hmac.compare_digest(expected, verifier):
            raise WrongPassword
        self._cipher = _ctr(enc_key)
        self._mac = hmac.new(mac_key, digestmod="sha1")

    def decrypt(self, ciphertext: bytes) -> bytes:
        self._mac.update(ciphertext)
        return self._cipher.decrypt(ciphertext)

    def mac_matches(self, stored: bytes) -> bool:
        return hmac.compare_digest(self._mac.digest()[:MAC_LENGTH], stored)
