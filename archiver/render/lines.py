"""Line builders the templates call: recipient lists, read tallies, grade codes."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from markupsafe import Markup, escape

from archiver.views.grades import SubjectGrades
from archiver.views.messages import MessageEntry, RecipientGroup
from archiver.views.polish import datetime_pl

# A recipient cell (.rc in style.css): a quarter of a message box on portrait A4, less its
# padding, in pt; a text wider than that at 8pt DejaVu Sans Condensed takes two quarters.
CELL_PT = 116.0
CELL_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"
CELL_SIZE = 8.0


@lru_cache(maxsize=1)
def _advances() -> tuple[dict[int, float], float]:
    """Advance widths (in em) of the cell font's characters, and the widest of them."""
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(CELL_FONT, lazy=True)
        scale = 1 / font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        widths = {code: metrics[name][0] * scale for code, name in font.getBestCmap().items()}
        return widths, max(widths.values())
    except (OSError, ImportError, KeyError):
        return {}, 0.75  # no font file: every character counted as wide


def text_pt(text: str) -> float:
    """Width of `text` in a recipient cell, in pt (unknown characters counted as widest)."""
    widths, widest = _advances()
    return sum(widths.get(ord(c), widest) for c in text) * CELL_SIZE


def read_tally(read: int, total: int) -> str:
    """przeczytał 1 z 5 odbiorców; przeczytało 3 z 5 odbiorców; przeczytało 0 z 1 odbiorcy."""
    verb = "przeczytał" if read == 1 else "przeczytało"
    noun = "odbiorcy" if total == 1 else "odbiorców"
    return f"{verb} {read} z {total} {noun}"


def read_time(read_at: datetime, sent_at: datetime) -> str:
    """12.09 17:45 within the year the message was sent, else 02.01.2026 17:45."""
    if read_at.year == sent_at.year:
        return read_at.strftime("%d.%m %H:%M")
    return read_at.strftime("%d.%m.%Y %H:%M")


def recipient_lines(message: MessageEntry, timezone: str) -> Markup:
    """One line per named recipient with the read time or "nieprzeczytana"; then the count
    of recipients left out by student-scoped minimisation."""
    lines = []
    for receipt in message.recipients:
        who = receipt.person.name + (f" ({receipt.person.role})" if receipt.person.role else "")
        status = ("przeczytana " + datetime_pl(receipt.read_at, timezone)
                  if receipt.read_at else "nieprzeczytana")
        lines.append(Markup("<div>") + escape(f"{who} – ")
                     + (escape(status) if receipt.read_at
                        else Markup("<b>") + escape(status) + Markup("</b>"))
                     + Markup("</div>"))
    return Markup("").join(lines)


def compact_recipients(group: RecipientGroup, sent_at: datetime) -> Markup:
    """A class's recipients: first those who did not read the message, as one run of
    names, then the read ones as cells of a few columns, row by row, each with the day and
    time it was read. Inline blocks, not CSS columns: WeasyPrint balances columns by laying
    them out again and again (a school-wide transcript took 2.7 times as long)."""
    parts = []
    if group.unread:
        parts.append(Markup('<p class="unread"><b>nie przeczytało ({}):</b> ').format(
            len(group.unread)) + escape(", ".join(r.person.name for r in group.unread))
            + Markup("</p>"))
    if group.read:
        cells = []
        for r in group.read:
            text = f"{r.person.name} {read_time(r.read_at, sent_at)}"
            wide = " rc2" if text_pt(text) > CELL_PT else ""
            cells.append(Markup(f'<span class="rc{wide}">') + escape(text) + Markup("</span>"))
        parts.append(Markup('<div class="rcols">') + Markup("").join(cells) + Markup("</div>"))
    return Markup("").join(parts)


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
