"""Crafted ZIPs: verify refuses unsafe names without extracting anything, and names
every structural lie (duplicates, plain entries, sizes, offsets, hidden bytes)."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from bundle_zip_tools import (
    RawEntry,
    assemble,
    central_offset,
    data_span,
    foreign_entry,
    patch,
    raw_entries,
    refresh_sidecar,
)

from archiver.bundle import BundleResult, VerifyReport, verify_bundle
from archiver.passwords import Password

TOP = "SP25-2025-2026-okres-1"
PDF = f"{TOP}/data/dokumenty/klasa-1a/dziennik-lekcyjny.pdf"
CSV = f"{TOP}/data/dokumenty/klasa-1a/frekwencja.csv"


def causes(report: VerifyReport, entry: str | None = None) -> list[str]:
    return [p.cause for p in report.problems if entry is None or p.entry == entry]


def tree(folder: Path) -> set[tuple[str, int]]:
    return {(str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*")}


def rebuild(bundle: BundleResult, replace: dict[str, RawEntry | None],
            append: list[RawEntry] = ()) -> None:
    entries = []
    for entry in raw_entries(bundle.path):
        if entry.name not in replace:
            entries.append(entry)
        elif replace[entry.name] is not None:
            entries.append(replace[entry.name])
    assemble([*entries, *append], bundle.path)
    refresh_sidecar(bundle.path)


@pytest.mark.parametrize("evil", ["../evil.txt", f"{TOP}/data/../../evil.txt",
                                  "/tmp/evil.txt", "C:/evil.txt", f"{TOP}\\data\\evil.txt"])
def test_unsafe_entry_names_are_refused_without_extracting(
        bundle: BundleResult, password: Password, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, evil: str) -> None:
    entry = next(e for e in raw_entries(bundle.path) if e.name == PDF)
    rebuild(bundle, {PDF: entry.renamed(evil)})
    work = tmp_path / "out" / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = tree(tmp_path)
    report = verify_bundle(bundle.path, password)
    assert any(c.startswith("unsafe entry name, refused") for c in causes(report, evil))
    assert all("refused: unsafe entry names" in item for item in report.not_checked)
    assert tree(tmp_path) == before
    assert not Path("/tmp/evil.txt").exists()


def test_a_duplicated_entry_name_is_named(bundle: BundleResult, password: Password) -> None:
    copy = next(e for e in raw_entries(bundle.path) if e.name == PDF)
    rebuild(bundle, {}, [copy])
    report = verify_bundle(bundle.path, password)
    assert "duplicated entry name" in causes(report, PDF)


def test_names_differing_only_in_case_are_named(bundle: BundleResult,
                                                password: Password) -> None:
    copy = next(e for e in raw_entries(bundle.path) if e.name == PDF)
    rebuild(bundle, {}, [copy.renamed(PDF.upper().replace(TOP.upper(), TOP))])
    report = verify_bundle(bundle.path, password)
    assert any("differ only in letter case" in c for c in causes(report))


def test_an_unencrypted_entry_among_encrypted_ones_is_named(
        bundle: BundleResult, password: Password, tmp_path: Path) -> None:
    plain = foreign_entry(tmp_path, PDF, b"%PDF-1.7 plain text anyone can read", None)
    rebuild(bundle, {PDF: plain})
    report = verify_bundle(bundle.path, password)
    assert "stored unencrypted among encrypted entries" in causes(report, PDF)


def test_a_legacy_zipcrypto_flagged_entry_is_named(bundle: BundleResult,
                                                   password: Password, tmp_path: Path) -> None:
    plain = foreign_entry(tmp_path, PDF, b"%PDF-1.7 weakly protected", None)
    local, central = bytearray(plain.local), bytearray(plain.central)
    struct.pack_into("<H", local, 6, 1)
    struct.pack_into("<H", central, 8, 1)
    rebuild(bundle, {PDF: RawEntry(PDF, bytes(local), bytes(central))})
    report = verify_bundle(bundle.path, password)
    assert any(c.startswith("not AES-encrypted") for c in causes(report, PDF))


def test_an_ae1_entry_is_named(bundle: BundleResult, password: Password,
                               tmp_path: Path) -> None:
    ae1 = foreign_entry(tmp_path, PDF, b"%PDF-1.7 with a CRC", password.encode(),
                        force_wz_aes_version=1)
    rebuild(bundle, {PDF: ae1})
    report = verify_bundle(bundle.path, password)
    assert any(c.startswith("not WinZip AE-2") for c in causes(report, PDF))


@pytest.mark.parametrize("field,offset,cause", [
    ("compressed size", 20, "disagree on the compressed size"),
    ("size", 24, "disagree on the size"),
])
def test_a_central_directory_lying_about_sizes_is_named(
        bundle: BundleResult, password: Password, field: str, offset: int, cause: str) -> None:
    where = central_offset(bundle.path, CSV) + offset
    true_value = struct.unpack_from("<L", bundle.path.read_bytes(), where)[0]
    patch(bundle.path, where, "<L", true_value + 100)
    refresh_sidecar(bundle.path)
    report = verify_bundle(bundle.path, password)
    assert any(cause in c for c in causes(report, CSV)), report.problems


def test_a_central_directory_lying_about_an_offset_is_named(
        bundle: BundleResult, password: Password) -> None:
    pdf_header = data_span(bundle.path, PDF)[0]
    patch(bundle.path, central_offset(bundle.path, CSV) + 42, "<L", pdf_header)
    refresh_sidecar(bundle.path)
    report = verify_bundle(bundle.path, password)
    assert any("disagree on the name" in c for c in causes(report, CSV)), report.problems


def test_an_offset_pointing_nowhere_is_named(bundle: BundleResult, password: Password) -> None:
    patch(bundle.path, central_offset(bundle.path, CSV) + 42, "<L", 7)
    refresh_sidecar(bundle.path)
    report = verify_bundle(bundle.path, password)
    assert any(c.startswith("no local header at the offset") for c in causes(report, CSV))


def test_both_headers_understating_the_size_are_caught_while_inflating(
        bundle: BundleResult, password: Password) -> None:
    header = data_span(bundle.path, CSV)[0]
    patch(bundle.path, header + 22, "<L", 1000)
    patch(bundle.path, central_offset(bundle.path, CSV) + 24, "<L", 1000)
    refresh_sidecar(bundle.path)
    report = verify_bundle(bundle.path, password)
    assert "more data than the central directory declares" in causes(report, CSV)


def test_bytes_hidden_between_entries_are_named(bundle: BundleResult,
                                                password: Password) -> None:
    entries = raw_entries(bundle.path)
    index = next(i for i, e in enumerate(entries) if e.name == PDF)
    entries[index - 1] = RawEntry(entries[index - 1].name,
                                  entries[index - 1].local + b"hidden payload",
                                  entries[index - 1].central)
    assemble(entries, bundle.path)
    refresh_sidecar(bundle.path)
    report = verify_bundle(bundle.path, password)
    assert "unaccounted bytes before this entry" in causes(report, PDF)


def test_an_archive_comment_is_reported(bundle: BundleResult) -> None:
    data = bytearray(bundle.path.read_bytes())
    struct.pack_into("<H", data, len(data) - 2, 5)
    bundle.path.write_bytes(bytes(data) + b"hello")
    refresh_sidecar(bundle.path)
    report = verify_bundle(bundle.path, None)
    assert any(c.startswith("the archive carries a comment") for c in causes(report))


def test_a_directory_entry_is_reported(bundle: BundleResult, password: Password,
                                       tmp_path: Path) -> None:
    folder = foreign_entry(tmp_path, f"{TOP}/data/folder/", b"", password.encode())
    rebuild(bundle, {}, [folder])
    report = verify_bundle(bundle.path, password)
    assert "a directory entry (bundles hold files only)" in causes(report, f"{TOP}/data/folder/")


@pytest.mark.parametrize("content", [b"", b"not a zip at all" * 10, os.urandom(5000)])
def test_something_that_is_not_a_zip_is_reported(tmp_path: Path, content: bytes,
                                                 password: Password) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(content)
    report = verify_bundle(path, password)
    assert "not a ZIP file: no end of central directory record" in causes(report)


def test_a_name_with_terminal_escapes_is_shown_escaped(bundle: BundleResult,
                                                       password: Password) -> None:
    entry = next(e for e in raw_entries(bundle.path) if e.name == PDF)
    rebuild(bundle, {PDF: entry.renamed(f"{TOP}/data/\x1b[2Jclear.pdf")})
    report = verify_bundle(bundle.path, password)
    shown = [str(p) for p in report.problems]
    assert any("\\x1b[2Jclear.pdf" in line for line in shown)
    assert not any("\x1b" in line for line in shown)

