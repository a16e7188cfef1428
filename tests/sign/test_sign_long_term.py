"""Signatures that outlive their certificates (issue 17), against a real local PKI: a
term-end with a timestamp URL gives B-LTA PDFs and a CAdES-T seal with its long-term
data; verify --at years after the signer's certificate expired passes offline, while a
baseline-B bundle is reported with an unproven signing time."""

from __future__ import annotations

import asyncio
import io
import socket
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import pyzipper
from click.testing import CliRunner
from local_pki import DIRECTOR, P12_PASSWORD
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import ades

from archiver.bundle import BundleWriter
from archiver.cli import main_group
from archiver.demo import write_demo
from archiver.sign import load_signer, load_trust_roots, sign_pdf
from archiver.sign.bundles import seal_bag
from archiver.sign.clock import signing_clock
from archiver.sign.longterm import _timing, validation_spec

PASSWORD = "jezyna-Kwiat-58-wydma-Bug-sosna-Pszczola"


def _term_end(folder: Path, pki, *extra: str) -> Path:
    folder.mkdir()
    (folder / "out").mkdir()
    export = write_demo(folder / "eksport.zip", "small", 2026, "zip")
    (folder / "pw.txt").write_text(PASSWORD + "\n")
    (folder / "p12pw.txt").write_bytes(P12_PASSWORD + b"\n")
    result = CliRunner().invoke(main_group, [
        "term-end", str(export), "--term", "2", "--out", str(folder / "out"),
        "--password-file", str(folder / "pw.txt"), "--state-dir", str(folder / "st"),
        "-j", "1", "--sign-with", str(pki.p12_path), "--sign-password-file",
        str(folder / "p12pw.txt"), *extra])
    assert result.exit_code == 0, result.output
    return next((folder / "out").glob("*.zip"))


@pytest.fixture(scope="module")
def lta_bundle(local_pki, tmp_path_factory) -> Path:
    return _term_end(tmp_path_factory.mktemp("lta") / "run", local_pki,
                     "--timestamp-url", local_pki.tsa_url)


@pytest.fixture(scope="module")
def baseline_bundle(local_pki, tmp_path_factory, pdfa: bytes) -> Path:
    """A bundle signed without a timestamp, as term-end --sign-with alone makes it."""
    folder = tmp_path_factory.mktemp("b")
    (folder / "pw.txt").write_text(PASSWORD + "\n")
    (folder / "out").mkdir()
    signer = load_signer(local_pki.p12_path, P12_PASSWORD)
    now = signing_clock()
    with BundleWriter(folder / "out" / "SP1-2025-2026-rok.zip", PASSWORD,
                      {"Source-Organization": "Szkoła Podstawowa nr 1 w Testowie"}) as writer:
        writer.add_bytes("dokumenty/dziennik-1a.pdf", sign_pdf(pdfa, signer, signing_time=now))
        seal_bag(writer, signer, now)
    return writer.result.path


def bag_files(bundle: Path) -> dict[str, bytes]:
    with pyzipper.AESZipFile(bundle) as zf:
        zf.setpassword(PASSWORD.encode())
        top = bundle.stem + "/"
        return {n[len(top):]: zf.read(n) for n in zf.namelist() if not n.endswith("/")}


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No network at all: any connection attempt fails the test."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("verification tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def verify(bundle: Path, pki, *extra: str, lang: str = "en"):
    pw = bundle.parent.parent / "pw.txt"
    return CliRunner().invoke(main_group, [
        "verify", str(bundle), "--password-file", str(pw), "--trust", str(pki.root_pem),
        "--state-dir", str(bundle.parent.parent / "st"), *extra],
        env={"ARCHIVER_LANG": lang})


def test_pdfsig_shows_a_document_timestamp_on_every_pdf(lta_bundle: Path, tmp_path) -> None:
    pdfs = {n: d for n, d in bag_files(lta_bundle).items() if n.endswith(".pdf")}
    assert len(pdfs) >= 3
    for name, data in pdfs.items():
        path = tmp_path / Path(name).name
        path.write_bytes(data)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert f"Signer Certificate Common Name: {DIRECTOR}" in out, name
        assert "Signature Field Name: ZnacznikCzasu1" in out, name
        assert "Signer Certificate Common Name: Testowy Urząd Znacznika Czasu" in out, name


def test_pyhanko_judges_every_pdf_lta_valid(lta_bundle: Path, local_pki, offline) -> None:
    roots = load_trust_roots([local_pki.root_pem])
    at = local_pki.director_expires + timedelta(days=3 * 365)
    for name, data in bag_files(lta_bundle).items():
        if name.endswith(".pdf"):
            reader = PdfFileReader(io.BytesIO(data))
            (signature,) = reader.embedded_regular_signatures
            assert reader.embedded_timestamp_signatures, name
            result = asyncio.run(ades.ades_lta_validation(
                signature, ades.PdfSignatureValidationSpec(validation_spec(roots)),
                _timing(at)))
            assert result.ades_subindic is AdESPassed.OK, (name, result.failure_msg)


def test_openssl_accepts_the_seal_over_the_tag_manifest(lta_bundle: Path, local_pki,
                                                         tmp_path: Path) -> None:
    files = bag_files(lta_bundle)
    (tmp_path / "tagmanifest.txt").write_bytes(files["tagmanifest-sha256.txt"])
    (tmp_path / "seal.p7s").write_bytes(files["tagmanifest-sha256.txt.p7s"])
    done = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in",
         str(tmp_path / "seal.p7s"), "-content", str(tmp_path / "tagmanifest.txt"),
         "-CAfile", str(local_pki.root_pem), "-purpose", "any", "-out", "/dev/null"],
        capture_output=True, text=True)
    assert done.returncode == 0 and "Verification successful" in done.stderr, done.stderr
    listed = subprocess.run(["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in",
                             str(tmp_path / "seal.p7s")], capture_output=True, text=True).stdout
    assert "id-smime-aa-timeStampToken" in listed  # CAdES-T
    assert "id-ri-ocsp-response" in listed or "crl" in listed.lower()  # long-term data


def test_verify_years_after_the_signer_expired_passes_offline(lta_bundle: Path, local_pki,
                                                                offline) -> None:
    at = (local_pki.director_expires + timedelta(days=3 * 365)).date().isoformat()
    result = verify(lta_bundle, local_pki, "--at", at)
    assert result.exit_code == 0, result.output
    assert "SIGNATURES: OK" in result.output
    assert "signing time proven by a timestamp" in result.output
    assert "not proven" not in result.output


def test_a_baseline_b_bundle_checked_years_later_says_the_time_is_not_proven(
        baseline_bundle: Path, local_pki, offline) -> None:
    at = (local_pki.director_expires + timedelta(days=3 * 365)).date().isoformat()
    result = verify(baseline_bundle, local_pki, "--at", at, lang="pl")
    assert result.exit_code == 3, result.output
    assert "czas podpisu niepotwierdzony" in result.output
    now = verify(baseline_bundle, local_pki, lang="pl")  # today: valid, time only claimed
    assert now.exit_code == 0, now.output
    assert "czas podpisu niepotwierdzony" in now.output


def test_verify_after_the_tsa_certificate_expired_fails_without_renewal(
        lta_bundle: Path, local_pki, offline) -> None:
    at = (local_pki.tsa_expires + timedelta(days=365)).date().isoformat()
    result = verify(lta_bundle, local_pki, "--at", at)
    assert result.exit_code == 3, result.output
    assert "no timestamp proves" in result.output


def test_timestamp_credentials_come_from_a_file(tmp_path: Path) -> None:
    from archiver.errors import InputError, UsageError
    from archiver.sign.timestamping import timestamp_service

    good = tmp_path / "tsa.txt"
    good.write_text("szkola:tajne-haslo-TSA\n")
    service = timestamp_service("https://tsa.example.pl/", good)
    assert service.credentials == ("szkola", "tajne-haslo-TSA")
    assert "tajne" not in repr(service)
    bad = tmp_path / "zle.txt"
    bad.write_text("bez-dwukropka\n")
    with pytest.raises(InputError, match="USER:PASSWORD"):
        timestamp_service("https://tsa.example.pl/", bad)
    with pytest.raises(UsageError, match="without a timestamp URL"):
        timestamp_service("", good)
    with pytest.raises(UsageError, match="not an http"):
        timestamp_service("ftp://tsa.example.pl/")


@pytest.fixture(scope="module")
def renewed_bundle(lta_bundle: Path, local_pki) -> tuple[Path, bytes]:
    before = lta_bundle.read_bytes()
    run = lta_bundle.parent.parent
    result = CliRunner().invoke(main_group, [
        "timestamp-renew", str(lta_bundle), "--password-file", str(run / "pw.txt"),
        "--timestamp-url", local_pki.tsa2_url, "--state-dir", str(run / "st")])
    assert result.exit_code == 0, result.output
    new = lta_bundle.with_name(lta_bundle.stem + "-odnowiony.zip")
    assert f"renewed bundle: {new}" in result.output
    return new, before


def test_renewal_writes_a_new_bundle_keeps_the_old_and_is_recorded(
        renewed_bundle, lta_bundle: Path) -> None:
    new, before = renewed_bundle
    assert lta_bundle.read_bytes() == before  # the original is untouched
    files = bag_files(new)
    assert "tagmanifest-sha256.txt.tsr" in files
    assert "renewals/1/tagmanifest-sha256.txt.p7s" in files
    assert "renewals/1/tagmanifest-sha256.txt.p7s.tsr" in files
    old = bag_files(lta_bundle)
    for name in (n for n in old if n.endswith(".pdf")):  # grown by a revision, no more
        assert files[name].startswith(old[name]) and len(files[name]) > len(old[name])
        reader = PdfFileReader(io.BytesIO(files[name]))
        assert len(reader.embedded_timestamp_signatures) == 2, name
    log = "".join(p.read_text(errors="replace")
                  for p in (lta_bundle.parent.parent / "st").rglob("*") if p.is_file()
                  and p.suffix in (".jsonl", ".log", ""))
    assert "timestamp-renew" in log and new.name in log


def test_the_renewed_bundle_verifies_a_year_after_the_first_tsa_expired(
        renewed_bundle, lta_bundle: Path, local_pki, offline) -> None:
    new, _ = renewed_bundle
    at = (local_pki.tsa_expires + timedelta(days=365)).date().isoformat()
    result = verify(new, local_pki, "--at", at)
    assert result.exit_code == 0, result.output
    assert "SIGNATURES: OK" in result.output and DIRECTOR in result.output
    assert "renewals/1/tagmanifest-sha256.txt (renewals/1/tagmanifest-sha256.txt.p7s)" \
        in result.output
    old = verify(lta_bundle, local_pki, "--at", at)  # the same day, without the renewal
    assert old.exit_code == 3, old.output


def test_verify_warns_a_year_before_the_newest_timestamp_certificate_expires(
        lta_bundle: Path, renewed_bundle, local_pki, offline) -> None:
    soon = (local_pki.tsa_expires - timedelta(days=100)).date().isoformat()
    warned = verify(lta_bundle, local_pki, "--at", soon)
    assert warned.exit_code == 0, warned.output
    assert "WARNING: the certificate of the newest timestamp expires on " \
        f"{local_pki.tsa_expires:%Y-%m-%d}" in warned.output
    new, _ = renewed_bundle  # renewed with the second TSA: nothing to warn about then
    assert "WARNING" not in verify(new, local_pki, "--at", soon).output


def test_the_newest_timestamp_expiry_is_read_from_a_bundle(lta_bundle: Path, renewed_bundle,
                                                          local_pki) -> None:
    from archiver.sign.bundles import bundle_timestamp_expiry

    assert bundle_timestamp_expiry(lta_bundle, PASSWORD) == local_pki.tsa_expires
    assert bundle_timestamp_expiry(renewed_bundle[0], PASSWORD) == local_pki.tsa2_expires
