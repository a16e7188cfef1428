"""Line builders the templates call: recipient lists, read tallies, grade codes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from markupsafe import Markup, escape

from archiver.render.fonts import advances
from archiver.render.marks import FOLD_LINES, FOLD_MAX_PT, FOLD_RULES, fold_height
from archiver.render.pango_text import Face, baseline_pt, width_pt, wrap
from archiver.render.printable import printable
from archiver.render.tablines import PORTRAIT_PT
from archiver.views.grades import SubjectGrades
from archiver.views.messages import MessageEntry, RecipientGroup
from archiver.views.polish import datetime_pl

# A recipient cell (.rc in style.css): a quarter of a message box on portrait A4, less its
# padding, in pt; a text wider than that at 8pt DejaVu Sans Condensed takes two quarters.
CELL_PT = 116.0
CELL_FONT = "DejaVuSansCondensed.ttf"  # in fonts.FONT_DIR
CELL_SIZE = 8.0


def _advances() -> tuple[dict[int, float], float]:
    """Advance widths (in em) of the cell font's characters, and the widest of them."""
    return advances(CELL_FONT, 1.0)


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


# The folded recipient lines (.rlines in style.css): the face of .rcols and .unread.
CELL_FACE = Face("DejaVu Sans", CELL_SIZE, condensed=True)
LINE_PT = 10.0  # their line height (8pt x 1.25)
MESSAGE_PT = PORTRAIT_PT - 2 * 0.6 - 2 * 3 / 25.4 * 72  # a message box's content (.message)
COLUMNS = 4  # cells a row (.rc: 25% each)
PAD_PT = 2 / 25.4 * 72  # .rc's padding-right
CHUNK = 6  # lines a folded block at most: where a page may end within a class's recipients
_SPACES = ("\u2003", "\u2002", " ", "\u200a")  # em, en, word and hair spaces
_COLLAPSED = re.compile("[ \t\n\r\f]+")


def _collapsed(text: str) -> str:
    """A text as CSS white-space: normal or nowrap prints it: runs of white space as one
    space, none at its ends."""
    return _COLLAPSED.sub(" ", text).strip(" ")


def _pad(x: float, target: float) -> str:
    """Spaces taking the pen from `x` to `target` in the cell face (within half a hair
    space, 0.35pt): as few glyphs as will do."""
    out, gap = [], target - x
    for char in _SPACES:
        width = width_pt(char, CELL_FACE)
        count = int(gap // width) if char != _SPACES[-1] else max(0, round(gap / width))
        out.append(char * count)
        gap -= count * width
    return "".join(out)


def _cell_rows(texts: list[str]) -> list[str]:
    """The read recipients' cells in rows, as the inline blocks of .rc flowed: four columns,
    a text wider than CELL_PT two of them, a row full or a wide cell past the last column
    going on to the next row. A text too wide even for two columns (longer than any name)
    has rows of its own, wrapped to the whole width, where a cell clipped it before."""
    rows: list[str] = []
    column, line, x = 0, "", 0.0
    quarter = MESSAGE_PT / COLUMNS
    for text in texts:
        span = 2 if text_pt(text) > CELL_PT else 1
        if width_pt(text, CELL_FACE) > 2 * quarter - PAD_PT:
            if line:
                rows.append(line)
            rows += wrap(text, MESSAGE_PT, CELL_FACE)
            column, line, x = 0, "", 0.0
            continue
        if column + span > COLUMNS:
            rows.append(line)
            column, line, x = 0, "", 0.0
        if column:
            pad = _pad(x, column * quarter)
            line += pad
            x += width_pt(pad, CELL_FACE)
        line += text
        x += width_pt(text, CELL_FACE)
        column += span
    if line:
        rows.append(line)
    return rows


def _unread_lines(names: str, count: int) -> tuple[list[str], int]:
    """The "nie przeczytało (N):" run, wrapped as its paragraph wrapped it; and the length
    of its bold head."""
    head = f"nie przeczytało ({count}):"
    return wrap(f"{head} {names}", MESSAGE_PT, CELL_FACE, bold=len(head),
                collapse=True), len(head)


def _folded(lines: list[str], bold: dict[int, int], last: str) -> list[Markup]:
    """Lines as folded `<pre class="rlines">` blocks (render/marks.py) of at most CHUNK
    lines (never a last block of one line when two can be had): each block stays on its
    page, a page may end between them. `bold`: line -> length of its bold head; `last`: the
    class of the last block (its margin)."""
    blocks, first = [], 0
    chunks = _chunks(lines, CHUNK)
    for number, chunk in enumerate(chunks):
        text = "\n".join(chunk)
        marks = " ".join(f"{n - first}:0-{bold[n]}:b" for n in range(first, first + len(chunk))
                         if bold.get(n))
        css = "rlines" + (" " + last if number == len(chunks) - 1 else "")
        blocks.append(Markup('<pre class="{}" data-fold data-marks="{}" style="{}">\n').format(
            css, marks, fold_height(text, LINE_PT)) + escape(text) + Markup("</pre>"))
        first += len(chunk)
    return blocks


def compact_recipients(group: RecipientGroup, sent_at: datetime) -> Markup:
    """A class's recipients: first those who did not read the message, as one run of
    names, then the read ones as cells of a few columns, row by row, each with the day and
    time it was read. Pre-wrapped here with Pango's own widths and breaks (render/pango_text)
    and folded (render/marks.py): laid out as one line a block, where the run's lines and
    an inline block per cell cost WeasyPrint half a millisecond to a millisecond each (a
    school-wide transcript is mostly recipients). Texts are made printable here, before
    they are measured (the template's finalize then finds nothing to change)."""
    parts = []
    if group.unread:
        lines, head = _unread_lines(printable(", ".join(r.person.name for r in group.unread)),
                                    len(group.unread))
        parts += _folded(lines, {0: head}, "unread-end")
    if group.read:
        rows = _cell_rows([printable(_collapsed(f"{r.person.name} {read_time(r.read_at, sent_at)}"))
                           for r in group.read])
        parts += _folded(rows, {}, "rcols-end")
    return Markup("").join(parts)


BODY_FACE = Face("DejaVu Sans", 9.5)  # .blines in style.css: a message's text
BODY_LINE_PT = 9.5 * 1.4
BODY_CHUNK = 5  # lines a folded block of a message's text at most


def _chunks(lines: list[str], most: int) -> list[list[str]]:
    """`lines` in blocks of at most `most` lines, as even as can be (no block of one line
    after a full one), a block never beginning with an empty line when it can be helped:
    an empty line stays with the lines before it (a folded block is laid out as its first
    line: marks.fold)."""
    count = -(-len(lines) // most)
    size = -(-len(lines) // count)
    blocks: list[list[str]] = []
    for line in lines:
        if blocks and (len(blocks[-1]) < size or not line.strip()):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def body_blocks(body: str) -> Markup:
    """A message's text exactly as sent, in the lines WeasyPrint broke it into (`white-space:
    pre-wrap; overflow-wrap: anywhere` in the message box: render/pango_text), as folded
    `<pre class="blines">` blocks of at most BODY_CHUNK lines: each laid out as one line
    (marks.fold), a page may end between them; the first with the rule above the text
    (.body: no box of its own around the blocks)."""
    text = printable(body.replace("\r\n", "\n").replace("\r", "\n"))  # as HTML reads it
    blocks = []
    for chunk in _chunks(wrap(text, MESSAGE_PT, BODY_FACE), BODY_CHUNK):
        lines = "\n".join(chunk)
        style = fold_height(lines, BODY_LINE_PT)
        css = "blines" if blocks else "blines body"
        blocks.append(Markup('<pre class="{}" data-fold style="{}">\n').format(css, style)
                      + escape(lines) + Markup("</pre>"))
    return Markup("").join(blocks)


META_FACE = Face("DejaVu Sans", 8.0)  # .message .meta: 8pt, line height 1.35
META_GAP_PT = 0.4 / 25.4 * 72  # .message .meta div's margin-bottom
META_PITCH_PT = 8.0 * 1.35 + META_GAP_PT  # a header line and its gap (.mlines)
TALLY_FACE = Face("DejaVu Sans", 8.5)  # .recipients: 8.5pt, line height 1.3
TALLY_LINE_PT = 8.5 * 1.3
Piece = tuple[str, str]  # text, and "" plain, "b" bold, "n" a note (.note's colour)


BOLD_KINDS = frozenset("bagr")  # marks.py: bold (b), bold on a tint (a, g, r)


def marked_lines(pieces: Sequence[Piece], face: Face,
                 room_pt: float = MESSAGE_PT) -> tuple[list[str], str]:
    """Inline text of a message box (`white-space: normal`: runs of white space one space,
    none at a line's ends) in the lines WeasyPrint would break it into, bold pieces in
    bold; and its marks for `data-marks` (render/marks.py: b bold, n the note colour, a g r
    bold on a tint). `room_pt`: the width of another box than a message's."""
    chars: list[str] = []
    kinds: list[str] = []
    for text, kind in pieces:
        for char in printable(text):
            if char in " \t\n\r\f":
                if not chars or chars[-1] == " ":
                    continue
                char = " "
            chars.append(char)
            kinds.append(kind)
    while chars and chars[-1] == " ":
        chars.pop()
        kinds.pop()
    text = "".join(chars)
    bold, start = [], None
    for index, kind in enumerate([*kinds, ""]):
        if kind in BOLD_KINDS and start is None:
            start = index
        elif kind not in BOLD_KINDS and start is not None:
            bold.append((start, index))
            start = None
    raw = wrap(text, room_pt, face, bold=bold)
    lines, marks, offset = [], [], 0
    for number, line in enumerate(raw):
        kept = line.rstrip(" ")
        own = kinds[offset:offset + len(kept)]
        start = 0
        for index in range(1, len(own) + 1):
            if index == len(own) or own[index] != own[start]:
                if own[start]:
                    marks.append(f"{number}:{start}-{index}:{own[start]}")
                start = index
        lines.append(kept)
        offset += len(line)
    return lines, " ".join(marks)


def _renumbered(marks: str, first: int, count: int) -> str:
    """The marks of lines first..first+count-1, numbered from the block's first line."""
    out = []
    for mark in marks.split():
        line, rest = mark.split(":", 1)
        if first <= int(line) < first + count:
            out.append(f"{int(line) - first}:{rest}")
    return " ".join(out)


def _marked_pre(css: str, lines: list[str], marks: str, style: str) -> Markup:
    return (Markup('<pre class="{}" data-fold data-marks="{}" style="{}">\n').format(
        css, marks, style) + escape("\n".join(lines)) + Markup("</pre>"))


def message_head(message: MessageEntry, timezone: str, last: bool = False) -> Markup:
    """The header lines of a message (subject and number, sent, sender, audience, approval)
    as one folded `<pre class="mlines">` (render/marks.py), each line where its `<div>`
    stood: a line and its gap apart (META_PITCH_PT), the block raised by half a gap so that
    each baseline is where the div's was. The flag of a missing approval and the
    attachments' lines (a bordered flag, a monospaced checksum) stay `<div>`s after it, in
    the header's `<div class="meta">`; without them the block needs no box around it:
    `last`, it has the header's margin itself (.end)."""
    return _head_pre(_head_entries(message, timezone), last)


def _head_entries(message: MessageEntry, timezone: str) -> list[list[Piece]]:
    """A message's header lines, as the pieces of their `<div>`s."""
    note = f"({message.message_id}" + (f", odpowiedź na {message.reply_to}"
                                       if message.reply_to else "") + ")"
    sender = message.sender.name + (f" ({message.sender.role})" if message.sender.role else "")
    if message.audience == "school":
        audience = "cała szkoła"
    elif message.audience == "class":
        audience = f"oddział {message.audience_class}"
    else:
        audience = "wiadomość indywidualna"
    entries: list[list[Piece]] = [
        [(message.subject, "b"), (" ", ""), (note, "n")],
        [(f"Wysłano: {datetime_pl(message.sent_at, timezone)} · Nadawca: {sender}", "")],
        [(f"Adresaci: {audience}", "")],
    ]
    if message.approved_by:
        entries.append([(f"Zatwierdzenie: {message.approved_by.name} "
                         f"({message.approved_by.role}), "
                         f"{datetime_pl(message.approved_at, timezone)}", "")])
    return entries


def _head_pre(entries: list[list[Piece]], last: bool) -> Markup:
    lines, marks = _joined([marked_lines(entry, META_FACE) for entry in entries])
    height = len(lines) * META_PITCH_PT - META_GAP_PT / 2
    style = f"height: {height:.4f}pt" if height <= FOLD_MAX_PT else ""  # else laid out as is
    return _marked_pre("mlines end" if last else "mlines", lines, marks, style)


def _joined(parts: Sequence[tuple[list[str], str]]) -> tuple[list[str], str]:
    """Lines and their marks (marked_lines) one after the other: the marks renumbered."""
    lines: list[str] = []
    marks: list[str] = []
    for wrapped, own in parts:
        marks += [f"{int(m.split(':', 1)[0]) + len(lines)}:{m.split(':', 1)[1]}"
                  for m in own.split()]
        lines += wrapped
    return lines, " ".join(marks)


def tally_lines(message: MessageEntry, timezone: str, last: bool = False) -> Markup:
    """The recipients' count of a message to a few people, then one line per named
    recipient with the read time or "nieprzeczytana" (bold), as folded `<pre>`s: the count
    (.tally, its margin after it), the recipients in blocks of at most CHUNK lines. `last`:
    nothing follows them in the recipients' `<div>`, which is left out: the last block
    has its margin (.end)."""
    tally, marks = _tally(message)
    parts = [_marked_pre("tlines tally", tally, marks, fold_height("\n".join(tally),
                                                                   TALLY_LINE_PT))]
    lines, joined = _receipt_lines(message, timezone)
    first = 0
    chunks = _chunks(lines, CHUNK) if lines else []
    for number, chunk in enumerate(chunks):
        css = "tlines end" if last and number == len(chunks) - 1 else "tlines"
        parts.append(_marked_pre(css, chunk, _renumbered(joined, first, len(chunk)),
                                 fold_height("\n".join(chunk), TALLY_LINE_PT)))
        first += len(chunk)
    return Markup("").join(parts)


def _tally(message: MessageEntry) -> tuple[list[str], str]:
    """The count's lines (.tally) and their marks."""
    return marked_lines([(f"Odbiorcy: {message.recipient_count}", "b")] + (
        [(" – " + read_tally(message.read_count, message.recipient_count), "")]
        if message.recipient_count else []), TALLY_FACE)


def _receipt_lines(message: MessageEntry, timezone: str) -> tuple[list[str], str]:
    """A line (or more) per named recipient, and their marks."""
    parts = []
    for receipt in message.recipients:
        who = receipt.person.name + (f" ({receipt.person.role})" if receipt.person.role else "")
        status = (("przeczytana " + datetime_pl(receipt.read_at, timezone), "")
                  if receipt.read_at else ("nieprzeczytana", "b"))
        parts.append(marked_lines([(f"{who} – ", ""), status], TALLY_FACE))
    return _joined(parts)


MM_PT = 72 / 25.4
META_LINE_PT = 11.933858  # .mlines' line height (META_PITCH_PT as style.css has it)
RULE_PT, RULE_COLOUR = 0.4, "bbbbbb"  # .body's border-top
FIRST_BODY = 2  # text lines in a message's first block (never split by a page end)
WHOLE_MAX_PT = 300.0  # a taller first block: the message's parts laid out as blocks of their own


def _lines_at(top: float, count: int, line_pt: float, face: Face) -> list[float]:
    """The baselines (pt from the block's top) of `count` lines from `top`."""
    baseline = baseline_pt(face, line_pt)
    return [top + n * line_pt + baseline for n in range(count)]


def _height(count: int, line_pt: float) -> float:
    """A folded block's height as its style gives it (fold_height's rounding)."""
    return round(count * line_pt, 4)


def message_lines(message: MessageEntry, timezone: str) -> Markup:
    """A message to a few people, without attachments or a missing approval, as ONE folded
    block (render/marks.py: laid out as its first line, every line drawn in its own size
    at its own baseline, FOLD_LINES, and .body's rule, FOLD_RULES): its header lines, the
    count, the recipients and the first lines of its text, each where its own block
    (message_head, tally_lines, body_blocks) put it; then the rest of the text in blocks
    of at most BODY_CHUNK lines, a page may end between them. A message's parts were five
    or six boxes, each a cascade, a block and a line layout. Empty (the parts are laid out
    as blocks of their own): any other message, a text with tabs (their stops are measured
    in the block's own size), a first block taller than WHOLE_MAX_PT."""
    if (message.compact or not message.recipients or message.other_recipients
            or message.lacks_approval or message.attachments):
        return Markup("")
    text = printable(message.body.replace("\r\n", "\n").replace("\r", "\n"))
    if "\t" in text:
        return Markup("")
    head, head_marks = _joined([marked_lines(e, META_FACE)
                                for e in _head_entries(message, timezone)])
    tally, tally_marks = _tally(message)
    receipts, receipt_marks = _receipt_lines(message, timezone)
    wrapped = wrap(text, MESSAGE_PT, BODY_FACE)
    split = FIRST_BODY if len(wrapped) > FIRST_BODY + 1 else len(wrapped)  # no line alone after
    while 0 < split < len(wrapped) and not wrapped[split].strip():
        split += 1  # an empty line stays with the lines before it (as _chunks keeps it)
    first_body = wrapped[:split]
    body = [first_body, *(_chunks(wrapped[split:], BODY_CHUNK) if wrapped[split:] else [])]
    baselines = _lines_at(0.0, len(head), META_LINE_PT, META_FACE)
    top = round(len(head) * META_PITCH_PT - META_GAP_PT / 2, 4) + 1.5 * MM_PT
    baselines += _lines_at(top, len(tally), TALLY_LINE_PT, TALLY_FACE)
    top += _height(len(tally), TALLY_LINE_PT) + 0.8 * MM_PT
    baselines += _lines_at(top, len(receipts), TALLY_LINE_PT, TALLY_FACE)
    top += _height(len(receipts), TALLY_LINE_PT) + 1.5 * MM_PT
    rule = top
    top += RULE_PT + 1.5 * MM_PT
    baselines += _lines_at(top, len(first_body), BODY_LINE_PT, BODY_FACE)
    height = top + _height(len(first_body), BODY_LINE_PT)
    if height > WHOLE_MAX_PT:
        return Markup("")
    sizes = ([""] * len(head) + [f"/{TALLY_FACE.size_pt:g}"] * (len(tally) + len(receipts))
             + [f"/{BODY_FACE.size_pt:g}"] * len(first_body))
    first = baselines[0]
    places = " ".join(f"{b - first:.4f}{size}" for b, size in zip(baselines, sizes, strict=True))
    lines, marks = _joined([(head, head_marks), (tally, tally_marks),
                            (receipts, receipt_marks), (first_body, "")])
    rules = f"{rule - first:.4f}/{RULE_PT:g}/{MESSAGE_PT:.4f}/{RULE_COLOUR}"
    out = [Markup('<pre class="mlines whole" data-fold data-marks="{}" {}="{}" {}="{}" '
                  'style="height: {:.4f}pt">\n').format(
        marks, FOLD_LINES, places, FOLD_RULES, rules, height)
        + escape("\n".join(lines)) + Markup("</pre>")]
    for chunk in body[1:]:
        lines = "\n".join(chunk)
        out.append(Markup('<pre class="blines" data-fold style="{}">\n').format(
            fold_height(lines, BODY_LINE_PT)) + escape(lines) + Markup("</pre>"))
    return Markup("").join(out)


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
