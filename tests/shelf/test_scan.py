"""shelf scan: bundles found by their bag and sidecar, every copy checked and indexed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from archiver.audit import AuditLog
from archiver.bundle.names import tokens
from archiver.cli import main_group
from archiver.shelf.index import load_index


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main_group, [str(a) for a in args], catch_exceptions=False)


def scan(shelf, *extra: str | Path) -> Result:
    return run("shelf", "scan", *shelf.media, "--state-dir", shelf.state, *extra)


def deep_scan(shelf) -> Result:
    return scan(shelf, "--deep", "--password-file", shelf.made.password_file)


def copies(shelf, role: str) -> dict[str, object]:
    bundle = load_index(shelf.state).bundles[shelf.made.ids()[role]]
    return {str(Path(path).relative_to(shelf.media[0].parent.resolve())): copy
            for path, copy in bundle.copies.items()}


def test_scan_finds_every_copy_and_names_each_case(shelf) -> None:
    result = deep_scan(shelf)
    assert result.exit_code == 3, result.output  # a damaged copy is on the shelf
    ids = shelf.made.ids()
    term1 = copies(shelf, "term1")
    assert sorted(term1) == ["m1/" + ids["term1"] + ".zip", "m2/" + ids["term1"] + ".zip",
                             "m3/kopia-zapasowa.zip"]
    assert [c.outcome for c in term1.values()] == ["ok", "damaged", "ok"]
    damaged = term1["m2/" + ids["term1"] + ".zip"]
    assert any("HMAC" in p for p in damaged.problems)
    assert damaged.differs[0]["start"] == 300_000 and damaged.differing_bytes == 1
    assert damaged.differs[0]["where"].startswith("data of data/dokumenty/")
    assert term1["m3/kopia-zapasowa.zip"].renamed
    assert [c.outcome for c in copies(shelf, "term2").values()] == ["ok"]
    assert f"{ids['term2']}: 1 good of 1 copies  FEWER THAN TWO GOOD COPIES" in result.output
    assert f"{ids['term1']}: 2 good of 3 copies\n" in result.output
    assert "(renamed)" in result.output
    index = load_index(shelf.state)
    ended = index.bundles[ids["ended"]]
    assert (ended.category, ended.retention_until, ended.term) == ("B5", "2026-12-31", "year")
    assert index.bundles[ids["category_a"]].category == "A"
    assert index.bundles[ids["term1"]].retention_until == "2031-12-31"


def test_a_copy_gone_from_its_medium_is_missing(shelf) -> None:
    deep_scan(shelf)
    ended = shelf.made.ended.name
    (shelf.media[2] / ended).unlink()
    result = scan(shelf)
    assert result.exit_code == 3
    found = copies(shelf, "ended")
    assert found[f"m3/{ended}"].outcome == "missing"
    assert [found[f"m{n}/{ended}"].outcome for n in (1, 2)] == ["ok", "ok"]
    assert f"missing  {shelf.media[2] / ended}" in result.output
    # what the deep scan learnt stays known after a quick one
    assert load_index(shelf.state).bundles[shelf.made.ids()["ended"]].category == "B5"


def test_a_moved_copy_is_not_missing(shelf) -> None:
    scan(shelf)
    term2 = shelf.made.term2
    (shelf.media[0] / "teczka").mkdir()
    for name in (term2.name, term2.name + ".sha256"):
        (shelf.media[0] / name).rename(shelf.media[0] / "teczka" / name)
    scan(shelf)
    assert [str(k) for k in copies(shelf, "term2")] == [f"m1/teczka/{term2.name}"]


def test_a_copy_cut_short_is_found_by_its_sidecar(shelf) -> None:
    path = shelf.media[0] / shelf.made.term2.name
    path.write_bytes(path.read_bytes()[:1000])
    scan(shelf)
    copy = copies(shelf, "term2")[f"m1/{path.name}"]
    assert copy.outcome == "damaged"
    assert any("end of central directory" in p for p in copy.problems)


def test_other_files_are_not_taken_for_bundles(shelf) -> None:
    (shelf.media[0] / "eksport.zip").write_bytes(shelf.made.term1.with_name(
        shelf.made.term1.name.removesuffix(".zip") + "-protokol.pdf").read_bytes())
    shutil_source = shelf.made.term1.parent.parent / "eksport.zip"
    (shelf.media[0] / "zwykly.zip").write_bytes(shutil_source.read_bytes())
    scan(shelf)
    assert len(load_index(shelf.state).bundles) == 4


def test_deep_scan_with_slips_opens_each_bundle_with_its_own_password(shelf, tmp_path) -> None:
    from datetime import UTC, datetime

    from archiver.passwords import Password, PasswordSlip, write_slip

    slips = tmp_path / "hasla"
    slips.mkdir()
    password = Password(shelf.made.password_file.read_text().strip())
    for bundle in (shelf.made.term2,):
        slip = PasswordSlip(bundle.name, "0" * 64, password, datetime.now(UTC), "sekretariat")
        write_slip(slip, slips / (bundle.name.removesuffix(".zip") + "-haslo.txt"),
                   bundle_dir=shelf.media[0])
    result = scan(shelf, "--deep", "--slips", slips)
    assert load_index(shelf.state).bundles[shelf.made.ids()["term2"]].category == "B5"
    assert load_index(shelf.state).bundles[shelf.made.ids()["term1"]].category == ""
    assert f"no password for {shelf.made.ids()['term1']}" in result.output
    assert password.reveal() not in (shelf.state / "audit.jsonl").read_text()


def test_deep_scan_without_a_password_is_a_usage_error(shelf, monkeypatch) -> None:
    monkeypatch.delenv("ARCHIVER_PASSWORD", raising=False)
    result = scan(shelf, "--deep")
    assert result.exit_code == 2
    assert "needs the bundles' passwords" in result.output


def test_index_holds_no_personal_name(shelf) -> None:
    deep_scan(shelf)
    text = (shelf.state / "shelf-index.json").read_text("utf-8")
    names = {t for name in shelf.made.names for t in tokens(name) if len(t) > 2}
    assert names and not tokens(text) & names
    json.loads(text)


def test_every_scan_is_in_the_audit_log_which_verifies(shelf) -> None:
    deep_scan(shelf)
    scan(shelf)
    entries = [e for e in AuditLog(shelf.state).entries() if e.command == "shelf-scan"]
    assert len(entries) == 2
    first = entries[0]
    assert first.scope["shelf"]["deep"] is True and first.scope["shelf"]["damaged"] == 1
    assert first.scope["media"] == [str(m.resolve()) for m in shelf.media]
    kinds = sorted(o["kind"] for o in first.outputs)
    assert kinds.count("copy-ok") == 8 and kinds.count("copy-damaged") == 1
    result = run("audit", "verify", "--state-dir", shelf.state)
    assert result.exit_code == 0, result.output
