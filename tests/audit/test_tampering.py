"""Any change to the stored log makes `audit verify` fail and name the changed line."""

from __future__ import annotations

import json

import pytest
from audit_helpers import fill

from archiver.audit import AuditLog, verify_bytes
from archiver.audit.entry import ENTRY_FIELDS, canonical, entry_hash, line_hash
from archiver.errors import ExitCode

COUNT = 6


def _tampered(value):
    """A different value of the same kind."""
    if isinstance(value, bool) or value is None:
        return "x"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value[:-1] + ("0" if value[-1:] != "0" else "1") if value else "x"
    if isinstance(value, dict):
        return {**value, "extra": "x"}
    if isinstance(value, list):
        return [*value, "x"]
    raise AssertionError(type(value))


def _edit(line: bytes, field: str, rehash: bool = False) -> bytes:
    entry = json.loads(line)
    entry[field] = _tampered(entry[field])
    if rehash:
        entry["hash"] = entry_hash(entry)
    return canonical(entry).encode() + b"\n"


@pytest.fixture
def lines(log: AuditLog) -> list[bytes]:
    return fill(log, COUNT)


def _verdict(lines: list[bytes]):
    return verify_bytes(b"".join(lines))


def test_an_untouched_log_verifies_and_reports_its_head(lines, cli) -> None:
    verdict = _verdict(lines)
    assert verdict.ok and verdict.count == COUNT
    code, out, _err = cli("audit", "verify")
    assert code == ExitCode.OK
    assert f"{COUNT} entries" in out and json.loads(lines[-1])["hash"] in out


@pytest.mark.parametrize("field", ENTRY_FIELDS)
@pytest.mark.parametrize("number", range(1, COUNT + 1))
def test_editing_any_field_of_any_line_is_named(lines, number, field) -> None:
    lines[number - 1] = _edit(lines[number - 1], field)
    verdict = _verdict(lines)
    assert not verdict.ok
    assert (verdict.first_broken_line, verdict.kind) == (number, "edited")


@pytest.mark.parametrize("number", range(1, COUNT))
def test_an_edit_with_its_own_hash_recomputed_is_named(lines, number) -> None:
    lines[number - 1] = _edit(lines[number - 1], "operator", rehash=True)
    verdict = _verdict(lines)
    assert (verdict.ok, verdict.first_broken_line, verdict.kind) == (False, number, "edited")


def test_a_reformatted_line_is_named_even_with_the_same_content(lines) -> None:
    lines[2] = json.dumps(json.loads(lines[2]), indent=1).replace("\n", " ").encode() + b"\n"
    verdict = _verdict(lines)
    assert (verdict.first_broken_line, verdict.kind) == (3, "edited")


@pytest.mark.parametrize("number", range(1, COUNT))
def test_deleting_a_line_names_where_it_was(lines, number) -> None:
    del lines[number - 1]
    verdict = _verdict(lines)
    assert (verdict.ok, verdict.first_broken_line, verdict.kind) == (False, number, "deleted")
    assert f"seq {number}" in verdict.reason


def _forged(lines: list[bytes], position: int, link_to_previous: bool = True) -> bytes:
    """A plausible entry for `position` with a correct own hash (and, by default, link)."""
    entry = json.loads(lines[0])
    entry.update(seq=position, operator="intruz", command="disclose", hash="")
    entry["prev"] = line_hash(lines[position - 2]) if link_to_previous else "ab" * 32
    entry["hash"] = entry_hash(entry)
    return canonical(entry).encode() + b"\n"


@pytest.mark.parametrize("position", range(2, COUNT + 1))
def test_an_inserted_forged_line_with_a_recomputed_hash_is_named(lines, position) -> None:
    lines.insert(position - 1, _forged(lines, position))
    verdict = _verdict(lines)
    assert (verdict.ok, verdict.first_broken_line, verdict.kind) == (False, position, "inserted")


@pytest.mark.parametrize("copied,position", [(2, COUNT + 1), (1, 3), (4, 5)])
def test_a_copied_line_is_named_where_the_copy_is(lines, copied, position) -> None:
    lines.insert(position - 1, lines[copied - 1])
    verdict = _verdict(lines)
    assert (verdict.ok, verdict.first_broken_line, verdict.kind) == (False, position, "inserted")
    assert f"copy of line {copied}" in verdict.reason


def test_an_inserted_line_that_links_nowhere_is_named(lines) -> None:
    lines.insert(3, _forged(lines, 4, link_to_previous=False))
    verdict = _verdict(lines)
    assert (verdict.first_broken_line, verdict.kind) == (4, "inserted")


def test_an_inserted_empty_line_is_named(lines) -> None:
    lines.insert(2, b"\n")
    verdict = _verdict(lines)
    assert not verdict.ok and verdict.first_broken_line == 3


@pytest.mark.parametrize("first,second", [(1, 2), (2, 3), (5, 6), (2, 5), (1, 6)])
def test_reordering_two_lines_is_named(lines, first, second) -> None:
    lines[first - 1], lines[second - 1] = lines[second - 1], lines[first - 1]
    verdict = _verdict(lines)
    assert (verdict.ok, verdict.first_broken_line, verdict.kind) == (False, first, "reordered")


@pytest.mark.parametrize("cut", [1, 2, 40])
def test_a_truncated_last_line_is_named(lines, cut) -> None:
    lines[-1] = lines[-1][:-cut]
    verdict = _verdict(lines)
    assert (verdict.ok, verdict.first_broken_line, verdict.kind) == (False, COUNT, "truncated")
    assert verdict.count == COUNT - 1


def test_removing_entries_from_the_end_is_caught_by_the_noted_head(log, lines, cli) -> None:
    head = json.loads(lines[-1])["hash"]
    log.path.write_bytes(b"".join(lines[:-1]))
    assert cli("audit", "verify")[0] == ExitCode.OK  # the chain alone cannot tell
    code, _out, err = cli("audit", "verify", "--expect-head", head[:20])
    assert code == ExitCode.VERIFY_FAILED and "removed from the end" in err
    log.path.write_bytes(b"".join(lines))
    assert cli("audit", "verify", "--expect-head", head)[0] == ExitCode.OK


@pytest.mark.parametrize(
    "change",
    ["edit", "delete", "insert", "reorder", "truncate"],
)
def test_audit_verify_exits_3_naming_the_line_and_what_happened(log, lines, cli, change) -> None:
    if change == "edit":
        lines[3] = _edit(lines[3], "result")
    elif change == "delete":
        del lines[3]
    elif change == "insert":
        lines.insert(3, _forged(lines, 4))
    elif change == "reorder":
        lines[3], lines[4] = lines[4], lines[3]
    else:
        lines[-1] = lines[-1][:-5]
    log.path.write_bytes(b"".join(lines))
    code, out, err = cli("audit", "verify")
    expected_line = COUNT if change == "truncate" else 4
    kind = {"edit": "edited", "delete": "deleted", "insert": "inserted",
            "reorder": "reordered", "truncate": "truncated"}[change]  # fmt: skip
    assert code == ExitCode.VERIFY_FAILED
    assert f"line {expected_line} (seq " in err and f": {kind}:" in err
    assert out == ""
