"""The register's bordered tables (the class list, teachers and subjects, lessons held per
period, behaviour grades) as render/folded_table.py lays them out: the same cells, texts
and look as the template's `table.list`s had, their body rows folded (issue 18)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from archiver.render.folded_table import Span, Table, render
from archiver.render.printable import printable
from archiver.views.polish import date_pl

DASH = "—"
STUDENT_HEADS = ("Nr", "Nazwisko i imiona", "Data i miejsce urodzenia", "Adres",
                 "Rodzice / opiekunowie prawni i kontakt", "W oddziale")
SUMMARY_HEADS = ("Przedmiot", "Grupa", "Nauczyciele", "Odbyte", "Odwołane", "W zastępstwie",
                 "Bez tematu")
TOTAL_BORDER_PT = 0.8  # table.list tr.total td: border-top 0.8pt solid #222
NUMBERS = frozenset({3, 4, 5, 6})  # the summary's counts: right-aligned (`num`)


def _p(value: object) -> str:
    """A value as `{{ value }}` printed it."""
    return printable(value) if isinstance(value, str) else str(value)


def _guardian(g, home: object) -> str:  # noqa: ANN001 (a GuardianEntry)
    text = _p(g.name)
    if g.relation:
        text += f" ({_p(g.relation)})"
    if g.phone:
        text += f", tel. {_p(g.phone)}"
    if g.email:
        text += f", {_p(g.email)}"
    if g.address and g.address != home:
        text += f", {_p(g.address)}"
    return text


def _stay(s) -> str:  # noqa: ANN001 (a StudentEntry)
    text = ""
    if s.enrolled_on:
        text += f"od {_p(date_pl(s.enrolled_on))} "
    if s.left_on:
        text += f"do {_p(date_pl(s.left_on))}"
    return text if s.enrolled_on or s.left_on else "cały rok"


def student_table(students: Sequence) -> Markup:
    """Lista uczniów: number, name, birth, address, guardians (a line each), stay."""
    rows = []
    for s in students:
        birth = _p(date_pl(s.birth_date)) + (f", {_p(s.birth_place)}" if s.birth_place else "")
        rows.append([_p(s.number), _p(s.name), birth, _p(s.address or DASH),
                     [_guardian(g, s.address) for g in s.guardians] or [DASH], _stay(s)])
    return render(Table(STUDENT_HEADS, rows))


def teacher_table(teachers: Sequence) -> Markup:
    """Nauczyciele i przedmioty: a teacher and the subjects they taught."""
    rows = [[_p(t.name), _p(", ".join(t.subjects))] for t in teachers]
    none = "W tym okresie nie odbyły się zajęcia."
    tail = Markup("") if rows else Markup(f'<tr><td colspan="2">{none}</td></tr>')
    return render(Table(("Nauczyciel", "Przedmioty"), rows, tail=tail,
                        spans=() if rows else (Span(0, 2, none, bold=False),)))


def summary_table(period) -> Markup:  # noqa: ANN001 (a period's summary of lessons)
    """Zrealizowane godziny of one period: a row per subject and group, then the totals."""
    rows = [[_p(r.subject), _p(r.group or "cały oddział"), _p(", ".join(r.teachers) or DASH),
             _p(r.held), _p(r.cancelled), _p(r.substitution), _p(r.missing_topic)]
            for r in period.rows]
    totals = [_p(period.total_held), _p(sum(r.cancelled for r in period.rows)),
              _p(sum(r.substitution for r in period.rows)),
              _p(sum(r.missing_topic for r in period.rows))]
    tail = Markup('<tr class="total"><td colspan="3">Razem</td>') + Markup("\n").join(
        Markup('<td class="num">') + escape(t) + Markup("</td>") for t in totals) + \
        Markup("</tr>")
    return render(Table(SUMMARY_HEADS, rows, NUMBERS, css="summary-table", tail=tail,
                        tail_cells=[[None, None, None, *totals]],
                        spans=(Span(0, 3, "Razem"),), size=9.0,
                        tail_border=TOTAL_BORDER_PT))


def behaviour_table(behaviour: Sequence, terms: Sequence) -> Markup:
    """Oceny zachowania: number, pupil, then the proposed and the final grade of each
    term."""
    names = ["rok szkolny" if t == "year" else f"semestr {t}" for t in terms]
    thead = Markup('<thead><tr><th rowspan="2" class="num">Nr</th><th rowspan="2">Uczeń</th>')
    thead += Markup("\n").join(Markup('<th colspan="2">') + escape(n) + Markup("</th>")
                             for n in names)
    thead += Markup("</tr><tr>") + Markup("\n<th>proponowana</th><th>wystawiona</th>" * len(terms))
    thead += Markup("</tr></thead>")
    rows = [[_p(b.number), _p(b.name),
             *(_p(b.value(t, kind) or DASH) for t in terms for kind in ("proposed", "final"))]
            for b in behaviour]
    heads = ["Nr", "Uczeń", *(["proponowana", "wystawiona"] * len(terms))]
    return render(Table(heads, rows, frozenset({0}), css="behaviour", thead=thead,
                        spans=tuple(Span(2 + 2 * i, 2, n) for i, n in enumerate(names)),
                        size=9.0))


TEMPLATE_TABLES = {"student_table": student_table, "teacher_table": teacher_table,
                   "summary_table": summary_table, "behaviour_table": behaviour_table}
