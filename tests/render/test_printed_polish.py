"""Printed Polish: every document kind rendered, no slip of wording, no English word; the
cover letter names the pupil after a colon, as "uczennica" for a girl (PESEL), without a
gender when the PESEL is not known."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from render_helpers import CTX, WEEKS, pdf_pages

from archiver.config import Config
from archiver.jobs.disclose import DiscloseRequest, _letter_pdf
from archiver.views.common import sex_from_pesel
from archiver.views.cover_letter import pupil_phrase as _pupil_phrase
from archiver.views.scope import Period

# Slips found in earlier printouts (issue 15) and their kin.
FORBIDDEN = [
    r"dotyczące ucznia [A-ZĄĆĘŁŃÓŚŹŻ]",  # a nominative name where the genitive is needed
    r"dotyczące uczennicy [A-ZĄĆĘŁŃÓŚŹŻ]",
    r"za okres rok szkolny", r"za okres okres", r"za okres semestr", r"Okres: okres",
    r"\bokres okres\b", r"rok szkolny roku szkolnego", r"cały rok szkolny roku",
    r"\(np\. np", r"\bnp\. np\b", r"\d+ pages\b", r"\d+ disclosures\b", r"\(\d+ B\)",
    r"przez root\b", r"\bNone\b", r"\bnan\b", r"\bNaT\b", r"\bTrue\b", r"\bFalse\b",
    r"\b1 stron\b", r"\b1 strony\b", r"\b[5-9] strony\b", r"\b1[0-9] strony\b",
    r"\{\{", r"\{%", r"\\x00",
]
# English words a template or view could let through; the export's own text (names, topics,
# message bodies) is taken out of the page before checking.
ENGLISH = set("""
the and of by to for from with page pages printed none null true false student students class
lesson lessons held cancelled present absent excluded positive negative neutral partial
midterm final proposed year term guardian staff teacher individual school read unread
recipient recipients attachment attachments disclosures disclosure approved operator subject
subjects group week grade grades behaviour notes note total missing unknown date time
document documents summary signed signature director homeroom substitution topic
""".split())
WORD = re.compile(r"[A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż]+")


def _data_words(ds) -> set[str]:
    words: set[str] = set()
    for name in ("staff", "students", "guardians", "subjects", "lessons", "messages",
                 "message_attachments", "notes", "days_off", "attendance_types", "classes",
                 "grades", "behaviour"):
        frame = getattr(ds, name)
        for column in frame.columns:
            if frame[column].dtype == object or str(frame[column].dtype) == "string":
                for value in frame[column].dropna().astype(str):
                    words.update(w.casefold() for w in WORD.findall(value))
    words.update(w.casefold() for w in WORD.findall(ds.meta.school.name))
    return words


def _documents(small, rendered):
    docs = {f"{kind} {cls} {student}": rendered(kind, cls, student).pdf
            for kind, cls, student in [("register", "C7A", None), ("register", "C7A", "S1"),
                                       ("attendance", "C7A", None),
                                       ("attendance", "C7A", "S1"),
                                       ("messages", "C7A", None), ("messages", None, None),
                                       ("messages", None, "S1")]}
    docs["register year"] = rendered("register", "C7A", period=Period()).pdf
    docs["attendance year"] = rendered("attendance", "C7A", period=Period()).pdf
    docs["school attendance"] = rendered("school-attendance", None).pdf
    for student in ("S1", "S2"):
        docs[f"letter {student}"] = _letter(small, student)[0]
    return docs


def _letter(small, student: str, school_ref: str = "SP7.4321.5.2026"):
    request = DiscloseRequest(source=None, student_id=student, recipient="Sąd Rejonowy w Testowie",
                              legal_basis="art. 1 ustawy", case_ref="III Nsm 1/26",
                              approved_by="T1", out_dir=None, operator="Anna Nowak",
                              date_from=WEEKS.date_from, date_to=WEEKS.date_to,
                              school_ref=school_ref)
    period = "22.09–03.10.2025"
    return _letter_pdf(small, Config(), request, CTX, period, "za okres 22.09–03.10.2025",
                       ["register", "attendance", "messages"], "b.zip", "ab" * 32,
                       recipients_copy=True)


@pytest.fixture(scope="module")
def texts(small, rendered):
    return {name: [" ".join(p.split()) for p in pdf_pages(pdf)]
            for name, pdf in _documents(small, rendered).items()}


def test_no_forbidden_phrase_on_any_printed_page(texts):
    found = [(name, number, pattern) for name, pages in texts.items()
             for number, page in enumerate(pages, start=1)
             for pattern in FORBIDDEN if re.search(pattern, page)]
    assert found == []


def test_no_english_word_reaches_a_printed_page(texts, small):
    data = _data_words(small)
    found = {(name, word) for name, pages in texts.items() for page in pages
             for word in WORD.findall(page)
             if word.casefold() in ENGLISH and word.casefold() not in data}
    assert found == set()


def test_sex_from_the_pesel_tenth_digit():
    assert sex_from_pesel("12231412349") == "F"  # 4: even
    assert sex_from_pesel("11212388615") == "M"  # 1: odd
    assert sex_from_pesel(None) is None and sex_from_pesel("") is None
    assert sex_from_pesel("123") is None


def test_a_girls_cover_letter_says_uczennicy_and_a_pupil_without_pesel_needs_no_gender(
        small):
    assert _pupil_phrase(small, "S1") == "dotyczące uczennicy: Anna Kowalska"
    girl = " ".join(pdf_pages(_letter(small, "S1")[0])[0].split())
    assert "dotyczące uczennicy: Anna Kowalska (identyfikator w dzienniku: S1)" in girl
    unknown = " ".join(pdf_pages(_letter(small, "S2")[0])[0].split())
    assert "dotyczące: Bartosz Nowak (identyfikator w dzienniku: S2)" in unknown
    assert "ucznia" not in unknown.split("dotyczące")[1][:12]


def test_the_letters_scope_speaks_of_the_pupil_in_the_pupils_gender(small):
    """What the recipient receives is said of a girl as of a girl ("uwagi uczennicy", "w
    której uczestniczyła uczennica lub jej rodzice"), and without a known sex in words that
    need no gender."""
    def scope(student_id: str) -> str:
        text = " ".join(pdf_pages(_letter(small, student_id)[0])[0].split())
        # a line may break after the slash of "rodzice/opiekunowie"
        return text.split("w zakresie:")[1].split("Dane przekazuje")[0].replace("/ ", "/")
    girl, unknown = scope("S1"), scope("S2")
    assert "uwagi uczennicy" in girl and "frekwencji uczennicy" in girl
    assert "uczestniczyła uczennica lub jej rodzice/opiekunowie" in girl
    assert not re.search(r"\b(ucznia|uczeń|uczestniczył|jego)\b", girl), girl
    assert not re.search(r"\b(ucznia|uczeń|uczennic\w*|uczestniczył\w*|jego)\b", unknown), \
        unknown
    assert "z udziałem tej osoby lub jej rodziców/opiekunów" in unknown


def test_a_boys_cover_letter_says_ucznia(small):
    boys = small.students.copy()
    boys.loc[boys["student_id"] == "S2", "pesel"] = "12270212351"  # 5: odd
    ds = SimpleNamespace(students=boys)  # all the phrase reads
    assert _pupil_phrase(ds, "S2") == "dotyczące ucznia: Bartosz Nowak"


def test_cover_letter_place_long_date_references_and_period(small):
    text = " ".join(pdf_pages(_letter(small, "S1")[0])[0].split())
    assert "Testowo, 27 czerwca 2026 r." in text
    assert "Nasz znak: SP7.4321.5.2026" in text and "Znak sprawy odbiorcy: III Nsm 1/26" in text
    assert "szkoły za okres 22.09–03.10.2025, dotyczące" in text
    assert "Egzemplarz dla odbiorcy" in text
