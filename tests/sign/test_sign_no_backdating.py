"""No backdating (issue 17): SOURCE_DATE_EPOCH dates the printed documents only; the
signatures and Bagging-Date carry the clock's time, and a signature made before the data
was exported is flagged by verify."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
import pyzipper
from click.testing import CliRunner
from sign_pki import DIRECTOR, NOW, P12_PASSWORD, export_p12, make_signer

from archiver.cli import main_group
from archiver.demo import write_demo
from archiver.errors import RefusedError
from archiver.sign import load_signer, sign_detached, verify_pdf
from archiver.sign.bag import verify_bag_signatures
from archiver.sign.cades import verify_detached
from archiver.sign.clock import check_can_sign

PASSWORD = "jezyna-Kwiat-58-wydma-Bug-sosna-Pszczola"
EPOCH_2020 = "1591000000"  # 2020-06-01: long before the export and the certificate


def _term_end(tmp_path: Path, p12: Path, env: dict[str, str]):
    export = tmp_path / "eksport.zip"
    if not export.exists():
        write_demo(export, "small", 2026, "zip")
    (tmp_path / "out").mkdir(exist_ok=True)
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    (tmp_path / "p12pw.txt").write_bytes(P12_PASSWORD + b"\n")
    return CliRunner().invoke(main_group, [
        "term-end", str(export), "--term", "2", "--create-out", "--out", str(tmp_path / "out"),
        "--password-file", str(tmp_path / "pw.txt"), "--state-dir", str(tmp_path / "st"),
        "-j", "1", "--sign-with", str(p12), "--sign-password-file",
        str(tmp_path / "p12pw.txt")], env=env)


def _bag_files(bundle: Path) -> dict[str, bytes]:
    with pyzipper.AESZipFile(bundle) as zf:
        zf.setpassword(PASSWORD.encode())
        top = bundle.stem + "/"
        return {n[len(top):]: zf.read(n) for n in zf.namelist() if not n.endswith("/")}


def test_source_date_epoch_dates_documents_but_not_signatures_or_bagging_date(
        tmp_path: Path, pki) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    result = _term_end(tmp_path, pki.p12_path, {"SOURCE_DATE_EPOCH": EPOCH_2020})
    after = datetime.now(UTC)
    assert result.exit_code == 0, result.output
    files = _bag_files(next((tmp_path / "out").glob("*.zip")))
    today = datetime.now().astimezone().date().isoformat()
    assert f"Bagging-Date: {today}\n" in files["bag-info.txt"].decode()

    signature_name = next(n for n in files if n.endswith(".p7s"))
    covered = files[signature_name.removesuffix(".p7s")]
    cades = verify_detached(covered, files[signature_name])
    assert cades.intact and before <= cades.signing_time <= after
    protocol = files["data/protokol-przekazania.pdf"]
    (pades,) = verify_pdf(protocol)
    assert pades.intact and before <= pades.signing_time <= after
    with pikepdf.open(io.BytesIO(protocol)) as pdf:  # the printed time follows the epoch
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20200601")


def test_an_expired_certificate_is_refused_whatever_source_date_epoch_says(
        tmp_path: Path, pki) -> None:
    expired = make_signer(pki.root, DIRECTOR, valid_from=NOW - timedelta(days=900),
                          valid_days=365)  # valid 2024-01 to 2025-01
    p12 = tmp_path / "wygasly.p12"
    p12.write_bytes(export_p12(expired, pki.root, P12_PASSWORD))
    inside_validity = str(int((NOW - timedelta(days=700)).timestamp()))
    result = _term_end(tmp_path, p12, {"SOURCE_DATE_EPOCH": inside_validity})
    assert result.exit_code == 4, result.output
    assert "not valid at the signing time" in result.output
    assert not list((tmp_path / "out").glob("*.zip"))


def test_signing_before_the_export_was_made_is_refused(signer) -> None:
    exported_at = datetime.now(UTC) + timedelta(hours=2)  # a clock set back, or a bad export
    with pytest.raises(RefusedError, match="before the export was made"):
        check_can_sign(signer, exported_at)
    assert check_can_sign(signer, exported_at - timedelta(days=1)) <= datetime.now(UTC)


def test_verify_flags_a_signature_dated_before_data_exported_at(pki) -> None:
    signer = load_signer(pki.p12_path, P12_PASSWORD)
    manifest = b"0f" * 32 + b"  data/dziennik-1a.pdf\n"
    exported = NOW + timedelta(days=3)
    bag = {"manifest-sha256.txt": manifest,
           "manifest-sha256.txt.p7s": sign_detached(manifest, signer, NOW),
           "bag-info.txt": f"Data-Exported-At: {exported.isoformat()}\n".encode()}
    (verdict,) = verify_bag_signatures(bag)
    assert verdict.intact and not verdict.ok
    assert "before the data was exported" in verdict.describe()
    bag["bag-info.txt"] = f"Data-Exported-At: {(NOW - timedelta(days=1)).isoformat()}\n".encode()
    assert verify_bag_signatures(bag)[0].ok
