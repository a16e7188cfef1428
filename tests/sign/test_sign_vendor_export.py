"""term-end --vendor-export (issue 17): the register vendor's signed XML travels into the
bag byte for byte, its signer printed in the protocol; a tampered one is refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import pyzipper
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from lxml import etree
from sign_pki import DIRECTOR
from signxml.xades import XAdESSigner

from archiver.cli import main_group
from archiver.demo import write_demo
from archiver.sign.vendor import check_enveloped, read_vendor_exports

PASSWORD = "jezyna-Kwiat-58-wydma-Bug-sosna-Pszczola"


@pytest.fixture(scope="module")
def vendor_xml(pki) -> bytes:
    """A year-end register file as a vendor writes it, signed (enveloped XAdES) with
    signxml by the director."""
    root = etree.fromstring(
        "<DziennikArchiwalny xmlns='urn:dostawca:dziennik'><Klasa>1a</Klasa>"
        "<RokSzkolny>2025/2026</RokSzkolny><Uczen>Jan Kowalski</Uczen></DziennikArchiwalny>")
    key = pki.director.key.private_bytes(serialization.Encoding.PEM,
                                         serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
    signed = XAdESSigner().sign(root, key=key, cert=[pki.director.pem()])
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def tampered(xml: bytes) -> bytes:
    return xml.replace(b"<Klasa>1a</Klasa>", b"<Klasa>1b</Klasa>")


def test_an_enveloped_xades_is_checked_offline(vendor_xml: bytes) -> None:
    good = check_enveloped("dziennik-1a.xml", vendor_xml)
    assert good.intact and good.signer == DIRECTOR and good.signing_time is not None
    assert "niesprawdzany offline" in good.status()
    bad = check_enveloped("dziennik-1a.xml", tampered(vendor_xml))
    assert not bad.intact and "changed" in bad.problem
    assert bad.status().startswith("PODPIS NIEPRAWIDŁOWY")


def test_a_zip_of_signed_files_is_checked_member_by_member(vendor_xml, tmp_path) -> None:
    path = tmp_path / "eksport-dostawcy.zip"
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("1a.xml", vendor_xml)
        archive.writestr("1b.xml", tampered(vendor_xml))
    (vendor,) = read_vendor_exports([path])
    assert [(s.name, s.intact) for s in vendor.signatures] == [
        ("eksport-dostawcy.zip/1a.xml", True), ("eksport-dostawcy.zip/1b.xml", False)]


def _term_end(tmp_path: Path, *extra: str):
    export = tmp_path / "eksport.zip"
    if not export.exists():
        write_demo(export, "small", 2026, "zip")
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return CliRunner().invoke(main_group, [
        "term-end", str(export), "--term", "2", "--out", str(out), "--password-file",
        str(tmp_path / "pw.txt"), "--state-dir", str(tmp_path / "st"), "-j", "1", *extra])


def test_a_tampered_vendor_file_is_refused_and_nothing_is_written(vendor_xml, tmp_path) -> None:
    bad = tmp_path / "dziennik-1b.xml"
    bad.write_bytes(tampered(vendor_xml))
    result = _term_end(tmp_path, "--vendor-export", str(bad))
    assert result.exit_code == 4, result.output
    assert "broken signature" in result.output and "--accept-broken-signature" in result.output
    assert not list((tmp_path / "out").iterdir())


def test_vendor_files_travel_byte_for_byte_and_the_protocol_names_the_signer(
        vendor_xml: bytes, tmp_path: Path) -> None:
    good, bad = tmp_path / "dziennik-1a.xml", tmp_path / "dziennik-1b.xml"
    good.write_bytes(vendor_xml)
    bad.write_bytes(tampered(vendor_xml))
    result = _term_end(tmp_path, "--vendor-export", str(good), "--vendor-export", str(bad),
                       "--accept-broken-signature")
    assert result.exit_code == 0, result.output
    bundle = next((tmp_path / "out").glob("*.zip"))
    with pyzipper.AESZipFile(bundle) as zf:
        zf.setpassword(PASSWORD.encode())
        top = bundle.stem
        assert zf.read(f"{top}/data/zrodlo-dziennika/dziennik-1a.xml") == vendor_xml
        assert zf.read(f"{top}/data/zrodlo-dziennika/dziennik-1b.xml") == tampered(vendor_xml)
        index = zf.read(f"{top}/data/index.html").decode()
    assert "zrodlo-dziennika/dziennik-1a.xml" in index and DIRECTOR in index
    protocol = next((tmp_path / "out").glob("*protokol.pdf"))
    text = subprocess.run(["pdftotext", str(protocol), "-"], capture_output=True,
                          text=True).stdout
    def flat(value: str) -> str:  # table cells wrap (and pdftotext dehyphenates) words
        return "".join(value.split()).replace("-", "")

    assert flat(DIRECTOR) in flat(text)
    assert flat("zrodlo-dziennika/dziennik-1a.xml") in flat(text)
    assert "PODPISNIEPRAWIDŁOWY" in flat(text)  # the accepted broken one is flagged
