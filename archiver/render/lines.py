"""Monospaced line builders the templates call for summaries and recipient lists."""

from __future__ import annotations

from markupsafe import Markup, escape

from archiver.render.textgrid import rule_style
from archiver.views.attendance import AttendanceRow, AttendanceSection, AttendanceView
from archiver.views.grades import SubjectGrades
from archiver.views.messages import MessageEntry
from archiver.views.polish import datetime_pl, percent_pl

SUMMARY_NAME = 28
SUMMARY_COL = 9  # a space, up to 7 characters right-aligned, a space
RECIPIENT_NAME = 64


def _summary_row(row: AttendanceRow) -> str:
    label = f"{row.number:>2} {row.name}" if row.number is not None else row.name
    label = label if len(label) < SUMMARY_NAME else label[: SUMMARY_NAME - 2] + "…"
    values = [*row.counts, row.unmarked, row.present, row.absent]
    cells = [*(str(v) for v in values), percent_pl(row.percent)]
    return label.ljust(SUMMARY_NAME) + "".join(f" {c:>{SUMMARY_COL - 2}} " for c in cells)


def summary_lines(view: AttendanceView, section: AttendanceSection) -> Markup:
    """The section's table as one block of fixed-width lines (header, students, total)."""
    heads = [c.symbol for c in view.categories] + ["bez wp.", "obecne", "nieob.", "frekw."]
    lines = ["nr uczeń".ljust(SUMMARY_NAME)
             + "".join(f" {h[:SUMMARY_COL - 2]:>{SUMMARY_COL - 2}} " for h in heads)]
    lines += [_summary_row(r) for r in section.rows]
    if section.total is not None:
        lines.append(_summary_row(section.total))
    return escape("\n".join(lines))


def summary_style(view: AttendanceView) -> str:
    columns = len(view.categories) + 4
    strong = (len(view.categories), len(view.categories) + 1, columns - 1)
    return rule_style(SUMMARY_NAME, SUMMARY_COL, columns, 1, strong)


def recipient_lines(message: MessageEntry, timezone: str) -> Markup:
    """One line per named recipient with the read time or "nieprzeczytana"; then the count
    of recipients left out by student-scoped minimisation."""
    lines = []
    for receipt in message.recipients:
        who = receipt.person.name + (f" ({receipt.person.role})" if receipt.person.role else "")
        status = ("przeczytana " + datetime_pl(receipt.read_at, timezone)
                  if receipt.read_at else "nieprzeczytana")
        lines.append(f"{who:<{RECIPIENT_NAME}} {status}")
    if message.other_recipients:
        lines.append(f"oraz {message.other_recipients} innych odbiorców (dane innych osób "
                     "pominięto)")
    if not lines:
        lines.append("brak odbiorców w eksporcie")
    return escape("Odbiorcy:\n" + "\n".join(lines))


def category_codes(subject: SubjectGrades) -> dict[str, str]:
    """Short, unique codes for the grade categories of one subject: S, K, O, Od..."""
    names = sorted({g.category for s in subject.students for t in s.terms for g in t.partials
                    if g.category})
    codes: dict[str, str] = {}
    for name in names:
        letters = [c for c in name if c.isalpha()] or ["?"]
        for size in range(1, len(letters) + 1):
            code = "".join(letters[:size]).capitalize()
            if code not in codes.values():
                break
        else:
            code = f"{code}{len(codes) + 1}"
        codes[name] = code
    return codes
