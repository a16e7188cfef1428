"""The certification block ending every document, with the real page count, and who is
printed as having printed it."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pikepdf
import pytest
from render_helpers import CTX, pdf_pages, spec_for

from archiver.config import Config, SchoolSettings
from archiver.render import chunks, render_document
from archiver.render.context import AccountName, RunContext
from archiver.render.documents import finish_document, prepare_document
from archiver.views.certification import page_count_phrase
from archiver.views.polish import plural

COUNT = re.compile(r"Dokument zawiera (\d+) (stronę|strony|stron)\.")


def _pdf_page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def _check_certified(pdf: bytes) -> str:
    pages = [" ".join(p.split()) for p in pdf_pages(pdf)]
    total = _pdf_page_count(pdf)
    last = pages[-1]
    assert "Za zgodność z dziennikiem elektronicznym" in last
    assert "Testowo, 27 czerwca 2026 r." in last
    assert "Maria Dyrektorska dyrektor szkoły (podpis i pieczęć)" in last
    found = COUNT.findall(last)
    assert found == [(str(total), plural(total, "stronę", "strony", "stron"))]
    assert not any(COUNT.search(p) for p in pages[:-1])  # the block ends the document
    return last


@pytest.mark.parametrize("kind, class_id", [("register", "C7A"), ("attendance", "C7A"),
                                            ("messages", "C7A"), ("messages", None)])
def test_every_document_ends_with_the_certification_and_its_true_page_count(
        rendered, kind, class_id):
    _check_certified(rendered(kind, class_id).pdf)


def test_a_document_laid_out_in_parts_counts_the_pages_of_all_parts(small, monkeypatch):
    monkeypatch.setattr(chunks, "SECTIONS_PER_PART", 1)
    prepared = prepare_document(spec_for(small, "register", "C7A"), small, Config(), CTX)
    assert len(prepared.parts) > 2  # really merged from parts
    doc = finish_document(prepared, [chunks.render_part(job) for job in prepared.parts])
    _check_certified(doc.pdf)
    assert doc.pages == _pdf_page_count(doc.pdf)


def test_place_and_director_from_the_configuration(rendered):
    config = Config(school=SchoolSettings(place="Nowe Miasto", director="Jan Nowy"))
    last = " ".join(pdf_pages(rendered("attendance", "C7A", config=config).pdf)[-1].split())
    assert "Nowe Miasto, 27 czerwca 2026 r." in last
    assert "Jan Nowy dyrektor szkoły" in last


def test_page_count_phrase_follows_polish_plural_rules():
    assert page_count_phrase(1) == "Dokument zawiera 1 stronę."
    for n in (2, 3, 4, 22, 23, 34, 102):
        assert page_count_phrase(n) == f"Dokument zawiera {n} strony.", n
    for n in (5, 11, 12, 13, 14, 21, 25, 112, 117):
        assert page_count_phrase(n) == f"Dokument zawiera {n} stron.", n


def test_the_os_account_is_printed_only_labelled_as_an_account(small):
    spec = spec_for(small, "attendance", "C7A")
    account = RunContext.create(AccountName("root"), {"SOURCE_DATE_EPOCH": "1782561600"})
    assert account.operator_is_account and account.operator == "root"
    text = " ".join(pdf_pages(render_document(spec, small, Config(), account).pdf)[0].split())
    assert "osoba drukująca: nie podano (konto systemowe „root”)" in text
    assert "przez root" not in text
    person = replace(account, operator="Anna Nowak", operator_is_account=False)
    text = " ".join(pdf_pages(render_document(spec, small, Config(), person).pdf)[0].split())
    assert "osoba drukująca: Anna Nowak" in text and "konto systemowe" not in text


def test_default_operator_is_the_configured_person_else_the_account(tmp_path, monkeypatch):
    import click

    from archiver.cli import Context, default_operator

    config_file = tmp_path / "archiver.toml"
    config_file.write_text('[school]\noperator = "Anna Nowak"\n', encoding="utf-8")
    shared = Context()
    shared.config_path = str(config_file)
    with click.Context(click.Command("x"), obj=shared):
        chosen = default_operator()
        assert chosen == "Anna Nowak" and not isinstance(chosen, AccountName)
    with click.Context(click.Command("x"), obj=Context()):
        monkeypatch.setattr("getpass.getuser", lambda: "root")
        chosen = default_operator()
        assert chosen == "root" and isinstance(chosen, AccountName)
        assert RunContext.create(chosen).operator_is_account


def test_the_password_slip_prints_the_time_in_the_schools_zone_like_the_protocol(small):
    from archiver.passwords import Password, PasswordSlip
    from archiver.views.handover import local_time, made_at

    account = replace(CTX, operator="root", operator_is_account=True)
    slip = PasswordSlip("b.zip", "0" * 64, Password("x" * 30), local_time(small, account),
                        account.operator_label).text()
    assert made_at(small, account) == "27.06.2026 14:00"  # 12:00 UTC in Warsaw's summer
    assert "Utworzono:     27.06.2026 14:00" in slip
    assert "Sporządził(a): nie podano (konto systemowe „root”)" in slip


@pytest.mark.parametrize("kind, class_id", [("register", "C7A"), ("attendance", "C7A"),
                                            ("messages", None)])
def test_the_signature_line_is_drawn_dotted_across_its_width(rendered, kind, class_id):
    """The certification's dotted line (render/rules.py, --dots): round dots 0.6pt wide,
    one at each end of the 95mm block, at least a dot apart, as an artifact."""
    with pikepdf.open(io.BytesIO(rendered(kind, class_id).pdf)) as document:
        page = document.pages[-1]
        contents = page.Contents
        content = b"".join(c.read_bytes() for c in contents) if isinstance(
            contents, pikepdf.Array) else contents.read_bytes()
    steps = re.findall(rb"1 0 0 1 ([\d.]+) 0 cm 0\.3000 0 m", content)
    first = re.search(rb"1 0 0 1 ([\d.]+) [\d.]+ cm 0\.3000 0 m", content)
    assert first and steps and len(set(steps)) == 1
    pitch, width = float(steps[0]), 95 / 25.4 * 72
    assert 1.1 < pitch < 1.3 and abs(len(steps) * pitch + 0.6 - width) < 0.01
    artifact = content.rfind(b"/Artifact BMC", 0, first.start())  # inside an artifact
    assert artifact >= 0 and b"EMC" not in content[artifact:first.start()]
