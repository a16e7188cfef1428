"""The archive shelf: every copy of every bundle on every medium, checked and counted.

    scan        walk folders and media, find bundles by their sidecar and bag (never by
                file name), check each copy (quick: sidecar, ZIP structure, SHA-256;
                deep: decryption and both manifests), update the index
    index       the shelf index in the state directory: bundle ids, school, year, term,
                category, retention end, digests, media paths, dates, outcomes; no
                personal data (no document is opened for it but bag-info.txt)
    report      per bundle: good copies and where, changed copies, renewals and
                retention ends due (a Polish PDF/A for the binder, or CSV)
    repair      a damaged or missing copy replaced from a verified one
    destruction the destruction list of ended retentions (never category A) and, with
                the state archive's consent reference, the destruction itself

Every scan, repair, list and destruction is recorded in the audit log.
"""

from archiver.shelf.index import INDEX_NAME, BundleRecord, CopyRecord, ShelfIndex
from archiver.shelf.scan import ScanRequest, ScanResult, scan_shelf

__all__ = [
    "INDEX_NAME",
    "BundleRecord",
    "CopyRecord",
    "ScanRequest",
    "ScanResult",
    "ShelfIndex",
    "scan_shelf",
]
