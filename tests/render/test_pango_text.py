"""Text wrapped in Python by Pango (render/pango_text.py) breaks where WeasyPrint breaks
it, so that transcripts' folded lines print as their wrapped paragraphs did."""

from __future__ import annotations

import pytest
from render_helpers import pdf_words
from weasyprint import HTML

from archiver.render.lines import CELL_FACE, MESSAGE_PT, _cell_rows, _pad
from archiver.render.pango_text import Face, width_pt, wrap

BODY = Face("DejaVu Sans", 9.5)
TEXTS = [
    "Szanowni Państwo,\n\nzapraszam na zebranie z rodzicami, które odbędzie się 19.09.2025 o "
    "godz. 17:00 w sali nr 105, a po nim na rozmowy z wychowawcą i nauczycielami przedmiotów "
    "(Marat-Dytrych, Dziechciarz-Paluszak) w salach 12–14.\n1. Sprawy organizacyjne.",
    "link: https://szkola.example/ogloszenia?id=12&typ=wf/" + "bardzo/dlugi/adres/" * 12,
    "Ż" * 300 + " a potem zwykłe słowa, " + "i" * 500,
    "tab\tstop\tpo\ttabulatorze " * 20,
    "z\u0301o\u0301l\u0301w " * 60 + " \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd" * 20,
    "spacje   na   końcu    " * 25 + "     ",
    "",
]


def _weasyprint_lines(text: str, css: str) -> list[str]:
    """The lines WeasyPrint lays `text` out in, in a box of MESSAGE_PT."""
    html = (f'<html lang="pl"><body style="margin:0"><div style="width:{MESSAGE_PT}pt;{css}">'
            f"{text.replace('&', '&amp;').replace('<', '&lt;')}</div></body></html>")
    document = HTML(string=html).render(stylesheets=[], presentational_hints=False)
    lines: list[str] = []

    def walk(box) -> None:  # noqa: ANN001
        if type(box).__name__ == "LineBox":
            lines.append("".join(t.text for t in _texts(box)))
            return
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return lines


def _texts(box):  # noqa: ANN001, ANN202
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", ()):
        yield from _texts(child)


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_a_body_wraps_where_weasyprint_wraps_it(text: str) -> None:
    css = "font: 9.5pt/1.4 'DejaVu Sans'; white-space: pre-wrap; overflow-wrap: anywhere"
    ours = wrap(text, MESSAGE_PT, BODY)
    assert "".join(ours) == text.replace("\n", "")  # every character, in order
    expected = _weasyprint_lines(text, css)
    assert [line.rstrip("\n") for line in expected] == ours or (
        not text and ours == [""])


def test_a_run_of_names_wraps_where_weasyprint_wraps_it_bold_head_included() -> None:
    names = ", ".join(f"Imię{n} Nazwisko-Dwuczłonowe{n}" for n in range(40))
    head = "nie przeczytało (40):"
    ours = wrap(f"{head}  {names}", MESSAGE_PT, CELL_FACE, bold=len(head), collapse=True)
    html_text = f"<b>{head}</b> {names}"
    document = HTML(string=(
        f'<html lang="pl"><body style="margin:0"><p style="width:{MESSAGE_PT}pt; '
        f"font: 8pt/1.25 'DejaVu Sans'; font-stretch: condensed; margin: 0\">{html_text}</p>"
        "</body></html>")).render()
    expected = []
    for line in document.pages[0]._page_box.descendants():
        if type(line).__name__ == "LineBox":
            expected.append("".join(t.text for t in _texts(line)).strip(" "))
    assert ours == expected


def test_read_recipients_stand_in_four_columns_a_long_one_in_two() -> None:
    texts = [f"Osoba{n} Nazwisko 12.01 13:{n:02}" for n in range(9)]
    texts[2] = "Anna Maria Marat-Dytrych-Kowalska 12.01 13:02"  # wider than a column
    rows = _cell_rows(texts)
    quarter = MESSAGE_PT / 4
    found, position = [], 0
    for number, row in enumerate(rows):
        position = 0
        for text in texts:
            at = row.find(text, position)
            if at >= 0:
                found.append((number, width_pt(row[:at], CELL_FACE) / quarter, text))
                position = at + len(text)
    assert [text for _n, _x, text in found] == texts  # all, in order
    columns = [(n, round(x)) for n, x, _t in found]
    assert columns == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0), (2, 1)]
    assert all(abs(x - round(x)) * quarter <= 0.36 for _n, x, _t in found)


def test_padding_reaches_its_column_within_half_a_hair_space() -> None:
    for x in (0.0, 13.37, 61.5, 117.2):
        target = 124.4
        assert abs(x + width_pt(_pad(x, target), CELL_FACE) - target) <= 0.36


def _pdf(body: str) -> bytes:
    """A PDF/A of a page whose body is `body`."""
    from render_helpers import CTX

    from archiver.render.pdfa import html_to_pdfa

    html = ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>t</title>'
            f"</head><body>{body}</body></html>")
    return html_to_pdfa(html, title="t", run_ctx=CTX)[0]


def _assert_same_places(before_pdf: bytes, after_pdf: bytes, dx: float = 0.05) -> None:
    """The same words in the same order, each within dx pt across and 0.05 pt down of
    where it printed before."""
    before, after = pdf_words(before_pdf), pdf_words(after_pdf)
    assert [w for w, _x, _y in after] == [w for w, _x, _y in before]
    for (word, x0, y0), (_w, x1, y1) in zip(before, after, strict=True):
        assert abs(x0 - x1) < dx and abs(y0 - y1) < 0.05, word


def test_a_message_header_folded_prints_where_its_divs_printed_it() -> None:
    """message_head and tally_lines (folded lines, the note in its grey, bold pieces bold)
    put every word where the header's <div>s, <b> and <span class="note"> put it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from archiver.render.lines import message_head, tally_lines
    from archiver.views.messages import MessageEntry, Receipt
    from archiver.views.people import Person

    tz = "Europe/Warsaw"
    at = datetime(2025, 10, 3, 11, 13, tzinfo=ZoneInfo(tz))
    teacher = Person("staff", "S1", "Bianka Łuckiewicz", "pedagog")
    mother = Person("guardian", "G1", "Apolonia Bogusiewicz", "matka: Bogusiewicz Antoni")
    message = MessageEntry("M000069", at, teacher, "Prośba o kontakt  w sprawie wycieczki",
                           "treść", "individual", "", (Receipt(mother, None),
                                                       Receipt(teacher, at)), 0, teacher,
                           at, "M000068", ())
    old = ('<div class="meta"><div><b>Prośba o kontakt  w sprawie wycieczki</b> <span '
           'class="note">(M000069, odpowiedź na M000068)</span></div>'
           "<div>Wysłano: 03.10.2025 11:13 · Nadawca: Bianka Łuckiewicz (pedagog)</div>"
           "<div>Adresaci: wiadomość indywidualna</div>"
           "<div>Zatwierdzenie: Bianka Łuckiewicz (pedagog), 03.10.2025 11:13</div></div>"
           '<div class="recipients"><p class="tally"><b>Odbiorcy: 2</b> – przeczytał 1 z 2 '
           "odbiorców</p><div>Apolonia Bogusiewicz (matka: Bogusiewicz Antoni) – <b>"
           "nieprzeczytana</b></div><div>Bianka Łuckiewicz (pedagog) – przeczytana "
           "03.10.2025 11:13</div></div>")
    new = (f'<div class="meta">{message_head(message, tz)}</div>'
           f'<div class="recipients">{tally_lines(message, tz)}</div>')

    def pdf(inner: str) -> bytes:
        return _pdf(f'<div class="message">{inner}<p>po</p></div>')

    _assert_same_places(pdf(old), pdf(new), dx=0.1)
    assert b"0.200000 0.200000 0.200000 rg" in _content(pdf(new))  # the note's #333


def _content(pdf: bytes) -> bytes:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return b"".join(page.Contents.read_bytes() if not isinstance(page.Contents, pikepdf.Array)
                        else b"".join(c.read_bytes() for c in page.Contents)
                        for page in document.pages)


def test_a_message_body_folded_prints_what_its_pre_wrap_printed() -> None:
    from html import escape

    from archiver.render.lines import body_blocks
    from archiver.render.printable import printable

    def pdf(inner: str) -> bytes:
        return _pdf(f'<div class="message">{inner}</div>')

    for text in TEXTS[:4]:
        old = f'<div class="body" style="font: 9.5pt/1.4 \'DejaVu Sans\'; white-space: ' \
              f'pre-wrap; overflow-wrap: anywhere">{escape(printable(text))}</div>'  # as finalize
        new = str(body_blocks(text))  # its first block carries .body's rule
        _assert_same_places(pdf(old), pdf(new))


_FROM_THREADS = """
import threading
from archiver.render.pango_text import Face, wrap, width_pt
face = Face("DejaVu Sans", 9.0)
text = "Szanowni Państwo, zapraszam na zebranie z rodzicami w sali nr 12. " * 60
def work(n):
    for i in range(40):
        wrap(text + str(n * 1000 + i), 200.0, face)
        width_pt(f"Anna Kowalska {n} {i}", face)
threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("ok")
"""


def test_texts_wrapped_in_several_threads_at_once_do_not_break_pango() -> None:
    """A term-end of many schools prepares documents in threads: the layout shared per face
    was used by two at once and Pango aborted the process (make test's Dask run; on the
    code before the lock this prints Pango-CRITICAL ref_count errors or aborts)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _FROM_THREADS], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
    assert "CRITICAL" not in done.stderr and "WARNING" not in done.stderr, done.stderr[-2000:]


def _message(body: str, receipts: int = 2):  # noqa: ANN202
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from archiver.views.messages import MessageEntry, Receipt
    from archiver.views.people import Person

    at = datetime(2025, 10, 3, 11, 13, tzinfo=ZoneInfo("Europe/Warsaw"))
    teacher = Person("staff", "S1", "Bianka Łuckiewicz", "pedagog")
    mother = Person("guardian", "G1", "Apolonia Bogusiewicz", "matka: Bogusiewicz Antoni")
    people = [Receipt(mother, None), Receipt(teacher, at)] * receipts
    return MessageEntry("M000069", at, teacher, "Prośba o kontakt  w sprawie wycieczki " * 3,
                        body, "individual", "", tuple(people[:receipts]), 0, teacher, at,
                        "M000068", ())


@pytest.mark.parametrize("body", [TEXTS[0], TEXTS[0] * 4, TEXTS[2], ""], ids=range(4))
def test_a_whole_message_in_one_block_prints_where_its_blocks_printed_it(body: str) -> None:
    """message_lines: header, count, recipients and the text's first lines as one folded
    block of lines in three sizes (marks.FOLD_LINES) and the text's rule (FOLD_RULES) put
    every word where message_head, tally_lines and body_blocks put it, and draw the rule."""

    from archiver.render.lines import body_blocks, message_head, message_lines, tally_lines

    tz = "Europe/Warsaw"
    message = _message(body, 3)
    old = f"{message_head(message, tz, last=True)}{tally_lines(message, tz, last=True)}" \
          f"{body_blocks(message.body)}"
    new = str(message_lines(message, tz))
    assert new.count("<pre") < old.count("<pre")  # header, count, recipients: one block

    def pdf(inner: str) -> bytes:
        return _pdf(f'<div class="message">{inner}</div><p>po</p>')

    _assert_same_places(pdf(old), pdf(new))
    assert b"0.733333 0.733333 0.733333 rg" in _content(pdf(new))  # the rule's #bbb


def test_a_message_with_tabs_or_attachments_keeps_its_blocks() -> None:
    from archiver.render.lines import message_lines

    assert not message_lines(_message("a\tb"), "Europe/Warsaw")
    assert message_lines(_message("a b"), "Europe/Warsaw")


@pytest.mark.parametrize("subject", ["Strój na zajęcia", "Prośba  o kontakt  w sprawie", "Zebranie"
                                     " z rodzicami klas ósmych w sprawie egzaminu " * 2,
                                     "שלום עולם i Żółć"], ids=range(4))
def test_a_threads_heading_prints_where_its_span_printed_it(subject: str) -> None:
    """thread_heading: the note of a heading that fits on a line is a mark of the heading's
    own text (no <span>), printed in its size and grey where the span printed it."""
    from html import escape

    from archiver.render.lines import thread_heading

    note = "(T00004, wiadomości: 2)"
    old = f'<h2>Wątek: {escape(subject)} <span class="note">{note}</span></h2>'
    new = str(thread_heading(subject, note))
    assert ("<span" not in new) == (len(subject) < 60)

    def pdf(inner: str) -> bytes:
        return _pdf(f'<p>przed</p>{inner}<p>po</p>')

    _assert_same_places(pdf(old), pdf(new))
    if "<span" not in new:
        assert b"0.200000 0.200000 0.200000 rg" in _content(pdf(new))  # the note's #333


def _old_class_recipients(message) -> str:  # noqa: ANN001
    """A class message's recipients as the template's boxes printed them (a tally with its
    note, then one .rgroup per class)."""
    from markupsafe import escape

    from archiver.render.lines import compact_recipients, read_tally

    groups = "".join(
        f'<div class="rgroup"><p class="rgroup-head">{escape(g.label)}: '
        f"{read_tally(len(g.read), len(g.unread) + len(g.read))}</p>"
        f"{compact_recipients(g, message.sent_at)}</div>" for g in message.groups())
    return (f'<div class="recipients"><p class="tally"><b>Odbiorcy: '
            f"{message.recipient_count}</b> – "
            f"{read_tally(message.read_count, message.recipient_count)}<br><span "
            'class="note">W każdej grupie najpierw ci, którzy wiadomości nie przeczytali, '
            "potem odbiorcy, którzy ją przeczytali, z dniem i godziną odczytu.</span></p>"
            f"{groups}</div>")


def _class_message(body: str):  # noqa: ANN202
    from dataclasses import replace
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from archiver.views.messages import Receipt
    from archiver.views.people import Person

    at = datetime(2025, 10, 3, 11, 13, tzinfo=ZoneInfo("Europe/Warsaw"))
    names = ["Żaneta Brzęczyszczykiewicz", "Jan Kowalski", "Ola Nowak-Wiśniewska", "Piotr Ąę"]
    receipts = [Receipt(Person("guardian", f"G{n}", f"{names[n % 4]} {n}", ""),
                        None if n % 3 == 0 else at + timedelta(minutes=n), "7a")
                for n in range(46)]
    receipts += [Receipt(Person("student", "S1", "Nowak Ala", ""), at, "7b"),
                 Receipt(Person("staff", "S2", "Bianka Łuckiewicz", "pedagog"), None, "")]
    return replace(_message(body), audience="class", audience_class="7a",
                   recipients=tuple(receipts), reply_to="")


@pytest.mark.parametrize("body", [TEXTS[0], "krótko"], ids=range(2))
def test_a_class_message_in_few_blocks_prints_where_its_boxes_printed_it(body: str) -> None:
    """message_lines of a class's message: the count and its note, each group's head and
    rule and its names (compact_recipients) in few folded blocks, every word where the
    template's boxes put it, a rule under each head and over the text."""

    from archiver.render.lines import (
        body_blocks,
        message_head,
        message_lines,
    )

    tz = "Europe/Warsaw"
    message = _class_message(body)
    old = (f"{message_head(message, tz, last=True)}{_old_class_recipients(message)}"
           f"{body_blocks(message.body)}")
    new = str(message_lines(message, tz))
    assert new.count("<pre") < old.count("<pre") and "<p " not in new and "<div" not in new

    def pdf(inner: str) -> bytes:
        return _pdf(f'<div class="message">{inner}</div><p>po</p>')

    _assert_same_places(pdf(old), pdf(new))
    assert _content(pdf(new)).count(b"0.733333 0.733333 0.733333 rg") == 3 + 1  # heads, text


@pytest.mark.parametrize("kind", ["individual", "class"])
def test_a_message_with_an_attachment_has_its_recipients_and_text_where_its_boxes_had_them(
        kind: str) -> None:
    """message_lines(head=False) after the header's <div class="meta"> (an attachment's
    line): the count, recipients and text where the old boxes put them."""

    from archiver.render.lines import (
        body_blocks,
        message_head,
        message_lines,
        tally_lines,
    )

    tz = "Europe/Warsaw"
    message = _class_message(TEXTS[0]) if kind == "class" else _message(TEXTS[0], 3)
    meta = (f'<div class="meta">{message_head(message, tz)}<div>Załącznik: plan.pdf (1 kB) · '
            'SHA-256: <span class="hash">9f86d081884c7d659a2feaa0c55ad015</span></div></div>')
    if kind == "class":
        rest = _old_class_recipients(message)
    else:
        rest = str(tally_lines(message, tz, last=True))
    old = meta + rest + str(body_blocks(message.body))
    new = meta + str(message_lines(message, tz, head=False))
    assert new.count("<pre") < old.count("<pre")

    def pdf(inner: str) -> bytes:
        return _pdf(f'<div class="message">{inner}</div><p>po</p>')

    _assert_same_places(pdf(old), pdf(new))


def _page_words(pdf: bytes) -> list[list[str]]:
    from render_helpers import pdf_pages

    return [page.split() for page in pdf_pages(pdf, layout=False)]


def _after_spacer(inner: str, height: float) -> bytes:
    """A page whose first `height` pt are empty, then a message box holding `inner`."""
    return _pdf(f'<div style="height: {height}pt"></div><div class="message">{inner}</div>'
                "<p>po</p>")


SPACERS = range(290, 680, 20)  # page ends from the message's text up to its header


def test_a_page_ends_in_a_merged_block_wherever_its_pieces_would_have_let_it(monkeypatch) -> None:
    """A flow merges its pieces into few blocks (lines.MERGE_PT); a page still ends at any
    of their cuts: wherever the page ends in a class message (its text, its groups of
    recipients, its header), each page holds the words it holds when every piece is a
    block of its own."""
    import archiver.render.lines as lines_module
    from archiver.render.lines import message_lines

    message = _class_message(TEXTS[0] * 3)
    merged = str(message_lines(message, "Europe/Warsaw"))
    monkeypatch.setattr(lines_module, "MERGE_PT", 0.0)
    unmerged = str(message_lines(message, "Europe/Warsaw"))
    assert merged.count("<pre") < unmerged.count("<pre")
    for height in SPACERS:
        merged_pages = _page_words(_after_spacer(merged, height))
        assert len(merged_pages) == 2, height
        assert merged_pages == _page_words(_after_spacer(unmerged, height)), height


def test_a_class_messages_recipients_end_a_page_where_their_boxes_ended_it() -> None:
    """Where a page ends among a class message's groups of recipients, it ends where it
    ended when the groups were the template's boxes (a group whose names fit stays on the
    page, even when the space after it does not)."""
    from archiver.render.lines import body_blocks, message_head, message_lines

    tz = "Europe/Warsaw"
    message = _class_message(TEXTS[0] * 3)
    old = f"{message_head(message, tz, last=True)}{_old_class_recipients(message)}" \
          f"{body_blocks(message.body)}"
    new = str(message_lines(message, tz))
    among = 0
    for height in SPACERS:
        old_pages = _page_words(_after_spacer(old, height))
        if "Odbiorcy:" not in old_pages[0] or "Szanowni" in old_pages[0] or \
                old_pages[1][0] == "Szanowni":
            continue  # the page ends in the header or at or in the text: cut elsewhere now
        among += 1
        assert _page_words(_after_spacer(new, height)) == old_pages, height
    assert among >= 8


def test_a_texts_widest_word_is_its_min_content_width_as_pango_breaks_it() -> None:
    """Names, dates, numbers and addresses of plain words are measured word by word; their
    min-content width is the one Pango's own line breaking gives (letters and digits,
    dots and commas hold together; only spaces break)."""
    from archiver.render.pango_text import _WORDS_ONLY, _min_content_laid_out, min_content_pt

    plain = ["Kowalska Anna Maria", "12.03.2010", "ul. Źródlana 5, Łódź", "1a 2b 3c",
             "Śródmieście,Wola", "x", "Mąż", "www.szkola.example", "3,75 4.5"]
    other = ["a/b c", "Ćwikła-Ołów", "tel. 600-100-200", "Nowak ,Anna", "ul .Długa",
             "anna@example.pl", "Zoë (matka)", "二十"]
    for face in (Face("DejaVu Sans", 8.0), Face("DejaVu Sans", 9.0, bold=True)):
        for text in plain + other:
            assert min_content_pt(text, face) == _min_content_laid_out(text, face), text
    assert all(_WORDS_ONLY.fullmatch(t) for t in plain)
    assert not any(_WORDS_ONLY.fullmatch(t) for t in other)
