"""The destruction list holds exactly the ended bundles; destroy needs the consent and
removes only what the list named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report_repair import AFTER_RETENTION, pdf_text
from test_scan import deep_scan, run, scan

from archiver.audit import AuditLog
from archiver.bundle.names import tokens
from archiver.shelf.index import load_index

UNTIL = "2027-03-01"
CONSENT = "AP-Lipowo.4231.12.2027"


@pytest.fixture
def ended_shelf(shelf, monkeypatch):
    """Deep-scanned, one copy of the ended bundle lost, and the report's day after its end."""
    deep_scan(shelf)
    (shelf.media[2] / shelf.made.ended.name).unlink()
    scan(shelf)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(AFTER_RETENTION))
    return shelf


def make_list(shelf, out: Path, *extra: str):
    return run("shelf", "destruction-list", "--until", UNTIL, "--out", out,
               "--state-dir", shelf.state, *extra)


def files(shelf) -> set[str]:
    return {str(p.relative_to(shelf.media[0].parent)) for m in shelf.media
            for p in m.rglob("*") if p.is_file()}


def test_destruction_list_holds_exactly_the_ended_bundle(ended_shelf, tmp_path) -> None:
    shelf, ids = ended_shelf, ended_shelf.made.ids()
    result = make_list(shelf, tmp_path / "spis.pdf")
    assert result.exit_code == 0, result.output
    assert f"Destruction list 1/2027: {tmp_path / 'spis.pdf'}" in result.output
    listed = load_index(shelf.state).lists["1/2027"]
    assert listed["bundles"] == [ids["ended"]]
    text = pdf_text(tmp_path / "spis.pdf").replace(" ", "")
    assert "Spisdokumentacjiniearchiwalnejprzeznaczonejdobrakowanianr1/2027" in text
    assert ids["ended"] in text
    for other in ("term1", "term2", "category_a"):  # not ended, or category A
        assert ids[other] not in text
    assert "kategoriaB5,lata2025–2026:1paczka" in text
    assert "Zgodaarchiwumpaństwowegonabrakowanie" in text
    names = {t for n in shelf.made.names for t in tokens(n) if len(t) > 2}
    school = load_index(shelf.state).bundles[ids["ended"]].school
    assert not tokens(pdf_text(tmp_path / "spis.pdf")) & (names - tokens(school))
    entry = [e for e in AuditLog(shelf.state).entries()
             if e.command == "shelf-destruction-list"][-1]
    assert entry.scope["bundles"] == [ids["ended"]] and entry.outputs[0]["name"] == "spis.pdf"


def test_a_list_for_a_day_after_today_is_refused(ended_shelf, tmp_path) -> None:
    result = run("shelf", "destruction-list", "--until", "2027-03-02", "--out",
                 tmp_path / "spis.pdf", "--state-dir", ended_shelf.state)
    assert result.exit_code == 2 and not (tmp_path / "spis.pdf").exists()


def test_destroy_refuses_without_consent(ended_shelf, tmp_path) -> None:
    shelf = ended_shelf
    make_list(shelf, tmp_path / "spis.pdf")
    before = files(shelf)
    result = run("shelf", "destroy", *shelf.media, "--out", tmp_path / "protokol.pdf",
                 "--state-dir", shelf.state)
    assert result.exit_code == 4
    assert "nothing is destroyed without the state archive's consent" in result.output
    assert files(shelf) == before and not (tmp_path / "protokol.pdf").exists()
    entry = [e for e in AuditLog(shelf.state).entries() if e.command == "shelf-destroy"][-1]
    assert entry.result == "refused"


def test_destroy_removes_only_what_the_list_named(ended_shelf, tmp_path) -> None:
    shelf, ids = ended_shelf, ended_shelf.made.ids()
    ended = shelf.made.ended.name
    (shelf.media[1] / ended).rename(shelf.media[1] / "inna-nazwa.zip")  # found by its bag
    make_list(shelf, tmp_path / "spis.pdf")
    before = files(shelf)
    result = run("shelf", "destroy", *shelf.media, "--consent", CONSENT, "--out",
                 tmp_path / "protokol.pdf", "--state-dir", shelf.state)
    assert result.exit_code == 0, result.output
    gone = before - files(shelf)
    assert gone == {f"m1/{ended}", f"m1/{ended}.sha256", "m2/inna-nazwa.zip",
                    f"m2/{ended}.sha256", f"m3/{ended}.sha256"}
    text = pdf_text(tmp_path / "protokol.pdf")
    assert "Protokół zniszczenia dokumentacji niearchiwalnej nr 1/2027" in text
    assert CONSENT in text and ids["ended"] in text.replace(" ", "")
    index = load_index(shelf.state)
    assert index.bundles[ids["ended"]].destroyed_at
    assert index.bundles[ids["ended"]].copies == {}
    entry = [e for e in AuditLog(shelf.state).entries() if e.command == "shelf-destroy"][-1]
    assert entry.result == "ok" and entry.case_ref == CONSENT
    destroyed = sorted(Path(o["name"]).name for o in entry.outputs if o.get("kind") == "destroyed")
    assert destroyed == sorted(Path(g).name for g in gone)
    assert run("audit", "verify", "--state-dir", shelf.state).exit_code == 0
    again = run("shelf", "destroy", *shelf.media, "--consent", CONSENT, "--out",
                tmp_path / "drugi.pdf", "--state-dir", shelf.state)
    assert again.exit_code == 4  # the list was carried out already
    report = run("shelf", "report", "--out", tmp_path / "raport.csv", "--state-dir", shelf.state)
    assert report.exit_code == 0 and ids["ended"] not in (tmp_path / "raport.csv").read_text()


def test_a_category_a_bundle_is_never_destroyed(ended_shelf, tmp_path) -> None:
    shelf, ids = ended_shelf, ended_shelf.made.ids()
    make_list(shelf, tmp_path / "spis.pdf")
    path = shelf.state / "shelf-index.json"
    data = json.loads(path.read_text())
    data["lists"]["1/2027"]["bundles"].append(ids["category_a"])  # a tampered list
    path.write_text(json.dumps(data))
    before = files(shelf)
    result = run("shelf", "destroy", *shelf.media, "--consent", CONSENT, "--out",
                 tmp_path / "protokol.pdf", "--state-dir", shelf.state)
    assert result.exit_code == 4 and "category A" in result.output
    assert files(shelf) == before


def _printed_polish_rules():
    """FORBIDDEN and ENGLISH of tests/render/test_printed_polish.py (one list, one place)."""
    import importlib.util

    folder = Path(__file__).resolve().parents[1] / "render"
    spec = importlib.util.spec_from_file_location("printed_polish_rules",
                                                  folder / "test_printed_polish.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FORBIDDEN, module.ENGLISH, module.WORD


def test_shelf_documents_are_in_polish(ended_shelf, tmp_path) -> None:
    import re

    shelf = ended_shelf
    make_list(shelf, tmp_path / "spis.pdf")
    run("shelf", "report", "--out", tmp_path / "raport.pdf", "--state-dir", shelf.state)
    run("shelf", "destroy", *shelf.media, "--consent", CONSENT, "--out",
        tmp_path / "protokol.pdf", "--state-dir", shelf.state)
    forbidden, english, word = _printed_polish_rules()
    for name in ("raport.pdf", "spis.pdf", "protokol.pdf"):
        text = pdf_text(tmp_path / name)
        for pattern in forbidden:
            assert not re.search(pattern, text), (name, pattern)
        # paths, bundle ids and file names are names, not wording
        wording = re.sub(r"\S*[/_.]\S*", " ", text)
        found = {w.casefold() for w in word.findall(wording)} & english
        assert not found, (name, found)
