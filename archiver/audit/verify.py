"""Check a whole audit log and name the first broken entry and what happened to it.

Pure: works on the log's bytes. Cheap checks per line first (line end, JSON, fields,
canonical form, own hash), then the link to the previous line and the sequence number.
When a link is broken, the other lines' hashes tell an edit from a deletion, an
insertion or a reordering.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from archiver.audit.entry import (
    GENESIS,
    AuditEntry,
    AuditFieldError,
    canonical,
    entry_hash,
    line_hash,
)
from archiver.i18n import N_, Message, _, shown

KINDS = ("edited", "deleted", "inserted", "reordered", "truncated")
KIND_WORDS = {"edited": N_("edited"), "deleted": N_("deleted"), "inserted": N_("inserted"),
              "reordered": N_("reordered"), "truncated": N_("truncated")}
_SEQ = re.compile(rb'"seq":(\d{1,18})[,}]')
MIN_HEAD_PREFIX = 16  # hex digits of a head hash a person must copy at least


@dataclass(frozen=True)
class AuditVerdict:
    """Outcome of checking a log: `count` entries verified before any break."""

    ok: bool
    count: int
    lines: int
    first_broken_line: int | None = None
    first_broken_seq: int | None = None
    kind: str | None = None  # one of KINDS when not ok
    reason: str = ""
    head: str | None = None  # `hash` of the last entry that verified

    def describe(self) -> str:
        """One line for people: the verdict, or where and how the chain breaks."""
        if self.ok:
            return _("the audit log verifies: {count} entries, chain intact").format(
                count=self.count)
        where = (_("line {line}").format(line=self.first_broken_line)
                 if self.first_broken_line else _("the log"))
        if self.first_broken_seq is not None:
            where = _("{where} (seq {seq})").format(where=where, seq=self.first_broken_seq)
        kind = _(KIND_WORDS[self.kind]) if self.kind in KIND_WORDS else self.kind
        return f"{where}: {kind}: {shown(self.reason)}"


class _Broken(Exception):
    def __init__(self, line: int | None, seq: int | None, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.line, self.seq, self.kind, self.reason = line, seq, kind, reason


def split_lines(data: bytes) -> tuple[list[bytes], bool]:
    """The log's lines without their newlines, and whether the last one lacks its newline."""
    if not data:
        return [], False
    parts = data.split(b"\n")
    torn = parts[-1] != b""
    return (parts if torn else parts[:-1]), torn


def parse_line(raw: bytes) -> AuditEntry:
    """Parse and self-check one complete line; raises ValueError saying what is wrong."""
    if not raw.strip():
        raise ValueError("an empty line")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("not a valid JSON entry") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    try:
        entry = AuditEntry.from_dict(data)
    except AuditFieldError as exc:
        raise ValueError(str(exc)) from None
    if not isinstance(entry.seq, int) or isinstance(entry.seq, bool):
        raise ValueError("seq is not a whole number")
    if raw != canonical(data).encode("utf-8"):
        raise ValueError("not in the canonical form the log writes: the line was rewritten")
    if entry.hash != entry_hash(data):
        raise ValueError("the content does not match the entry's own hash")
    return entry


def _seq_of(raw: bytes) -> int | None:
    """The seq a damaged line still shows, if any (a torn line has lost its end)."""
    try:
        seq = json.loads(raw).get("seq")
    except (ValueError, AttributeError):
        found = _SEQ.search(raw)
        return int(found[1]) if found else None
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else None


def _diagnose_link(lines: list[bytes], entries: list[AuditEntry], entry: AuditEntry) -> _Broken:
    """Line `i` does not link to line `i-1`: find out what happened."""
    i = len(entries) + 1
    if lines[i - 1] in lines[: i - 1]:
        return _Broken(i, entry.seq, "inserted",
                       Message("it is a copy of line {value}",
                               value=lines.index(lines[i - 1]) + 1))  # fmt: skip
    positions = {line_hash(raw): n for n, raw in enumerate(lines, 1)}
    target = positions.get(entry.prev)
    if target is not None and target > i:
        return _Broken(i, entry.seq, "reordered",
                       Message("it links to line {target}, which comes after it",
                               target=target))
    if target is not None and target < i - 1:
        first = target + 1
        return _Broken(first, entries[first - 1].seq, "inserted",
                       Message("no entry links to it: line {i} links back to line {target}",
                               i=i, target=target))  # fmt: skip
    if entry.prev == GENESIS:
        return _Broken(i, entry.seq, "inserted" if entry.seq != 1 else "reordered",
                       Message("it claims to be the first entry of the log"))  # fmt: skip
    if i < len(lines) and _links_to(lines[i], lines[i - 2] if i > 1 else None):
        return _Broken(i, entry.seq, "inserted",
                       Message("line {value} links past it to line {value2}",
                               value=i + 1, value2=i - 1))  # fmt: skip
    before = entries[-1].seq if entries else 0
    if entry.seq > before + 1:
        missing = f"seq {before + 1}" + (f"-{entry.seq - 1}" if entry.seq - 1 > before + 1 else "")
        return _Broken(i, entry.seq, "deleted", Message("entries {missing} are missing "
                                                        "before it",
                                                        missing=missing))
    if not entries:
        return _Broken(i, entry.seq, "edited", Message("its link to the genesis value was "
                                                       "changed"))
    return _Broken(i - 1, entries[-1].seq, "edited",
                   Message("line {i} no longer links to it: it was changed and its own hash "
                           "recomputed",
                           i=i))  # fmt: skip


def _links_to(raw: bytes, previous: bytes | None) -> bool:
    try:
        prev = json.loads(raw).get("prev")
    except (ValueError, AttributeError):
        return False
    return prev == (GENESIS if previous is None else line_hash(previous))


def _check(lines: list[bytes], torn: bool) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for i, raw in enumerate(lines, 1):
        if torn and i == len(lines):
            raise _Broken(i, _seq_of(raw), "truncated",
                          Message("the last line is incomplete (no line end): a write was "
                                  "cut short, e.g. by a crash or a power cut"))  # fmt: skip
        try:
            entry = parse_line(raw)
        except ValueError as exc:
            raise _Broken(i, _seq_of(raw), "edited", str(exc)) from None
        expected = GENESIS if i == 1 else line_hash(lines[i - 2])
        if entry.prev != expected:
            raise _diagnose_link(lines, entries, entry)
        if entry.seq != i:
            if i < len(lines) and _links_to(lines[i], lines[i - 2] if i > 1 else None):
                raise _Broken(i, entry.seq, "inserted", Message("line {value} links past it",
                                                                value=i + 1))
            raise _Broken(i, entry.seq, "edited", Message("seq {seq} where {i} was expected",
                                                          seq=entry.seq, i=i))
        entries.append(entry)
    return entries


def verify_bytes(data: bytes, expect_head: str | None = None) -> AuditVerdict:
    """Check every line of a log; with `expect_head`, also that this entry hash is still there."""
    lines, torn = split_lines(data)
    try:
        entries = _check(lines, torn)
    except _Broken as broken:
        good = max((broken.line or 1) - 1, 0)
        return AuditVerdict(False, good, len(lines), broken.line, broken.seq, broken.kind,
                            broken.reason, _head_of(lines, good))  # fmt: skip
    head = entries[-1].hash if entries else None
    if expect_head is not None:
        wanted = expect_head.strip().lower()
        if len(wanted) < MIN_HEAD_PREFIX:
            raise ValueError(f"an expected head hash needs at least {MIN_HEAD_PREFIX} hex digits")
        if not any(e.hash.startswith(wanted) for e in entries):
            return AuditVerdict(
                False, len(entries), len(lines), None, None, "deleted",
                f"no entry has the expected hash {wanted[:16]}...: entries were removed "
                "from the end of the log, or the log was replaced", head,
            )  # fmt: skip
    return AuditVerdict(True, len(entries), len(lines), head=head)


def _head_of(lines: list[bytes], count: int) -> str | None:
    if count == 0:
        return None
    try:
        return json.loads(lines[count - 1]).get("hash")
    except (ValueError, AttributeError):
        return None
