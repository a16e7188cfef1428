"""Fixtures for signature tests: a throwaway CA, the director's signing key, a PDF/A-3."""

from __future__ import annotations

import pytest
from sign_pki import (
    DIRECTOR,
    NOW,
    P12_PASSWORD,
    Pki,
    export_p12,
    make_pdfa,
    make_root,
    make_signer,
)

from archiver.sign import Signer, load_signer, load_trust_roots, sign_pdf


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    root = make_root()
    director = make_signer(root, DIRECTOR)
    unrelated = make_root("Obce Centrum Certyfikacji")
    p12 = folder / "dyrektor.p12"
    p12.write_bytes(export_p12(director, root, P12_PASSWORD))
    (folder / "root.pem").write_bytes(root.pem())
    (folder / "unrelated.pem").write_bytes(unrelated.pem())
    return Pki(root, director, unrelated, p12, folder / "root.pem", folder / "unrelated.pem")


@pytest.fixture(scope="session")
def signer(pki: Pki) -> Signer:
    return load_signer(pki.p12_path, P12_PASSWORD)


@pytest.fixture(scope="session")
def trust(pki: Pki) -> list:
    return load_trust_roots([pki.root_pem])


@pytest.fixture(scope="session")
def unrelated_trust(pki: Pki) -> list:
    return load_trust_roots([pki.unrelated_pem])


@pytest.fixture(scope="session")
def pdfa() -> bytes:
    return make_pdfa()


@pytest.fixture(scope="session")
def signed_pdf(pdfa: bytes, signer: Signer) -> bytes:
    return sign_pdf(pdfa, signer, signing_time=NOW, location="Testowo")


@pytest.fixture(scope="session")
def local_pki(tmp_path_factory: pytest.TempPathFactory):
    """A test CA, OCSP responder, CRL and two RFC 3161 TSAs served by certomancer on
    127.0.0.1 (a port the OS picks) for the session; stopped at its end."""
    import logging

    from local_pki import start_local_pki

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    pki, server = start_local_pki(tmp_path_factory.mktemp("local-pki"))
    try:
        yield pki
    finally:
        server.shutdown()
        server.server_close()
