"""PAdES signatures on PDF/A documents: accepted by pyHanko, PDF/A kept, tampering caught."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from io import BytesIO

import pikepdf
import pytest
from asn1crypto import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sign_pki import DIRECTOR, NOW

from archiver.errors import InputError
from archiver.sign import Trust, sign_pdf, verify_pdf


def test_pyhankos_own_validator_accepts_the_signature(signed_pdf: bytes, pki) -> None:
    root = x509.Certificate.load(pki.root.cert.public_bytes(Encoding.DER))
    embedded = PdfFileReader(BytesIO(signed_pdf)).embedded_signatures
    assert len(embedded) == 1
    context = ValidationContext(trust_roots=[root], moment=NOW)
    status = validate_pdf_signature(embedded[0], signer_validation_context=context)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert embedded[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_signing_is_an_incremental_update(pdfa: bytes, signed_pdf: bytes) -> None:
    assert signed_pdf.startswith(pdfa)


def test_pdfa_identification_survives_signing(pdfa: bytes, signed_pdf: bytes) -> None:
    with pikepdf.open(BytesIO(pdfa)) as before, pikepdf.open(BytesIO(signed_pdf)) as after:
        meta = after.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert meta.get("pdfaid:conformance") == "U"
        # the XMP packet and the info dictionary are exactly as WeasyPrint wrote them,
        # so they still agree with each other (PDF/A requires it)
        assert after.Root.Metadata.read_raw_bytes() == before.Root.Metadata.read_raw_bytes()
        assert dict(after.trailer.Info) == dict(before.trailer.Info)


def test_signature_field_is_invisible_printable_and_adds_no_font(
    pdfa: bytes, signed_pdf: bytes
) -> None:
    with pikepdf.open(BytesIO(signed_pdf)) as pdf:
        (field,) = pdf.Root.AcroForm.Fields
        rect = [float(v) for v in field.Rect]
        assert rect[0] == rect[2] and rect[1] == rect[3] and rect[0] < 0  # zero-size, off page
        assert int(field.F) & 4  # print flag: PDF/A forbids hidden annotations
        assert not int(field.F) & (1 | 2 | 32)  # not invisible, hidden or no-view
        assert "/NeedAppearances" not in pdf.Root.AcroForm
        assert _font_count(pdf) == _font_count(pikepdf.open(BytesIO(pdfa)))


def test_qpdf_check_passes_on_the_signed_file(signed_pdf: bytes, tmp_path) -> None:
    path = tmp_path / "podpisany.pdf"
    path.write_bytes(signed_pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_verdict_names_the_signer_time_and_trust(signed_pdf: bytes, trust) -> None:
    (verdict,) = verify_pdf(signed_pdf, trust, target="data/dziennik.pdf")
    assert verdict.ok and verdict.intact and verdict.trust is Trust.TRUSTED
    assert verdict.signer == DIRECTOR
    assert verdict.signing_time == NOW
    assert verdict.kind == "PAdES"
    assert DIRECTOR in verdict.describe()


def test_without_trust_roots_integrity_is_checked_and_trust_said_unchecked(
    signed_pdf: bytes,
) -> None:
    (verdict,) = verify_pdf(signed_pdf, None)
    assert verdict.intact and verdict.trust is Trust.NOT_CHECKED
    assert "trust not checked" in verdict.describe()


def test_unrelated_root_fails_trust_while_integrity_holds(
    signed_pdf: bytes, unrelated_trust
) -> None:
    (verdict,) = verify_pdf(signed_pdf, unrelated_trust)
    assert verdict.intact
    assert verdict.trust is Trust.UNTRUSTED and not verdict.ok
    assert "NOT valid" in verdict.describe()


def test_a_changed_byte_in_the_signed_content_breaks_the_signature(
    signed_pdf: bytes, trust
) -> None:
    changed = _flip_in_first_page_stream(signed_pdf)
    (verdict,) = verify_pdf(changed, trust)
    assert not verdict.intact and not verdict.ok
    assert "digest mismatch" in verdict.describe()


def test_a_later_revision_that_changes_a_page_breaks_the_signature(
    signed_pdf: bytes, trust
) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(signed_pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    (verdict,) = verify_pdf(out.getvalue(), trust)
    assert not verdict.ok
    assert "changed after it was signed" in verdict.describe()


def test_appended_bytes_break_the_signature(signed_pdf: bytes, trust) -> None:
    (verdict,) = verify_pdf(signed_pdf + b"\n% dopisane\n", trust)
    assert not verdict.ok


def test_a_second_signature_keeps_the_first_valid(signed_pdf: bytes, signer, trust) -> None:
    twice = sign_pdf(signed_pdf, signer, signing_time=NOW + timedelta(hours=1))
    verdicts = verify_pdf(twice, trust)
    assert [v.ok for v in verdicts] == [True, True]
    assert [v.target for v in verdicts] == ["PDF (Podpis1)", "PDF (Podpis2)"]


def test_same_document_and_time_give_the_same_signed_bytes(pdfa: bytes, signer) -> None:
    assert sign_pdf(pdfa, signer, signing_time=NOW) == sign_pdf(pdfa, signer, signing_time=NOW)


def test_unsigned_pdf_has_no_verdicts(pdfa: bytes) -> None:
    assert verify_pdf(pdfa) == []


def test_damaged_signed_pdf_gives_a_failed_verdict_not_a_crash(signed_pdf: bytes) -> None:
    (verdict,) = verify_pdf(signed_pdf[:-200])  # trailer gone, signature dict kept
    assert not verdict.ok and "cannot be read" in verdict.describe()


def test_unreadable_unsigned_pdf_has_no_signature_to_judge() -> None:
    assert verify_pdf(b"%PDF-1.7\n garbage") == []


def test_signing_something_that_is_not_a_pdf_is_an_input_error(signer) -> None:
    with pytest.raises(InputError, match="not a readable PDF"):
        sign_pdf(b"to nie jest PDF", signer, signing_time=NOW)


def test_naive_signing_time_is_a_programming_error(pdfa: bytes, signer) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_pdf(pdfa, signer, signing_time=NOW.replace(tzinfo=None))


def _font_count(pdf: pikepdf.Pdf) -> int:
    return sum(1 for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
               and obj.get("/Type") == "/Font")


def _flip_in_first_page_stream(data: bytes) -> bytes:
    # flip one byte inside the first content stream's data (within the signed range)
    start = data.index(b"stream\n", data.index(b"/Length")) + len(b"stream\n")
    changed = bytearray(data)
    changed[start + 5] ^= 0x01
    return bytes(changed)



def test_a_document_from_the_render_layer_keeps_pdfa_pdfua_and_attachments(
    signer, trust, tmp_path
) -> None:
    from archiver.render.context import RunContext
    from archiver.render.pdfa import EmbeddedFile, html_to_pdfa

    run_ctx = RunContext(operator="sekretariat", printed_at=NOW)
    source = EmbeddedFile(name="dane.csv", data=b"klasa;uczniow\n1a;24\n",
                          description="Dane źródłowe")
    pdf, _pages = html_to_pdfa("<h1>Dziennik lekcyjny</h1><p>Klasa 1a</p>",
                               title="Dziennik lekcyjny", attachments=[source], run_ctx=run_ctx)
    signed = sign_pdf(pdf, signer, signing_time=NOW)
    with pikepdf.open(BytesIO(pdf)) as before, pikepdf.open(BytesIO(signed)) as after:
        meta, old_meta = after.open_metadata(), before.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert meta.get("pdfuaid:part") == old_meta.get("pdfuaid:part")  # when tagged: "1"
        assert after.Root.Metadata.read_raw_bytes() == before.Root.Metadata.read_raw_bytes()
        assert list(after.attachments) == list(before.attachments) == ["dane.csv"]
        assert len(after.Root.AF) == len(before.Root.AF)
    (verdict,) = verify_pdf(signed, trust)
    assert verdict.ok and verdict.signer == DIRECTOR
    path = tmp_path / "dziennik.pdf"
    path.write_bytes(signed)
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_an_elliptic_curve_key_signs_and_verifies(pki, trust, pdfa: bytes, tmp_path) -> None:
    from sign_pki import P12_PASSWORD, export_p12, make_signer

    from archiver.sign import load_signer, sign_detached, verify_detached

    issued = make_signer(pki.root, "Jan Nowak", key_type="ec")
    path = tmp_path / "ec.p12"
    path.write_bytes(export_p12(issued, pki.root, P12_PASSWORD))
    ec_signer = load_signer(path, P12_PASSWORD)
    (verdict,) = verify_pdf(sign_pdf(pdfa, ec_signer, signing_time=NOW), trust)
    assert verdict.ok and verdict.signer == "Jan Nowak"
    p7s = sign_detached(b"manifest\n", ec_signer, NOW)
    assert verify_detached(b"manifest\n", p7s, trust).ok
