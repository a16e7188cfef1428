"""Bag checks of verify: layout from entry names, then manifests, tag manifests,
Payload-Oxum and bagit.txt against what decryption found (RFC 8493, sections 2-3)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from archiver.bundle.bagtext import ALGORITHMS, parse_manifest, parse_tag_file
from archiver.bundle.report import EntryRecord, VerifyReport
from archiver.i18n import Message

REQUIRED_TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt",
                      "manifest-sha512.txt", "tagmanifest-sha256.txt")


class Decrypted(Protocol):
    records: dict[str, EntryRecord]  # full entry name -> what decryption found
    tag_bytes: dict[str, bytes]
    failed: set[str]  # full entry names that could not be decrypted or authenticated


@dataclass
class BagLayout:
    """The bag as the entry names show it."""

    top: str
    payload: list[str] = field(default_factory=list)  # bag-relative, 'data/...'
    tags: list[str] = field(default_factory=list)  # bag-relative


def bag_top(bundle_name: str) -> str:
    """The top folder inside the ZIP: the bundle's file name without `.zip`."""
    return bundle_name[:-4] if bundle_name.lower().endswith(".zip") else bundle_name


def check_bag_layout(entries: Iterable[object], bundle_name: str,
                     report: VerifyReport) -> BagLayout:
    """One top folder named like the bundle, holding the required tag files."""
    layout = BagLayout(bag_top(bundle_name))
    prefix = f"{layout.top}/"
    for entry in entries:
        name: str = entry.name  # type: ignore[attr-defined]
        if not name.startswith(prefix):
            report.add(Message("outside the bag's top folder"), name, expected=f"{prefix}...")
            continue
        relative = name[len(prefix):]
        (layout.payload if relative.startswith("data/") else layout.tags).append(relative)
    for required in REQUIRED_TAG_FILES:
        if required not in layout.tags:
            report.add(Message("required tag file is missing"), prefix + required)
    report.checked.append(Message("bag layout: top folder {prefix}, required tag files, "
                                  "{payload} payload files",
                                  prefix=prefix, payload=len(layout.payload)))
    return layout


def check_bag(found: Decrypted, layout: BagLayout, report: VerifyReport,
              algorithms: tuple[str, ...] = ALGORITHMS) -> None:
    """Manifests and tag manifests of `algorithms`, Payload-Oxum and bagit.txt against
    the decrypted files."""
    prefix = f"{layout.top}/"
    records = {k[len(prefix):]: v for k, v in found.records.items() if k.startswith(prefix)}
    failed = {k[len(prefix):] for k in found.failed if k.startswith(prefix)}
    tags = {k[len(prefix):]: v for k, v in found.tag_bytes.items() if k.startswith(prefix)}
    payload = {k: v for k, v in records.items() if k.startswith("data/")}
    _check_bagit_txt(tags, prefix, report)
    for algorithm in algorithms:
        _check_manifest(f"manifest-{algorithm}.txt", algorithm, tags, payload,
                        failed, prefix, report)
    tag_records = {k: v for k, v in records.items()
                   if not k.startswith("data/") and not k.startswith("tagmanifest-")}
    for algorithm in algorithms:
        name = f"tagmanifest-{algorithm}.txt"
        if name in tags or algorithm == "sha256":
            _check_manifest(name, algorithm, tags, tag_records, failed, prefix, report)
    if not failed:
        _check_oxum(tags, payload, prefix, report)


def _check_bagit_txt(tags: dict[str, bytes], prefix: str, report: VerifyReport) -> None:
    if "bagit.txt" not in tags:
        return
    pairs, problems = parse_tag_file(tags["bagit.txt"])
    fields = dict(pairs)
    for problem in problems:
        report.add(Message("bagit.txt: {problem}", problem=problem), prefix + "bagit.txt")
    if fields.get("BagIt-Version") not in ("1.0", "0.97"):
        report.add(Message("bagit.txt: unknown or missing BagIt-Version"), prefix + "bagit.txt",
                   "1.0", fields.get("BagIt-Version"))
    if (fields.get("Tag-File-Character-Encoding") or "").upper() != "UTF-8":
        report.add(Message("bagit.txt: tag files must be declared UTF-8"), prefix + "bagit.txt",
                   "UTF-8", fields.get("Tag-File-Character-Encoding"))
    report.checked.append(Message("bagit.txt"))


def _check_manifest(name: str, algorithm: str, tags: dict[str, bytes],
                    files: dict[str, EntryRecord], failed: set[str], prefix: str,
                    report: VerifyReport) -> None:
    if name not in tags:
        return  # a missing required one was named by the layout check
    listed, problems = parse_manifest(tags[name], algorithm)
    for problem in problems:
        report.add(f"{name} {problem}", prefix + name)
    for path, expected in listed.items():
        if path in failed:
            continue
        record = files.get(path)
        if record is None:
            report.add(Message("listed in {name} but missing from the bundle", name=name),
                       prefix + path)
        elif getattr(record, algorithm) != expected:
            report.add(Message("checksum mismatch ({algorithm}, {name})",
                               algorithm=algorithm, name=name), prefix + path,
                       expected, getattr(record, algorithm))
    for path in sorted(set(files) - set(listed) - failed):
        report.add(Message("not listed in {name}: an added or renamed file", name=name),
                   prefix + path)
    report.checked.append(Message("{name}: {listed} files", name=name, listed=len(listed)))


def _check_oxum(tags: dict[str, bytes], payload: dict[str, EntryRecord], prefix: str,
                report: VerifyReport) -> None:
    if "bag-info.txt" not in tags:
        return
    pairs, problems = parse_tag_file(tags["bag-info.txt"])
    for problem in problems:
        report.add(Message("bag-info.txt: {problem}", problem=problem), prefix + "bag-info.txt")
    values = [v for k, v in pairs if k.lower() == "payload-oxum"]
    actual = f"{sum(r.size for r in payload.values())}.{len(payload)}"
    if len(values) != 1 or not re.fullmatch(r"\d+\.\d+", values[0]):
        report.add(Message("bag-info.txt: Payload-Oxum missing or malformed"),
                   prefix + "bag-info.txt", actual, values or None)
    elif values[0] != actual:
        report.add(Message("Payload-Oxum does not match the payload (bytes.files)"),
                   prefix + "bag-info.txt", values[0], actual)
    else:
        report.checked.append(Message("Payload-Oxum {actual}", actual=actual))
