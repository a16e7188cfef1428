"""term-end --sign-with: every PDF and the manifest signed; verify --trust names the signer."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pyzipper
from click.testing import CliRunner
from sign_pki import DIRECTOR, NOW, P12_PASSWORD

from archiver.cli import main_group
from archiver.demo import write_demo

PASSWORD = "jezyna-Kwiat-58-wydma-Bug-sosna-Pszczola"


def test_signed_term_end_verifies_with_trust_and_fails_when_a_byte_changes(
        tmp_path: Path, pki) -> None:
    export = write_demo(tmp_path / "eksport.zip", "small", 2026, "zip")
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    p12pw = tmp_path / "p12pw.txt"
    p12pw.write_bytes(P12_PASSWORD + b"\n")
    env = {"SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    runner = CliRunner()
    result = runner.invoke(main_group, [
        "term-end", str(export), "--term", "2", "--create-out", "--out", str(tmp_path / "out"),
        "--password-file", str(pw), "--state-dir", str(tmp_path / "st"), "-j", "1",
        "--sign-with", str(pki.p12_path), "--sign-password-file", str(p12pw)], env=env)
    assert result.exit_code == 0, result.output
    bundle = next((tmp_path / "out").glob("*.zip"))

    verdict = runner.invoke(main_group, ["verify", str(bundle), "--password-file", str(pw),
                                         "--trust", str(pki.root_pem), "--state-dir",
                                         str(tmp_path / "st")])
    assert verdict.exit_code == 0, verdict.output
    assert DIRECTOR in verdict.output
    with pyzipper.AESZipFile(bundle) as zf:
        zf.setpassword(PASSWORD.encode())
        names = zf.namelist()
        assert any(n.endswith("manifest-sha256.txt.p7s") for n in names)
        pdfs = [n for n in names if n.endswith(".pdf")]
        for name in pdfs:
            data = zf.read(name)
            with pikepdf.open(io.BytesIO(data)) as pdf:
                assert pdf.Root.AcroForm.SigFlags == 3, name  # signed
                assert 'pdfaid:part="3"' in str(pdf.Root.Metadata.read_bytes()) or \
                    "<pdfaid:part>3</pdfaid:part>" in pdf.Root.Metadata.read_bytes().decode()
    qpdf = subprocess.run(["qpdf", "--check", str(next((tmp_path / "out").glob("*protokol.pdf")))],
                          capture_output=True, text=True)
    assert qpdf.returncode == 0, qpdf.stdout

    wrong_root = runner.invoke(main_group, ["verify", str(bundle), "--password-file", str(pw),
                                            "--trust", str(pki.unrelated_pem), "--state-dir",
                                            str(tmp_path / "st")])
    assert wrong_root.exit_code == 3
