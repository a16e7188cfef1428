"""A real, local PKI for the long-term signature tests: certomancer serves a test root
CA, its OCSP responder, its CRL and two RFC 3161 time-stamping authorities on 127.0.0.1
(a free port the OS picks), in a thread, for the length of a test session.

Validity periods are relative to the real clock (signing reads the clock, never a fake
one): the director's certificate expires in half a year, the first TSA's in four years,
the second TSA's (the one a renewal uses) in twenty.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from werkzeug.serving import make_server

ARCH = "szkola"
DIRECTOR = "Anna Kowalska-Dyrektor"
P12_PASSWORD = b"haslo-do-podpisu-LT-9Rw"
_KEYS = ("root", "root-ocsp", "tsa", "tsa2", "director", "expired")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


@dataclass(frozen=True)
class LocalPki:
    """Where the services listen and what they issued (paths under the session folder)."""

    base_url: str
    root_pem: Path
    p12_path: Path  # the director's key, certificate and the root
    expired_p12_path: Path  # a certificate that expired a year and a half ago
    director_expires: datetime
    tsa_expires: datetime
    tsa2_expires: datetime

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/{ARCH}/tsa/tsa"

    @property
    def tsa2_url(self) -> str:
        return f"{self.base_url}/{ARCH}/tsa/tsa2"


def _write_keys(folder: Path) -> None:
    for label in _KEYS:
        key = (rsa.generate_private_key(public_exponent=65537, key_size=2048)
               if label in ("director", "expired") else ec.generate_private_key(ec.SECP256R1()))
        (folder / f"{label}.key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))


def _config(now: datetime, times: dict[str, tuple[datetime, datetime]]) -> dict:
    def validity(label: str) -> dict[str, str]:
        start, end = times[label]
        return {"valid-from": _iso(start), "valid-to": _iso(end)}

    tsa_extensions = [
        {"id": "key_usage", "critical": True,
         "smart-value": {"schema": "key-usage", "params": ["digital_signature"]}},
        {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
        {"id": "crl_distribution_points",
         "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": ["root"]}}},
    ]
    return {
        "keysets": {"szkola": {"keys": {k: {"path": f"{k}.key.pem"} for k in _KEYS}}},
        "pki-architectures": {ARCH: {
            "keyset": "szkola",
            "entity-defaults": {"country-name": "PL",
                                "organization-name": "Testowy Dostawca Usług Zaufania"},
            "entities": {
                "root": {"common-name": "Testowe Centrum Certyfikacji"},
                "root-ocsp": {"common-name": "Testowy Responder OCSP"},
                "tsa": {"common-name": "Testowy Urząd Znacznika Czasu"},
                "tsa2": {"common-name": "Testowy Urząd Znacznika Czasu 2"},
                "director": {"common-name": DIRECTOR,
                             "organization-name": "Szkoła Podstawowa nr 1 w Testowie"},
                "expired": {"common-name": DIRECTOR,
                            "organization-name": "Szkoła Podstawowa nr 1 w Testowie"},
            },
            "certs": {
                "root": {"subject": "root", "issuer": "root", "validity": validity("root"),
                         "profiles": [{"id": "simple-ca",
                                       "params": {"crl-repo": "root", "ocsp-service": "root"}}]},
                "root-ocsp": {"issuer": "root", "validity": validity("root"),
                              "profiles": ["ocsp-responder"]},
                "tsa": {"issuer": "root", "validity": validity("tsa"),
                        "extensions": tsa_extensions},
                "tsa2": {"issuer": "root", "validity": validity("tsa2"),
                         "extensions": tsa_extensions},
                "director": {"issuer": "root", "validity": validity("director"),
                             "profiles": ["digsig-commitment"]},
                "expired": {"issuer": "root", "validity": validity("expired"),
                            "profiles": ["digsig-commitment"]},
            },
            "services": {
                "ocsp": {"root": {"for-issuer": "root", "responder-cert": "root-ocsp",
                                  "signing-key": "root-ocsp"}},
                "crl-repo": {"root": {"for-issuer": "root", "signing-key": "root",
                                      "simulated-update-schedule": "P7D"}},
                "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"},
                                  "tsa2": {"signing-key": "tsa2", "signing-cert": "tsa2"}},
            },
        }},
    }


class _Late:
    """The WSGI app, set once the port is known (the certificates carry the URLs)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def _p12(folder: Path, arch, label: str, root_der: bytes) -> Path:
    key = serialization.load_pem_private_key((folder / f"{label}.key.pem").read_bytes(), None)
    cert = x509.load_der_x509_certificate(arch.get_cert(CertLabel(label)).dump())
    path = folder / f"{label}.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"podpis", key, cert, [x509.load_der_x509_certificate(root_der)],
        serialization.BestAvailableEncryption(P12_PASSWORD)))
    return path


def start_local_pki(folder: Path) -> tuple[LocalPki, object]:
    """Start the services; returns the PKI and the server (call .shutdown() to stop)."""
    now = datetime.now(UTC).replace(microsecond=0)
    day = timedelta(days=1)
    times = {"root": (now - 3 * 365 * day, now + 40 * 365 * day),
             "tsa": (now - 365 * day, now + 4 * 365 * day),
             "tsa2": (now - 30 * day, now + 20 * 365 * day),
             "director": (now - 60 * day, now + 180 * day),
             "expired": (now - 900 * day, now - 535 * day)}
    _write_keys(folder)
    late = _Late()
    server = make_server("127.0.0.1", 0, late, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    config = CertomancerConfig(_config(now, times), key_search_dir=str(folder),
                               external_url_prefix=base_url)
    arch = config.get_pki_arch(ArchLabel(ARCH))
    late.app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    threading.Thread(target=server.serve_forever, name="local-pki", daemon=True).start()
    root_der = arch.get_cert(CertLabel("root")).dump()
    root_pem = folder / "root.pem"
    root_pem.write_bytes(x509.load_der_x509_certificate(root_der).public_bytes(
        serialization.Encoding.PEM))
    pki = LocalPki(base_url, root_pem, _p12(folder, arch, "director", root_der),
                   _p12(folder, arch, "expired", root_der), times["director"][1],
                   times["tsa"][1], times["tsa2"][1])
    return pki, server
