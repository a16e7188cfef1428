"""Electronic signatures: PAdES on PDFs, detached CAdES/XAdES over the bag's manifest.

The signing layer of the archive. It knows PDFs, CMS and XML signatures and the names
of the bag's signature tag files; it does not know what a lesson or a student is.
"""

from archiver.sign.bag import check_attachable, signature_tag_name, verify_bag_signatures
from archiver.sign.cades import sign_detached, verify_detached
from archiver.sign.certs import load_trust_roots
from archiver.sign.keys import Signer, load_signer
from archiver.sign.pades import sign_pdf, verify_pdf
from archiver.sign.verdict import SignatureVerdict, Trust
from archiver.sign.xades import verify_xades

__all__ = [
    "SignatureVerdict",
    "Signer",
    "Trust",
    "check_attachable",
    "load_signer",
    "load_trust_roots",
    "sign_detached",
    "sign_pdf",
    "signature_tag_name",
    "verify_bag_signatures",
    "verify_detached",
    "verify_pdf",
    "verify_xades",
]
