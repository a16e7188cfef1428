"""Fixtures for signature tests: a throwaway CA, the director's signing key, a PDF/A-3."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sign_pki import DIRECTOR, Issued, export_p12, make_root, make_signer

from archiver.sign import Signer, load_signer, load_trust_roots, sign_pdf

P12_PASSWORD = b"haslo-do-podpisu-7Qx"


@dataclass(frozen=True)
class Pki:
    """A root CA, the director's certificate under it, and an unrelated root."""

    root: Issued
    director: Issued
    unrelated_root: Issued
    p12_path: Path
    root_pem: Path
    unrelated_pem: Path


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


def make_pdfa(text: str = "Dziennik lekcyjny klasy 1a — zażółć gęślą jaźń") -> bytes:
    """A small PDF/A-3u made with WeasyPrint, as the render layer makes documents."""
    import weasyprint

    html = (
        "<html lang='pl'><head><meta charset='utf-8'><title>Dziennik lekcyjny</title>"
        "<style>body{font-family:'DejaVu Sans'}</style></head>"
        f"<body><h1>Dziennik lekcyjny</h1><p>{text}</p></body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3u")


@pytest.fixture(scope="session")
def pdfa() -> bytes:
    return make_pdfa()


@pytest.fixture(scope="session")
def signed_pdf(pdfa: bytes, signer: Signer) -> bytes:
    from sign_pki import NOW

    return sign_pdf(pdfa, signer, signing_time=NOW, location="Testowo")
