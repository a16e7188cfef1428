"""Detached CAdES (.p7s) and XAdES (.xades) signatures over a bag's manifest."""

from __future__ import annotations

import base64
import logging
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sign_pki import DIRECTOR, NOW
from sign_xades_maker import make_detached_xades

from archiver.sign import Trust, sign_detached, verify_detached, verify_xades

MANIFEST = (
    b"3f0a0c4e5e0d1b0a9c8b7a69584736251403f2e1d0c9b8a7968574635241302f  data/dziennik-1a.pdf\n"
    b"9a8b7c6d5e4f30211203f4e5d6c7b8a99a8b7c6d5e4f30211203f4e5d6c7b8a9  data/index.html\n"
)


@pytest.fixture(scope="module")
def p7s(signer) -> bytes:
    return sign_detached(MANIFEST, signer, NOW)


@pytest.fixture(scope="module")
def xades(pki) -> bytes:
    return make_detached_xades(MANIFEST, "manifest-sha256.txt", pki.director, NOW)


def test_p7s_verifies_and_names_the_signer_and_time(p7s: bytes, trust) -> None:
    verdict = verify_detached(MANIFEST, p7s, trust)
    assert verdict.ok and verdict.intact and verdict.trust is Trust.TRUSTED
    assert verdict.signer == DIRECTOR and verdict.signing_time == NOW
    assert verdict.kind == "CAdES"


def test_p7s_is_der_cms_that_openssl_verifies_independently(
    p7s: bytes, pki, tmp_path: Path
) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not installed")
    (tmp_path / "m.txt").write_bytes(MANIFEST)
    (tmp_path / "m.p7s").write_bytes(p7s)
    result = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "m.p7s",
         "-content", "m.txt", "-CAfile", str(pki.root_pem), "-purpose", "any",
         "-attime", str(int(NOW.timestamp())), "-out", "/dev/null"],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr


def test_a_changed_manifest_fails_the_p7s(p7s: bytes, trust) -> None:
    changed = MANIFEST.replace(b"dziennik-1a", b"dziennik-1b")
    verdict = verify_detached(changed, p7s, trust)
    assert not verdict.intact and not verdict.ok
    assert "digest mismatch" in verdict.describe()


def test_p7s_with_unrelated_root_fails_trust_but_integrity_holds(
    p7s: bytes, unrelated_trust
) -> None:
    verdict = verify_detached(MANIFEST, p7s, unrelated_trust)
    assert verdict.intact and verdict.trust is Trust.UNTRUSTED and not verdict.ok
    assert "no chain" in verdict.describe()


def test_p7s_without_roots_says_trust_not_checked(p7s: bytes) -> None:
    verdict = verify_detached(MANIFEST, p7s, None)
    assert verdict.ok and verdict.trust is Trust.NOT_CHECKED
    assert "trust not checked" in verdict.describe()


def test_an_enveloping_p7s_holding_the_manifest_verifies(signer, trust) -> None:
    import asyncio

    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

    enveloping = asyncio.run(signer.backend.async_sign_general_data(
        MANIFEST, "sha256", detached=False, use_cades=True,
        signed_attr_settings=PdfCMSSignedAttributes(signing_time=NOW))).dump()
    assert verify_detached(MANIFEST, enveloping, trust).ok
    other = verify_detached(MANIFEST + b"x", enveloping, trust)
    assert not other.ok and "different content" in other.describe()


def test_p7s_saved_as_base64_text_is_read(p7s: bytes, trust) -> None:
    assert verify_detached(MANIFEST, base64.encodebytes(p7s), trust).ok


def test_a_damaged_p7s_gives_a_failed_verdict(p7s: bytes, trust) -> None:
    damaged = bytearray(p7s)
    damaged[-20] ^= 0xFF  # inside the signature value
    assert not verify_detached(MANIFEST, bytes(damaged), trust).ok
    assert not verify_detached(MANIFEST, b"\x30\x03abc", trust).ok


def test_an_untimestamped_signature_is_not_trusted_on_its_claimed_time(pki, tmp_path: Path
                                                                         ) -> None:
    # a certificate that expired long ago and no timestamp: the claimed signing time is
    # proven by nobody, so trust is judged now (issue 17; before, the claim was believed)
    from sign_pki import P12_PASSWORD, export_p12, make_signer

    from archiver.sign import load_signer, load_trust_roots

    long_ago = NOW - timedelta(days=900)
    old = make_signer(pki.root, valid_from=long_ago - timedelta(days=1), valid_days=30)
    path = tmp_path / "stary.p12"
    path.write_bytes(export_p12(old, pki.root, P12_PASSWORD))
    p7s = sign_detached(MANIFEST, load_signer(path, P12_PASSWORD), long_ago)
    verdict = verify_detached(MANIFEST, p7s, load_trust_roots([pki.root_pem]))
    assert not verdict.ok and verdict.trust is Trust.UNTRUSTED
    assert verdict.signing_time == long_ago and verdict.time_claimed_only
    assert "signing time not proven" in verdict.describe()
    assert "expired" in verdict.describe()
    # judged at a time the certificate was valid, it holds (still only claimed)
    then = verify_detached(MANIFEST, p7s, load_trust_roots([pki.root_pem]),
                           at=long_ago + timedelta(days=1))
    assert then.ok and then.time_claimed_only


def test_xades_made_elsewhere_verifies_and_names_the_signer(xades: bytes, trust) -> None:
    verdict = verify_xades(MANIFEST, xades, trust)
    assert verdict.ok and verdict.trust is Trust.TRUSTED
    assert verdict.signer == DIRECTOR and verdict.signing_time == NOW
    assert verdict.kind == "XAdES"


def test_enveloping_xades_with_the_manifest_inside_verifies(pki, trust) -> None:
    enveloping = make_detached_xades(MANIFEST, "", pki.director, NOW, enveloping=True)
    assert verify_xades(MANIFEST, enveloping, trust).ok
    verdict = verify_xades(MANIFEST + b"x", enveloping, trust)
    assert not verdict.ok and "does not cover this file" in verdict.describe()


def test_a_changed_manifest_fails_the_xades(xades: bytes, trust) -> None:
    verdict = verify_xades(MANIFEST + b"\n", xades, trust)
    assert not verdict.intact
    assert "signed file was changed" in verdict.describe()


def test_a_changed_signing_time_in_xades_is_caught(xades: bytes, trust) -> None:
    forged = xades.replace(b"2026-06-27T12:00:00Z", b"2026-06-28T12:00:00Z")
    assert forged != xades
    verdict = verify_xades(MANIFEST, forged, trust)
    assert not verdict.intact
    assert "signed properties were changed" in verdict.describe()


def test_a_forged_xades_signature_value_is_caught(xades: bytes, trust) -> None:
    start = xades.index(b"SignatureValue>") + len(b"SignatureValue>")
    forged = xades[:start] + (b"A" if xades[start:start + 1] != b"A" else b"B") + xades[start + 1:]
    assert not verify_xades(MANIFEST, forged, trust).intact


def test_xades_with_unrelated_root_fails_trust_but_integrity_holds(
    xades: bytes, unrelated_trust
) -> None:
    verdict = verify_xades(MANIFEST, xades, unrelated_trust)
    assert verdict.intact and verdict.trust is Trust.UNTRUSTED


def test_xades_that_is_not_xml_gives_a_failed_verdict(trust) -> None:
    assert not verify_xades(MANIFEST, b"<ds:Signature>", trust).ok


def test_no_signer_name_reaches_logs_or_stderr(
    p7s: bytes, unrelated_trust, signed_pdf: bytes, caplog, capfd
) -> None:
    # pyHanko warns with the certificate subject when a chain fails; keep it out of logs
    from archiver.sign import verify_pdf

    with caplog.at_level(logging.DEBUG):
        verify_detached(MANIFEST, p7s, unrelated_trust)
        verify_pdf(signed_pdf, unrelated_trust)
    captured = capfd.readouterr()
    assert DIRECTOR not in caplog.text
    assert DIRECTOR not in captured.err + captured.out
