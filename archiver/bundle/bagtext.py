"""The text files of a BagIt 1.0 bag (RFC 8493): bagit.txt, bag-info.txt and manifests.

Writing and reading both live here so that the verifier reads exactly what the writer
wrote. Tag files are UTF-8 with LF line ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from archiver.errors import UsageError
from archiver.i18n import Message, _

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
ALGORITHMS = ("sha256", "sha512")
HEX_LENGTH = {"sha256": 64, "sha512": 128}
COMPUTED_LABELS = ("Payload-Oxum", "Bag-Size")  # the writer fills these, never the caller
LINE_WIDTH = 79  # RFC 8493 2.2.2 recommends lines of at most 79 characters


def is_reserved_tag_name(name: str) -> bool:
    """True for the tag files the writer makes itself (bagit.txt, manifests...)."""
    return name in ("bagit.txt", "bag-info.txt") or bool(
        re.fullmatch(r"(tag)?manifest-[a-z0-9]+\.txt", name)
    )


def check_label(label: str) -> None:
    """RFC 8493: a label holds no colon, CR or LF and neither starts nor ends with space."""
    if not label or ":" in label or "\r" in label or "\n" in label or label != label.strip():
        raise UsageError(_("bag-info label {label!r} is not allowed by RFC 8493").format(
                             label=label))


def check_value(label: str, value: str) -> None:
    """Values are one logical line of text: line breaks are added only by folding."""
    if any(c in value for c in "\r\n") or any(not c.isprintable() and c != "\t" for c in value):
        raise UsageError(_("bag-info value of {label} holds a line break or control "
                           "character").format(label=label))


def fold_line(label: str, value: str) -> str:
    """`Label: value` wrapped at spaces to 79 columns; continuation lines start with
    the space they replace, so unfolding by any reading of the RFC keeps the words."""
    words = value.split(" ")
    lines: list[str] = []
    current = f"{label}:"
    for word in words:
        candidate = f"{current} {word}"
        if len(candidate) > LINE_WIDTH and current.strip() not in (f"{label}:", ""):
            lines.append(current)
            current = f" {word}"
        else:
            current = candidate
    lines.append(current)
    return "\n".join(lines) + "\n"


def format_bag_info(fields: Iterable[tuple[str, str]]) -> bytes:
    """bag-info.txt from (label, value) pairs in the given order."""
    out = []
    for label, value in fields:
        check_label(label)
        check_value(label, value)
        out.append(fold_line(label, value))
    return "".join(out).encode("utf-8")


def normalise_bag_info(bag_info: Mapping[str, str | Sequence[str]]) -> list[tuple[str, str]]:
    """The caller's fields as (label, value) pairs; a sequence gives a repeated label."""
    pairs: list[tuple[str, str]] = []
    for label, value in bag_info.items():
        if label in COMPUTED_LABELS:
            raise UsageError(_("bag-info field {label} is computed by the bundle writer").format(
                                 label=label))
        values = [value] if isinstance(value, str) else list(value)
        for item in values:
            if not isinstance(item, str):
                raise UsageError(_("bag-info value of {label} must be text").format(
                                     label=label))
            check_label(label)
            check_value(label, item)
            pairs.append((label, item))
    return pairs


def parse_tag_file(data: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    """(label, value) pairs of a tag file, unfolded, and the problems found."""
    problems: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [], [Message("not valid UTF-8")]
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if not line.strip():
            continue
        if line[0] in " \t":
            if not pairs:
                problems.append(Message("line {number}: continuation line without a label",
                                        number=number))
                continue
            label, value = pairs[-1]
            pairs[-1] = (label, f"{value}{line}")
            continue
        label, colon, value = line.partition(":")
        if not colon or not label or label != label.strip():
            problems.append(Message("line {number}: not a 'Label: value' line", number=number))
            continue
        pairs.append((label, value[1:] if value[:1] in (" ", "\t") else value))
    return [(k, re.sub(r"\s+", " ", v).strip()) for k, v in pairs], problems


def encode_path(path: str) -> str:
    """RFC 8493 2.1.3: percent-encode '%', CR and LF in manifest file paths."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(path: str) -> str:
    """Undo encode_path."""
    return re.sub(
        r"%(25|0[dD]|0[aA])", lambda m: {"25": "%", "0d": "\r", "0a": "\n"}[m[1].lower()], path
    )


def format_manifest(digests: Mapping[str, str]) -> bytes:
    """`<hex>  <path>` lines sorted by path (deterministic), as sha256sum writes them."""
    return "".join(f"{digests[p]}  {encode_path(p)}\n" for p in sorted(digests)).encode("utf-8")


def parse_manifest(data: bytes, algorithm: str) -> tuple[dict[str, str], list[str]]:
    """{path: hex} of a manifest and the problems found (bad lines, duplicates)."""
    problems: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {}, [Message("not valid UTF-8")]
    digests: dict[str, str] = {}
    pattern = re.compile(rf"([0-9a-fA-F]{{{HEX_LENGTH[algorithm]}}})[ \t]+(\S.*)")
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if not line.strip():
            continue
        match = pattern.fullmatch(line)
        if not match:
            problems.append(Message("line {number}: not '<{algorithm} checksum> <path>'",
                                    number=number, algorithm=algorithm))
            continue
        path = decode_path(match[2].rstrip())
        if path in digests:
            problems.append(Message("line {number}: the path is listed twice", number=number))
        digests[path] = match[1].lower()
    return digests, problems


def human_size(size: int) -> str:
    """Bag-Size style: '1.2 MB' (decimal units, one decimal)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")
