"""Archive bundles: encrypted (AES-256, WinZip AE-2), checksummed BagIt-in-ZIP files.

Domain-agnostic: this package packs and checks bytes and names, never documents.

    with BundleWriter(out / "NAME.zip", password, {"Source-Organization": ...},
                      forbidden_name_tokens=names) as bundle:
        bundle.add_bytes("dokumenty/x.pdf", pdf)          # data/dokumenty/x.pdf
        bundle.add_file("zrodlo/export.zip", export_path)  # streamed as received
    result = bundle.result                                # BundleResult
    copy_verified(result.path, usb_folder)
    report = verify_bundle(result.path, password)         # VerifyReport
"""

from archiver.bundle.copy import copy_verified
from archiver.bundle.report import EntryRecord, Problem, VerifyReport, format_report
from archiver.bundle.verify import verify_bundle
from archiver.bundle.writer import BundleResult, BundleWriter
from archiver.files import remove_stale_partials

__all__ = [
    "BundleResult",
    "BundleWriter",
    "EntryRecord",
    "Problem",
    "VerifyReport",
    "copy_verified",
    "format_report",
    "remove_stale_partials",
    "verify_bundle",
]
