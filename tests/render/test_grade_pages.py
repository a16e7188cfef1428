"""A register's grades laid out as one folded block a subject (render/grade_lines.py,
tablines.folded_block, foldbreak): its pages end between two pupils, never inside one, as
the block a pupil once was ended them; the header line never alone at a page's foot; each
page draws the rules of the pupils it holds."""

from __future__ import annotations

import re
from datetime import date

from markupsafe import Markup, escape
from render_helpers import CTX, pdf_pages

from archiver.render import grade_lines
from archiver.render.grade_lines import grade_blocks, note_blocks
from archiver.render.pdfa import html_to_pdfa
from archiver.render.tablines import LineBlock
from archiver.views.grades import GradeMark, NoteEntry, StudentGrades, SubjectGrades, TermGrades

NAMES = ["Kowalska Anna", "Nowak Jan", "Wiśniewska Zofia", "Wójcik Piotr", "Kamińska Ewa",
         "Lewandowski Adam", "Zielińska Maja", "Szymański Igor"]


def _subject(name: str, pupils: int, long_every: int = 5,
             terms: tuple[int, ...] = (1, 2)) -> SubjectGrades:
    """`pupils` pupils of `terms`; every `long_every`-th with partials enough to wrap over
    several lines (with the year's line: pupils of 3 to ~7 lines)."""
    students = []
    for n in range(1, pupils + 1):
        count = 70 if n % long_every == 0 else 6
        partials = tuple(GradeMark(value=str(1 + (n + k) % 6), weight=1 + k % 2,
                                   category="S", day=date(2025, 10, 1), numeric=1.0)
                         for k in range(count))
        graded = tuple(TermGrades(term=t, partials=partials, average=4.0, proposed="4",
                                  final="4") for t in terms)
        students.append(StudentGrades(number=n, name=NAMES[n % len(NAMES)], terms=graded,
                                      year_average=4.0, year_proposed="4", year_final="4"))
    return SubjectGrades(subject=name, students=tuple(students))


def _pre(b: LineBlock) -> str:
    """A block as report_templates/register_grades.html writes it."""
    style = f' style="{escape(b.style)}"' if b.style else ""
    folded = (f' data-fold-rules="{b.rules}" data-fold-cuts="{b.cuts}"' if b.cuts else "")
    return (f'<pre class="tablines"{style} data-marks="{b.marks}"{folded} data-fold>'
            f'{Markup(b.lines)}</pre>')


def _document(subjects: list[tuple[SubjectGrades, list[LineBlock]]]) -> str:
    body = "".join(f'<div class="subject"><h3 class="running-subject">{s.subject}</h3>'
                   + "".join(_pre(b) for b in blocks) + "</div>" for s, blocks in subjects)
    return f'<!DOCTYPE html><html lang="pl"><body class="wide">{body}</body></html>'


def _old_blocks(subject: SubjectGrades) -> list[LineBlock]:
    """The blocks of the same lines as before: a header block, then a block per pupil."""
    [folded] = grade_blocks(subject, {"S": "S"}, True)
    lines = str(folded.lines).split("\n")
    starts = [int(p.split("/")[0]) for p in folded.cuts.split()[1:]]
    header = grade_lines.block([([[(lines[0], "b")]], "")], head=1,
                               extra="break-after: avoid")
    pupils = [[1, *starts[1:]], [*starts[1:], len(lines)]]
    return [header] + [grade_lines.block([([[(line, "")] for line in lines[a:b]], "")])
                       for a, b in zip(*pupils, strict=True)]


def _pupils_by_page(pdf: bytes) -> list[list[str]]:
    """Each page's grade lines, as pdftotext -layout reads them, in pupils: a pupil's
    lines begin with its number and name."""
    out = []
    for page in pdf_pages(pdf):
        pupils: list[str] = []
        for line in page.split("\n"):
            text = " ".join(line.split())
            if not text or text.startswith("nr uczeń") or not re.match(
                    r"(\d+ \S+ \S+ )?(sem\. [12]|rok|[0-9+-]+\sS)", text):
                continue
            if re.match(r"\d+ \S+ \S+ sem\. 1", text):
                pupils.append(text)
            else:
                assert pupils, f"a page begins inside a pupil: {text!r}"
                pupils[-1] += " | " + text
        out.append(pupils)
    return out


def test_a_subjects_grades_are_one_folded_block_cut_between_pupils():
    subject = _subject("Matematyka", 12)
    [folded] = grade_blocks(subject, {"S": "S"}, True)
    assert folded.style == ""  # its height in data-fold-cuts: one computed style for all
    lines = str(folded.lines).split("\n")
    height, *pieces = folded.cuts.split()
    starts = [int(p.split("/")[0]) for p in pieces]
    assert lines[0].split()[:2] == ["nr", "uczeń"] and starts[0] == 0
    # the header with the first pupil, then a piece per pupil, each beginning with its number
    assert len(starts) == 12
    assert [lines[s if n else 1].split()[0] for n, s in enumerate(starts)] == \
        [str(n) for n in range(1, 13)]
    assert float(height) == round(len(lines) * 10.8, 4)
    # a light rule under each pupil's last line and a heavy one under the header
    assert folded.rules.count("8a8a8a") == 12 and folded.rules.count("222222") == 1


def test_notes_are_one_folded_block_cut_every_few_notes():
    notes = [NoteEntry(day=date(2025, 9, 1 + n % 28), number=n, name="Nowak Jan",
                       kind="positive", text=f"Uwaga numer {n}", teacher="Anna Nowak")
             for n in range(30)]
    [folded] = note_blocks(notes)
    starts = [int(p.split("/")[0]) for p in folded.cuts.split()[1:]]
    assert starts == [0, 13, 25]  # the header and 12 notes, 12 notes, 6 notes


def test_pages_end_between_pupils_where_blocks_of_a_pupil_ended_them():
    """Three subjects over several pages: every page begins with a pupil's first line (a
    pupil that does not fit the rest of a page goes to the next one whole), and each page
    holds the very pupils it held when each pupil was a block of its own."""
    subjects = [_subject("Matematyka", 23), _subject("Fizyka", 17, 3),
                _subject("Chemia", 9, 2)]
    new, _ = html_to_pdfa(_document([(s, grade_blocks(s, {"S": "S"}, True))
                                     for s in subjects]), title="t", run_ctx=CTX, running=False)
    old, _ = html_to_pdfa(_document([(s, _old_blocks(s)) for s in subjects]), title="t",
                          run_ctx=CTX, running=False)
    pages = _pupils_by_page(new)
    assert len(pages) >= 4
    assert pages == _pupils_by_page(old)
    assert sum(map(len, pages)) == 23 + 17 + 9  # no pupil lost or printed twice


def test_a_subjects_heading_and_header_are_never_alone_at_a_pages_foot():
    """A subject after one that leaves room for its heading and header line but not for
    its first pupil (of several lines) begins on the next page, its heading with it; while
    it begins on the first page, its first pupil is there too. The
    first subject's pupils are a line each: the first count of them that sends the second
    subject over leaves at most a line less room than one that did not, far more than its
    heading and header need."""
    for count in range(20, 45):
        subjects = [_subject("Matematyka", count, 1000, (1,)), _subject("Fizyka", 3, 1)]
        pdf, _ = html_to_pdfa(_document([(s, grade_blocks(s, {"S": "S"}, False))
                                         for s in subjects]), title="t", run_ctx=CTX,
                              running=False)
        pages = pdf_pages(pdf)
        if "Fizyka" not in pages[0]:
            break
        # its heading on the first page: its header and first pupil with it
        assert len(_pupils_by_page(pdf)[0]) > count, count
    else:
        raise AssertionError("no count sent the second subject over")
    assert count > 20 and len(_pupils_by_page(pdf)[0]) == count  # the first on one page
    assert "Fizyka" in pages[1] and "nr uczeń" in pages[1]
    assert _pupils_by_page(pdf)[1][0].startswith("1 ")


def test_each_page_draws_the_rules_of_the_pupils_it_holds():
    from io import BytesIO

    from pypdf import PdfReader

    subject = _subject("Matematyka", 40)
    pdf, _ = html_to_pdfa(_document([(subject, grade_blocks(subject, {"S": "S"}, True))]),
                          title="t", run_ctx=CTX, running=False)
    pupils = _pupils_by_page(pdf)
    reader = PdfReader(BytesIO(pdf))
    for number, (page, held) in enumerate(zip(reader.pages, pupils, strict=True)):
        content = page.get_contents().get_data().decode("latin-1")
        light = content.count("0.541176 0.541176 0.541176 rg")
        heavy = content.count("0.133333 0.133333 0.133333 rg")
        assert (light, heavy) == (len(held), 1 if number == 0 else 0)


def test_a_subjects_categories_legend_is_one_folded_paragraph_with_its_codes_bold(small,
                                                                                  rendered):
    """The legend under a subject's heading is pre-wrapped and folded (one line to lay
    out, its codes drawn bold as marks), and still reads "Kategorie: code – name; ..."."""
    from render_helpers import spec_for

    from archiver.config import Config
    from archiver.render.documents import prepare_document

    prepared = prepare_document(spec_for(small, "register", "C7A"), small, Config(), CTX)
    html = "".join(part.html for part in prepared.parts)
    legends = re.findall(r'<p class="([^"]*)" data-fold data-marks="([^"]*)"[^>]*>'
                         r"(Kategorie: [^<]*)</p>", html)
    assert legends and "Kategorie:" not in re.sub(r"<p class=\"legend folded\"[^>]*>"
                                                  r"Kategorie: [^<]*</p>", "", html)
    text = " ".join(" ".join(pdf_pages(rendered("register", "C7A").pdf)).split())
    for css, marks, legend in legends:
        assert css == "legend folded" and marks  # the codes, bold
        assert " ".join(str(Markup(legend).unescape()).split()) in text
