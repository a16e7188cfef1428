"""The writer's closing check reuses the keys it derived while writing (one PBKDF2 an
entry, not two) and still catches an entry damaged on the disk before it is published."""

from __future__ import annotations

from pathlib import Path

import pytest
from bundle_fixtures import write_bundle
from bundle_zip_tools import data_span, flip_byte

from archiver.bundle import aes, verify_bundle
from archiver.bundle.writer import BundleWriter
from archiver.errors import VerificationError
from archiver.passwords import Password

TOP = "SP25-2025-2026-okres-1"
BIG = f"{TOP}/data/dokumenty/duzy.bin"


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    salts: list[bytes] = []
    real = aes.derive_keys

    def derive_keys(password: bytes, salt: bytes) -> tuple[bytes, bytes, bytes]:
        salts.append(salt)
        return real(password, salt)

    monkeypatch.setattr(aes, "derive_keys", derive_keys)
    return salts


def test_closing_check_derives_no_key_again(tmp_path: Path, password: Password,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    salts = _counted(monkeypatch)
    result = write_bundle(tmp_path / f"{TOP}.zip", password)
    assert len(salts) == len(set(salts)) == len(result.entries)  # one derivation an entry
    salts.clear()
    report = verify_bundle(result.path, password)  # `archiver verify` derives every key
    assert report.problems == [] and report.complete
    assert len(salts) == len(result.entries)


@pytest.mark.parametrize("where", ["AES salt", "AES verifier", "encrypted data"])
def test_an_entry_damaged_before_the_closing_check_is_not_published(
        tmp_path: Path, password: Password, monkeypatch: pytest.MonkeyPatch,
        where: str) -> None:
    real = BundleWriter._verify_partial

    def damaged(self: BundleWriter) -> tuple[str, int]:
        partial = self._partials[0]
        _header, start, end = data_span(partial, BIG)
        flip_byte(partial, {"AES salt": start + 3, "AES verifier": start + aes.SALT_LENGTH,
                            "encrypted data": (start + end) // 2}[where])
        return real(self)

    monkeypatch.setattr(BundleWriter, "_verify_partial", damaged)
    target = tmp_path / f"{TOP}.zip"
    with pytest.raises(VerificationError):
        write_bundle(target, password)
    assert not target.exists()
