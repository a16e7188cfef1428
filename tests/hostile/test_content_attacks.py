"""Attacks typed into every free-text field: every document still renders, the text is
printed literally (markup shows as text, nothing is interpreted), nothing is fetched,
control characters show as a visible replacement, a 5,000-character word wraps on the
page, a 10,000-line message prints every line, a right-to-left override stays inside its
own field."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hostile_support import ATTACKS, LONG_WORD, pdf_text
from minimal_export import minimal_export, minimal_tables, write_minimal

from archiver.config import Config
from archiver.load import load_dataset
from archiver.render import RenderedDocument, RunContext, plan_documents, render_document
from archiver.render import pdfa as pdfa_module
from archiver.render.fetcher import SCHEME, SafeFetcher
from archiver.render.printable import REPLACEMENT

CTX = RunContext("sekretariat", datetime(2026, 6, 27, 12, 0, tzinfo=UTC))
# (table, row, column): free-text fields printed somewhere in the documents.
FIELDS = [
    ("lessons", 0, "topic"), ("messages", 0, "subject"), ("messages", 0, "body"),
    ("notes", 0, "text"), ("days_off", 0, "reason"), ("students", 0, "last_name"),
    ("students", 0, "first_name"), ("students", 0, "birth_place"), ("students", 0, "address"),
    ("guardians", 0, "relation"), ("guardians", 2, "phone"), ("staff", 1, "last_name"),
    ("subjects", 0, "name"), ("classes", 0, "name"), ("attendance_types", 0, "name"),
    ("grades", 0, "category"), ("message_attachments", 0, "file_name"),
    ("messages", 3, "body"), ("messages", 2, "subject"), ("lessons", 4, "topic"),
]
LONG_FIELDS = [("classes", 1, "name"), ("students", 3, "last_name"), ("lessons", 2, "topic"),
               ("messages", 1, "subject"), ("notes", 0, "text")]
RTL_NOTE = "uwaga \u202eodwrócona"


def payload(i: int) -> str:
    return f"P{i:02d}|{ATTACKS[i % len(ATTACKS)]}"


def flat(text: str) -> str:
    """Text without whitespace: pdftotext breaks lines where the layout did."""
    return "".join(text.split())


def hostile_tables() -> dict:
    tables = minimal_tables()
    for i, (table, row, column) in enumerate(FIELDS):
        tables[table].loc[row, column] = payload(i)
    for table, row, column in LONG_FIELDS:
        tables[table].loc[row, column] = f"{tables[table].loc[row, column]} {LONG_WORD}"
    tables["notes"].loc[0, "text"] += " " + RTL_NOTE  # the teacher's name follows it
    return tables


@pytest.fixture(scope="module")
def rendered() -> tuple[list[RenderedDocument], list[list[str]], dict]:
    """Every document of the hostile export (classes, school, one student), with a
    recording fetcher; (documents, fetch calls per document, the export's tables)."""
    tables = hostile_tables()
    export = minimal_export()
    export["school"]["name"] = f"Szkoła {ATTACKS[0]} {LONG_WORD}"
    calls: list[list[str]] = []

    class Recording(SafeFetcher):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            calls.append(self.calls)

    with tempfile.TemporaryDirectory() as name, pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdfa_module, "SafeFetcher", Recording)
        pdfa_module._stylesheet.cache_clear()
        dataset, _ = load_dataset(write_minimal(Path(name), "folder", tables, export))
        specs = plan_documents(dataset) + plan_documents(dataset, student="st1")
        documents = [render_document(s, dataset, Config(), CTX) for s in specs]
    pdfa_module._stylesheet.cache_clear()
    return documents, calls, tables


@pytest.fixture(scope="module")
def texts(rendered) -> list[str]:
    return [pdf_text(d.pdf) for d in rendered[0]]


def test_every_kind_of_document_renders(rendered) -> None:
    kinds = {(d.kind, d.spec.class_id is None, d.spec.student_id is None)
             for d in rendered[0]}
    assert {k for k, _, _ in kinds} == {"register", "attendance", "messages",
                                      "school-attendance"}
    assert any(not whole for _, _, whole in kinds)  # the student's documents too


def test_nothing_is_fetched_but_the_projects_own_assets(rendered) -> None:
    _documents, calls, _ = rendered
    assert calls, "the recording fetcher was not used"
    assert [url for made in calls for url in made if not url.startswith(SCHEME)] == []


def test_markup_and_references_are_printed_literally(texts) -> None:
    everything = flat("\n".join(texts))
    for i in range(len(FIELDS)):
        text = payload(i)
        assert f"P{i:02d}|" in everything, f"field {FIELDS[i]} is not printed"
        if text.isascii() and not any(c in text for c in "\x07\x1b\x0b\x0c\x7f"):
            assert flat(text) in everything, f"field {FIELDS[i]} not printed as typed"
    assert "{{7*7}}" in everything and "&amp;" in everything  # no template, no entity


def test_control_characters_print_as_a_visible_replacement(texts) -> None:
    everything = "\n".join(texts)
    assert f"bell{REPLACEMENT} escape{REPLACEMENT}[31m" in everything
    # (pdftotext itself separates pages with a form feed, \x0c)
    assert not re.search("[\x00-\x08\x0b\x0e-\x1f\x7f]", everything)


def body_text(pdf: bytes) -> str:
    """The text between the running header and footer (the word of a paragraph that
    crosses pages continues after them)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
        width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
        top, bottom = 64, 38  # below the header, above the footer (pt)
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-x", "0", "-y", str(top), "-W", str(int(width)),
             "-H", str(int(height - top - bottom)), handle.name, "-"],
            capture_output=True, check=True).stdout.decode()


def test_a_5000_character_word_is_printed_whole_in_every_document(rendered) -> None:
    for document in rendered[0]:
        assert LONG_WORD in flat(body_text(document.pdf)), document.file_name


def _words(pdf: bytes) -> list[tuple[float, float, float, float, float, float]]:
    """(page width, page height, xMin, yMin, xMax, yMax) of every word (pdftotext -bbox)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        xml = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", handle.name, "-"],
                             capture_output=True, check=True).stdout.decode("utf-8", "replace")
    words = []
    for page in re.split(r"<page ", xml)[1:]:
        width, height = map(float, re.findall(r'(?:width|height)="([\d.]+)"', page)[:2])
        for box in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                              r'yMax="([\d.]+)"', page):
            words.append((width, height, *map(float, box)))
    return words


def test_no_text_runs_off_the_page(rendered) -> None:
    for document in rendered[0]:
        off = [w for w in _words(document.pdf) if w[2] < 20 or w[4] > w[0] - 20]
        assert not off, f"{document.file_name}: {len(off)} words reach past the margin"


def test_a_right_to_left_override_does_not_reverse_what_follows(texts) -> None:
    register = next(t for t in texts if "Uwagi" in t and "odwrócona" in flat(t)[::-1] + flat(t))
    assert "(AnnaNowak)" in flat(register)  # printed after the note, in its own direction
    assert ")kawoNannA(" not in flat(register)


def test_a_10000_line_message_prints_every_line(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["messages"].loc[0, "body"] = "\n".join(f"wiersz {i:05d}" for i in range(10_000))
    dataset, _ = load_dataset(write_minimal(tmp_path, "folder", tables))
    spec = plan_documents(dataset, kinds=["messages"], student="st1")[0]
    document = render_document(spec, dataset, Config(), CTX)
    lines = set(re.findall(r"wiersz \d{5}", pdf_text(document.pdf)))
    assert len(lines) == 10_000 and document.pages > 100
