"""Loading the signing key from PKCS#12 and the --trust roots."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, pkcs12
from sign_pki import DIRECTOR, NOW, P12_PASSWORD, Pki, export_p12, make_signer

from archiver.errors import InputError, RefusedError
from archiver.sign import load_signer, load_trust_roots, sign_detached


def test_signer_is_named_by_the_certificates_common_name(signer) -> None:
    assert signer.common_name == DIRECTOR


def test_wrong_password_is_named_and_never_echoed(pki: Pki) -> None:
    with pytest.raises(InputError) as caught:
        load_signer(pki.p12_path, b"zle-haslo-123")
    assert "wrong password" in str(caught.value)
    assert "zle-haslo-123" not in str(caught.value)
    assert P12_PASSWORD.decode() not in str(caught.value)


def test_missing_password_says_one_is_needed(pki: Pki) -> None:
    with pytest.raises(InputError, match="needs a password"):
        load_signer(pki.p12_path, None)


def test_a_file_that_is_not_pkcs12_is_named(tmp_path: Path) -> None:
    fake = tmp_path / "podpis.p12"
    fake.write_bytes(b"%PDF-1.7\nnot a key store\n")
    with pytest.raises(InputError, match="not a PKCS#12 file"):
        load_signer(fake, b"x")


def test_a_pkcs12_without_private_key_is_refused(tmp_path: Path, pki: Pki) -> None:
    certs_only = tmp_path / "tylko-certyfikat.p12"
    certs_only.write_bytes(
        pkcs12.serialize_java_truststore(
            [pkcs12.PKCS12Certificate(pki.director.cert, b"cert")], NoEncryption()
        )
    )
    with pytest.raises(InputError, match="no private key"):
        load_signer(certs_only, None)


def test_missing_key_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the signing key file"):
        load_signer(tmp_path / "brak.p12", b"x")


def test_unencrypted_pkcs12_loads_without_password(tmp_path: Path, pki: Pki) -> None:
    plain = tmp_path / "bez-hasla.p12"
    plain.write_bytes(export_p12(pki.director, pki.root, None))
    assert load_signer(plain, None).common_name == DIRECTOR


def test_signing_outside_the_certificates_validity_is_refused(tmp_path: Path, pki: Pki) -> None:
    old = make_signer(pki.root, valid_from=NOW - timedelta(days=800), valid_days=365)
    path = tmp_path / "stary.p12"
    path.write_bytes(export_p12(old, pki.root, P12_PASSWORD))
    with pytest.raises(RefusedError, match="not valid at the signing time"):
        sign_detached(b"manifest", load_signer(path, P12_PASSWORD), NOW)


def test_trust_roots_load_from_pem_and_der(tmp_path: Path, pki: Pki) -> None:
    der = tmp_path / "root.cer"
    der.write_bytes(pki.root.cert.public_bytes(Encoding.DER))
    both = tmp_path / "both.pem"
    both.write_bytes(pki.root.pem() + pki.unrelated_root.pem())
    assert len(load_trust_roots([der])) == 1
    assert len(load_trust_roots([both])) == 2


def test_an_unreadable_trust_root_is_named(tmp_path: Path) -> None:
    junk = tmp_path / "root.pem"
    junk.write_text("to nie jest certyfikat")
    with pytest.raises(InputError, match="no readable X.509 certificate"):
        load_trust_roots([junk])

