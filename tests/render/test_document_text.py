"""Facts read back from the rendered PDFs' text, checked against the hand-made export."""

from __future__ import annotations

import re

from render_helpers import WEEKS, pdf_pages

from archiver.config import AttendanceSettings, Config


def _line(pages: list[str], *needles: str) -> str:
    lines = [ln for p in pages for ln in p.splitlines() if all(n in ln for n in needles)]
    assert lines, f"no line holds {needles}"
    return lines[0]


def _week_pages(pages: list[str], heading: str) -> str:
    return "\n".join(p for p in pages if heading in p)


def _overview(pages: list[str]) -> str:
    text = "\n".join(pages)
    return text[text.index("Frekwencja w miesiącach i semestrach"):
                text.index("Frekwencja według przedmiotów")]


def test_attendance_percentage_default_and_configured_counts_as(rendered):
    # the overview's columns: September, October, the whole period (no "%": the header says)
    default = _overview(pdf_pages(rendered("attendance", "C7A").pdf))
    assert _line([default], "Kowalska Anna").split()[3:6] == ["84,2", "80,0", "83,3"]
    override = Config(attendance=AttendanceSettings(counts_as={"zw": "absent"}))
    changed = _overview(pdf_pages(rendered("attendance", "C7A", config=override).pdf))
    assert _line([changed], "Kowalska Anna").split()[5] == "76,9"
    assert "zw — zwolnienie (liczone jako nieobecność, wg konfiguracji szkoły)" in " ".join(
        pdf_pages(rendered("attendance", "C7A", config=override).pdf, layout=False)
    ).replace("\n", " ")


def test_moved_student_is_in_each_register_only_for_the_days_enrolled(rendered):
    seven_a = pdf_pages(rendered("register", "C7A").pdf)
    seven_b = pdf_pages(rendered("register", "C7B").pdf)
    assert "Zieliński Dawid" in _week_pages(seven_a, "Tydzień 22.09.2025")
    assert "Zieliński Dawid" not in _week_pages(seven_a, "Tydzień 29.09.2025")
    assert "Zieliński Dawid" not in _week_pages(seven_b, "Tydzień 22.09.2025")
    assert "Zieliński Dawid" in _week_pages(seven_b, "Tydzień 29.09.2025")
    assert "do 26.09.2025" in _line(seven_a, "Zieliński Dawid", "Żywiec")
    assert "od 29.09.2025" in _line(seven_b, "Zieliński Dawid", "Żywiec")


def test_group_lesson_lists_only_its_group(rendered):
    pages = pdf_pages(rendered("register", "C7A").pdf)
    week = _week_pages(pages, "Tydzień 22.09.2025")
    assert "(grupa: nr 1, 2)" in _line([week], "pn 22.09", "gr. 1")
    assert "(grupa: nr 3, 4)" in _line([week], "pn 22.09", "gr. 2")
    # 19 grid columns that week: 9 whole-class lessons and 5 of each English group; a row has
    # a mark only where the student had a lesson: 14 each, never the other group's 5
    for name in ("Kowalska Anna", "Wiśniewska Celina"):
        row = _line([week], name)
        # after the marks: the week's absences and lateness (issue 15)
        marks = row.split(name, 1)[1].split()[:-2]
        assert len(marks) == 14, row


def test_missing_mark_prints_as_a_gap(rendered):
    week = _week_pages(pdf_pages(rendered("register", "C7A").pdf), "Tydzień 22.09.2025")
    marks = _line([week], "Nowak Bartosz").split("Nowak Bartosz", 1)[1].split()[:-2]
    assert marks.count("?") == 1 and len(marks) == 14


def test_cancelled_lesson_shows_as_cancelled(rendered):
    pages = pdf_pages(rendered("register", "C7A").pdf)
    assert "ODWOŁANA" in _line(pages, "śr 24.09", "Język polski")
    assert "ODWOŁANA" not in _line(pages, "cz 25.09", "Język polski")
    assert "(zastępstwo)" in _line(pages, "cz 25.09", "Język polski")


def test_held_lesson_without_topic_shows_a_visible_gap(rendered):
    pages = pdf_pages(rendered("register", "C7A").pdf)
    line = _line(pages, "pn 29.09", "Matematyka")
    assert "[BRAK TEMATU]" in line and "niepotwierdzona" in line


def test_read_and_unread_messages(rendered):
    pages = pdf_pages(rendered("messages", "C7A").pdf)
    assert "– przeczytana 23.09.2025 18:05" in _line(pages, "Barbara Kowalska", "23.09.2025 18:05")
    assert re.search(r"Jan Wychowawczy \(wychowawca\) – nieprzeczytana", "\n".join(pages))
    # a class message: the tally, the unread first, the read ones with day and time
    text = " ".join("\n".join(pages).split())
    assert "Odbiorcy: 4 – przeczytało 2 z 4 odbiorców" in text
    assert "oddział 7a: przeczytało 2 z 4 odbiorców nie przeczytało (2): Cezary Nowak, " \
           "Edward Zieliński Barbara Kowalska 24.09 09:30" in text


def test_school_wide_message_without_approval_is_flagged(rendered):
    text = "\n".join(pdf_pages(rendered("messages", None).pdf))
    assert text.count("BRAK ZATWIERDZENIA DYREKTORA") == 1
    unapproved = text[text.index("Zmiana godzin sekretariatu"):]
    assert "BRAK ZATWIERDZENIA DYREKTORA" in unapproved
    assert "Zatwierdzenie: Maria Dyrektorska (dyrektor), 25.09.2025 09:55" in text


def test_html_in_bodies_and_topics_prints_literally(rendered):
    messages = "\n".join(pdf_pages(rendered("messages", "C7A").pdf, layout=False))
    assert "proszę o <b>pilny</b> kontakt" in messages
    assert '<img src="file:///etc/passwd">' in messages
    assert '<link href="http://example.com/evil.css">' in messages
    assert "root:" not in messages
    register = "\n".join(pdf_pages(rendered("register", "C7A").pdf, layout=False))
    assert '<img src="file:///etc/passwd">' in register


def test_attachment_listed_with_name_and_checksum(rendered):
    text = "\n".join(pdf_pages(rendered("messages", "C7A").pdf, layout=False))
    assert "plan_wycieczki.pdf" in text
    assert "3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a" in text.replace(
        "\n", "")


OTHER_STUDENTS = ("Bartosz", "Nowak", "Celina", "Wiśniewska", "Dawid", "Zieliński", "Filip",
                  "Kamiński", "Gabriela", "Dąbrowska", "Cezary", "Dorota", "Edward",
                  "Franciszka", "Kamińska", "Grzegorz", "Dąbrowski")


def test_student_scoped_documents_name_no_other_student_or_family(rendered):
    for kind, class_id in (("register", "C7A"), ("attendance", "C7A"), ("messages", None)):
        text = "\n".join(pdf_pages(rendered(kind, class_id, "S1").pdf, layout=False))
        assert "Kowalska Anna" in text, kind
        found = [name for name in OTHER_STUDENTS if name in text]
        assert found == [], (kind, found)


def test_every_page_carries_header_and_footer(rendered):
    doc = rendered("register", "C7A")
    pages = pdf_pages(doc.pdf)
    assert len(pages) == doc.pages
    for number, page in enumerate(pages, start=1):
        assert "Szkoła Podstawowa nr 7 im. Marii Konopnickiej w Testowie" in page
        assert "Dziennik lekcyjny oddziału 7a" in page
        assert "22.09–03.10.2025" in page and "okres" not in page.split("22.09")[0][-8:]
        assert "stan danych na 27.06.2026 15:30" in page
        assert "wydrukowano 27.06.2026 14:00 · osoba drukująca: sekretariat" in page
        assert f"strona {number} z {doc.pages}" in page


def test_absences_stand_out_in_the_grid_and_presence_stays_quiet(small):
    from archiver.render.textgrid import blocks
    from archiver.views import build_register, make_scope
    from archiver.views.attendance import mark_emphasis

    marks = mark_emphasis(small, Config())
    assert marks == {"ob": "", "sp": "late", "u": "absent", "nb": "absent", "zw": "other",
                     "ns": "other"}
    view = build_register(small, Config(), make_scope(small.meta, "C7A", WEEKS))
    block = blocks(view.weeks[0], marks=marks)[0]
    lines = str(block.lines).splitlines()
    number = next(n for n, ln in enumerate(lines) if "Kowalska Anna" in ln)
    anna = lines[number]
    # the marks are drawn bold (on a tint) from the block's data-marks (render/marks.py)
    shown = [(anna[int(s):int(e)].strip(), kind) for line, span, kind in
             (m.split(":") for m in block.marks.split()) if int(line) == number
             for s, e in [span.split("-")]]
    assert [kind for text, kind in shown if text == "u"] == ["a"] * 3  # u 3, shaded
    assert [kind for text, kind in shown if text == "sp"] == ["b"]  # late: bold
    assert [kind for text, kind in shown if text == "zw"] == ["b"]  # released: bold
    assert "ob" not in {text for text, _kind in shown}  # a plain presence stays quiet
    assert "<b" not in anna
    changed = mark_emphasis(small, Config(attendance=AttendanceSettings(
        counts_as={"zw": "absent"})))
    assert changed["zw"] == "absent"
