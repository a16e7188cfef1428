"""Damage and tampering make verify fail and name the entry and the cause."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bundle_zip_tools import (
    assemble,
    central_offset,
    data_span,
    flip_byte,
    foreign_entry,
    raw_entries,
    reencrypt,
    refresh_sidecar,
)

from archiver.bundle import BundleResult, VerifyReport, verify_bundle
from archiver.passwords import Password

TOP = "SP25-2025-2026-okres-1"
PDF = f"{TOP}/data/dokumenty/klasa-1a/dziennik-lekcyjny.pdf"
BIG = f"{TOP}/data/dokumenty/duzy.bin"


def causes(report: VerifyReport, entry: str | None = None) -> list[str]:
    return [p.cause for p in report.problems if entry is None or p.entry == entry]


def test_an_untouched_bundle_verifies_completely(bundle: BundleResult,
                                                 password: Password) -> None:
    report = verify_bundle(bundle.path, password)
    assert report.problems == []
    assert report.complete and report.sha256 == bundle.sha256
    assert {r.name.removeprefix(f"{TOP}/") for r in report.files} == {
        e.name for e in bundle.entries}


def _offset(path: Path, where: str) -> int:
    header, start, end = data_span(path, BIG)
    return {
        "local header (name)": header + 31,
        "local header (sizes)": header + 19,
        "AES salt": start + 3,
        "encrypted data": (start + end) // 2,
        "AES MAC": end - 2,
        "central directory": central_offset(path, PDF) + 21,
        "central directory (name)": central_offset(path, PDF) + 47,
        "end record": path.stat().st_size - 10,
    }[where]


@pytest.mark.parametrize("where", ["local header (name)", "local header (sizes)", "AES salt",
                                   "encrypted data", "AES MAC", "central directory",
                                   "central directory (name)", "end record"])
def test_a_flipped_byte_anywhere_fails_the_sidecar_check(bundle: BundleResult,
                                                         password: Password,
                                                         where: str) -> None:
    flip_byte(bundle.path, _offset(bundle.path, where))
    for given in (password, None):
        report = verify_bundle(bundle.path, given)
        assert not report.ok
        assert any("differs from its sidecar" in c for c in causes(report)), report.problems


HMAC_FAILED = "integrity check (HMAC) failed"


@pytest.mark.parametrize("where,entry,accepted", [
    ("local header (name)", BIG, ["disagree on the name"]),
    ("local header (sizes)", BIG, ["disagree on the compressed size"]),
    # A changed salt fails the 2-byte password check, or (1 in 65,536) the HMAC.
    ("AES salt", BIG, ["encryption header was altered", HMAC_FAILED]),
    ("encrypted data", BIG, [HMAC_FAILED]),
    ("AES MAC", BIG, [HMAC_FAILED]),
    ("central directory", PDF, ["disagree on the compressed size"]),
])
def test_a_flipped_byte_is_named_even_with_a_forged_sidecar(bundle: BundleResult,
                                                            password: Password, where: str,
                                                            entry: str,
                                                            accepted: list[str]) -> None:
    flip_byte(bundle.path, _offset(bundle.path, where))
    refresh_sidecar(bundle.path)  # the tamperer also rewrote the checksum file
    report = verify_bundle(bundle.path, password)
    assert any(a in c for a in accepted for c in causes(report, entry)), report.problems


def test_a_removed_entry_is_named(bundle: BundleResult, password: Password) -> None:
    assemble([e for e in raw_entries(bundle.path) if e.name != PDF], bundle.path)
    refresh_sidecar(bundle.path)
    report = verify_bundle(bundle.path, password)
    assert "listed in manifest-sha256.txt but missing from the bundle" in causes(report, PDF)
    assert any(c.startswith("Payload-Oxum does not match") for c in causes(report))


def test_a_removed_entry_breaks_the_original_sidecar(bundle: BundleResult) -> None:
    assemble([e for e in raw_entries(bundle.path) if e.name != PDF], bundle.path)
    report = verify_bundle(bundle.path, None)
    assert any("differs from its sidecar" in c for c in causes(report))


@pytest.mark.parametrize("name,cause", [
    (f"{TOP}/data/dokumenty/dodany.pdf", "not listed in manifest-sha256.txt"),
    (f"{TOP}/notatka.txt", "not listed in tagmanifest-sha256.txt"),
])
def test_an_added_entry_is_named(bundle: BundleResult, password: Password, tmp_path: Path,
                                 name: str, cause: str) -> None:
    added = foreign_entry(tmp_path, name, b"smuggled in", password.encode())
    assemble([*raw_entries(bundle.path), added], bundle.path)
    refresh_sidecar(bundle.path)
    report = verify_bundle(bundle.path, password)
    assert any(c.startswith(cause) for c in causes(report, name)), report.problems


def test_a_wrong_password_is_named_as_such(bundle: BundleResult) -> None:
    report = verify_bundle(bundle.path, "a-wrong-but-long-password")
    assert causes(report) == ["wrong password: no entry could be decrypted with it"]
    assert any("wrong password" in item for item in report.not_checked)


def test_a_tampered_manifest_is_named(bundle: BundleResult, password: Password,
                                      tmp_path: Path) -> None:
    forged = tmp_path / bundle.path.name
    with_changed_line = _manifest_with_one_hash_changed(bundle, password)
    reencrypt(bundle.path, forged, password.encode(),
              {f"{TOP}/manifest-sha256.txt": with_changed_line})
    shutil.copy(bundle.sidecar_path, forged.with_name(forged.name + ".sha256"))
    refresh_sidecar(forged)
    report = verify_bundle(forged, password)
    assert any(c.startswith("checksum mismatch (sha256, tagmanifest-sha256.txt)")
               for c in causes(report, f"{TOP}/manifest-sha256.txt")), report.problems
    assert any(c.startswith("checksum mismatch (sha256, manifest-sha256.txt)")
               for c in causes(report, PDF)), report.problems


def _manifest_with_one_hash_changed(bundle: BundleResult, password: Password) -> bytes:
    import pyzipper

    with pyzipper.AESZipFile(bundle.path) as archive:
        archive.setpassword(password.encode())
        text = archive.read(f"{TOP}/manifest-sha256.txt").decode()
    pdf_line = next(line for line in text.splitlines() if line.endswith("dziennik-lekcyjny.pdf"))
    return text.replace(pdf_line, "0" * 64 + pdf_line[64:]).encode()


def test_changed_content_with_the_password_is_named(bundle: BundleResult, password: Password,
                                                    tmp_path: Path) -> None:
    forged = tmp_path / bundle.path.name
    reencrypt(bundle.path, forged, password.encode(), {PDF: b"%PDF-1.7 forged"})
    refresh_sidecar(forged)
    report = verify_bundle(forged, password)
    for algorithm in ("sha256", "sha512"):
        assert any(c.startswith(f"checksum mismatch ({algorithm}, manifest-{algorithm}")
                   for c in causes(report, PDF)), report.problems


def test_a_deleted_sidecar_is_reported(bundle: BundleResult, password: Password) -> None:
    bundle.sidecar_path.unlink()
    report = verify_bundle(bundle.path, password)
    assert causes(report) == [f"the sidecar {bundle.sidecar_path.name} is missing"]


def test_a_truncated_bundle_is_not_a_zip_any_more(bundle: BundleResult) -> None:
    data = bundle.path.read_bytes()
    bundle.path.write_bytes(data[: len(data) // 2])
    report = verify_bundle(bundle.path, None)
    assert "not a ZIP file: no end of central directory record" in causes(report)


def test_a_forged_sidecar_cannot_inject_terminal_escapes(bundle: BundleResult) -> None:
    bundle.sidecar_path.write_text(f"{'0' * 64}  \x1b]0;owned\x07{bundle.path.name}\n")
    report = verify_bundle(bundle.path, None)
    assert not report.ok
    assert not any("\x1b" in str(p) for p in report.problems)
