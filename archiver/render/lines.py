"""Monospaced line builders the templates call for recipient lists and grade codes."""

from __future__ import annotations

from markupsafe import Markup, escape

from archiver.views.grades import SubjectGrades
from archiver.views.messages import MessageEntry
from archiver.views.polish import datetime_pl

RECIPIENT_NAME = 64


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
