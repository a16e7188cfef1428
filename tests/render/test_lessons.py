"""Lesson lists pre-wrapped in Python in the text face (archiver.render.lessons, tablines)."""

from __future__ import annotations


def _pens(line):
    """Where each non-blank piece of a line starts, in pt, by the font's advances."""
    from archiver.render.tablines import text_pt

    x, starts = 0.0, []
    for text, how in line:
        if text.strip():
            starts.append((round(x, 2), text))
        x += text_pt(text, how != "")
    return starts, x


def test_a_long_topic_wraps_under_the_topic_column_and_keeps_every_word():
    """The columns on the first line, each starting where its column starts (within the
    0.4pt a hair space leaves), the topic's further lines starting at the topic column,
    no line wider than the page, no word lost."""
    from archiver.render.tablines import PAGE_PT, Layout, text_pt

    cells = ["1", "pn 01.09", "1", "Historia", "12", "", "Jan Nowak", "01.09.2025 08:00"]
    layout = Layout.of([text_pt(c) for c in cells] + [0.0])
    topic = "Rewolucja przemysłowa i jej skutki społeczne " * 12 + "x" * 300
    lines = layout.wrapped(cells, [(topic, "")])
    assert len(lines) > 3
    first, _ = _pens(lines[0])
    wanted = [s for s, c in zip(layout.starts, cells + ["topic"], strict=True) if c]
    assert [abs(x - s) < 0.45 for (x, _), s in zip(first, wanted, strict=False)] == \
        [True] * len(wanted)
    topic_start = layout.starts[-1]
    for line in lines[1:]:
        (x, _), *_ = _pens(line)[0]
        assert abs(x - topic_start) < 0.45
    assert all(_pens(line)[1] <= PAGE_PT for line in lines)
    printed = "".join(t for line in lines for t, _ in line)
    assert "".join(printed.split()) == "".join((" ".join(cells) + topic).split())


def _words(pdf: bytes, tmp_path) -> list[list[tuple[float, float, str]]]:
    """(xMin, yMin, word) of every word, page by page (pdftotext -bbox)."""
    import html
    import re
    import subprocess

    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return [[(float(x), float(y), html.unescape(w)) for x, y, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)]
        for page in xml.split("<page ")[1:]]


def test_lesson_list_columns_stand_under_their_headings_in_the_text_face(rendered, tmp_path):
    """On every page of lessons, each subject name starts where the "przedmiot" heading
    starts and each confirmation date where "potwierdzenie" does (within 1pt), and the
    lesson list is set in DejaVu Sans Condensed (its PostScript name says "Semi-Condensed")."""
    import subprocess

    pdf = rendered("register", "C7A").pdf
    checked = 0
    for page in _words(pdf, tmp_path):
        heads: dict[str, tuple[float, float]] = {}
        for x, y, w in page:
            if w in ("przedmiot", "potwierdzenie", "Frekwencja"):
                heads.setdefault(w, (x, y))
        if "potwierdzenie" not in heads:
            continue
        top, bottom = heads["przedmiot"][1], heads.get("Frekwencja", (0, 560))[1]
        heads = {w: x for w, (x, _y) in heads.items()}
        for x, _y, word in (entry for entry in page if top < entry[1] < bottom):
            if word in ("Matematyka", "Historia"):
                assert abs(x - heads["przedmiot"]) < 1.0, word
                checked += 1
            if len(word) == 10 and word[2] == "." and word[5] == "." and x > heads["przedmiot"]:
                assert abs(x - heads["potwierdzenie"]) < 1.0, word
                checked += 1
    assert checked > 10
    path = tmp_path / "doc.pdf"
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout
    assert "DejaVu-Sans-Semi-Condensed" in fonts  # the PostScript name of DejaVuSansCondensed.ttf


def test_a_name_longer_than_any_schools_is_cut_to_its_column_and_no_line_leaves_the_page():
    """A 5000-character surname (printed whole in the class list) would push every
    column off the page: columns give way, the cell is cut with "…", lines stay inside."""
    from archiver.render.tablines import PAGE_PT, Layout

    heads = ("nr", "uczeń", "okres", "oceny cząstkowe")
    rows = [["1", "Kowalska " + "x" * 5000, "sem. 1"], ["2", "Nowak Jan", "sem. 2"]]
    layout = Layout.for_rows(heads, rows)
    assert PAGE_PT - layout.starts[-1] >= 240
    for cells in rows:
        line = layout.wrapped(layout.cells(cells), [("5\u00a0S×2   4+ " * 40, "")])
        assert all(_pens(part)[1] <= PAGE_PT for part in line)
    assert layout.cells(rows[1]) == rows[1]  # an ordinary name is never cut
    assert layout.cells(rows[0])[1].endswith("…")


def test_a_block_prints_the_text_and_marks_its_markup_would_give() -> None:
    """block() writes the lines' text and marks directly: the same as marks.split_marks
    reads from the lines' markup (<b>, <b class="gap">, a cancelled line's <span>),
    escaping included, and a piece holding a line break is read from its markup."""
    from markupsafe import Markup

    from archiver.render import tablines
    from archiver.render.marks import split_marks

    entries = [
        ([[("1", ""), (" ", ""), ("(zastępstwo)", "b"), (" Ułamki <a> & \"b\"", "")],
          [("   ", ""), ("[BRAK TEMATU]", "gap"), ("", "b")]], ""),
        ([[("2", ""), ("ODWOŁANA (lekcja nie odbyła się)", "b")]], "cancelled"),
        ([[("3 'x'", "")]], ""),
    ]
    for case in (entries, entries + [([[("a\nb", "")]], "")]):
        lines = []
        for wrapped, css in case:
            marked = [tablines.markup(line) for line in wrapped]
            lines += [f'<span class="{css}">{m}</span>' if css else m for m in marked]
        plain, marks = split_marks(Markup("\n".join(lines)))
        made = tablines.block(case)
        assert (str(made.lines), made.marks) == (str(plain), marks)
    assert tablines.block(entries).marks == "0:2-14:b 1:3-16:g 2:0-33:c 2:1-33:b"
