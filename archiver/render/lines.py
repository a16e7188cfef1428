"""Line builders the templates call: recipient lists, read tallies, grade codes."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from itertools import groupby

from markupsafe import Markup, escape

from archiver.render.foldbreak import FOLD_CUTS
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
    widths, widest = _cell_chars()
    return sum([widths.get(c, widest) for c in text]) * CELL_SIZE


@lru_cache(maxsize=1)
def _cell_chars() -> tuple[dict[str, float], float]:
    """_advances by character."""
    widths, widest = _advances()
    return {chr(code): w for code, w in widths.items()}, widest


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
    runs: list[tuple[str, str]] = []  # the pieces' texts, white space collapsed
    spaced = True  # white space here is dropped (at the start, after a space)
    for text, kind in pieces:
        text = _COLLAPSED.sub(" ", printable(text))
        if spaced and text[:1] == " ":
            text = text[1:]
        if text:
            runs.append((text, kind))
            spaced = text[-1] == " "
    while runs:  # none at the end
        text, kind = runs[-1]
        kept = text.rstrip(" ")
        if kept == text:
            break
        if kept:
            runs[-1] = (kept, kind)
            break
        runs.pop()
    kinds: list[str] = []
    bold, start = [], None
    for text, kind in runs:
        if kind in BOLD_KINDS and start is None:
            start = len(kinds)
        elif kind not in BOLD_KINDS and start is not None:
            bold.append((start, len(kinds)))
            start = None
        kinds += [kind] * len(text)
    if start is not None:
        bold.append((start, len(kinds)))
    raw = wrap("".join(text for text, _kind in runs), room_pt, face, bold=bold)
    lines, marks, offset = [], [], 0
    for number, line in enumerate(raw):
        kept = line.rstrip(" ")
        start = 0
        for kind, group in groupby(kinds[offset:offset + len(kept)]):
            count = sum(1 for _ in group)
            if kind:
                marks.append(f"{number}:{start}-{start + count}:{kind}")
            start += count
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


# A flow's pieces are put in one block while it stays this short: a message is one block
# (a page still ends between its pieces, render/foldbreak.py; 0 makes each a block).
MERGE_PT = math.inf


def _height(count: int, line_pt: float) -> float:
    """A folded block's height as its style gives it (fold_height's rounding)."""
    return round(count * line_pt, 4)


class _Flow:
    """A message's lines placed as its boxes placed them (y in pt from the message box's
    content top), cut into folded blocks where a page may end (render/marks.py:
    FOLD_LINES, FOLD_RULES): each block is laid out as one line of the .flow face, every
    line drawn in its own size at its own baseline."""

    def __init__(self) -> None:
        # (text, marks of the line as "start-end:kind", size pt, condensed, baseline, top,
        # bottom)
        self.lines: list[tuple[str, list[str], float, bool, float, float, float]] = []
        self.rules: list[float] = []
        self.cuts: set[int] = set()  # a block may begin with these lines
        self.tops: dict[int, float] = {}  # where such a block begins, if above its line
        self.y = 0.0

    def add(self, lines: list[str], marks: str, face: Face, line_pt: float,
            cut_every: int = 0) -> None:
        """Lines of `face`, `line_pt` apart, from the cursor; a block may begin every
        `cut_every` lines of them (the blocks of at most CHUNK lines they were)."""
        by_line: dict[int, list[str]] = {}
        for mark in marks.split():
            number, rest = mark.split(":", 1)
            by_line.setdefault(int(number), []).append(rest)
        baseline = baseline_pt(face, line_pt)
        starts: list[int] = []
        if cut_every:
            first = 0
            for chunk in _chunks(lines, cut_every):
                starts.append(first)
                first += len(chunk)
        for number, text in enumerate(lines):
            if number in starts[1:]:
                self.cuts.add(len(self.lines))
            top = self.y + number * line_pt
            self.lines.append((text, by_line.get(number, []), face.size_pt, face.condensed,
                               top + baseline, top, top + line_pt))
        self.y += _height(len(lines), line_pt)

    def cut(self, top: float | None = None) -> None:
        """A block may begin with the next line (at `top`, above it, if given)."""
        self.cuts.add(len(self.lines))
        if top is not None:
            self.tops[len(self.lines)] = top

    def _top(self, index: int) -> float:
        """Where a block beginning with line `index` begins (the first where the box does)."""
        if not index:
            return 0.0
        if index == len(self.lines):
            return self.y
        return self.tops.get(index, self.lines[index][5])

    def _end(self, begin: int, index: int) -> float:
        """Where the content of lines begin..index-1 ends: their last line's bottom, or the
        bottom of a rule among them (the space after it is not theirs)."""
        top, following = self._top(begin), self._top(index)
        return max([self.lines[index - 1][6]]
                   + [y + RULE_PT for y in self.rules if top <= y < following])

    def blocks(self, box: str = "") -> list[Markup] | None:
        """The folded blocks (None: one too tall for a page, lay the parts out as before),
        each with its pieces (FOLD_CUTS: a page may end between them, render/foldbreak).
        `box`: the classes of the box around them (a message's), given to the block itself
        when it is the only one, else a `<div>` around the blocks."""
        ranges, begin = [], 0
        pieces: list[list[int]] = []  # each block's pieces' first lines
        for index in sorted(self.cuts | {len(self.lines)}):
            if index <= begin:
                continue
            top = self._top(begin)
            end = self._top(index)
            if ranges and (index - begin == 1 or not self.lines[begin][0].strip()):
                ranges[-1] = (ranges[-1][0], index, ranges[-1][2])  # (fold draws from line 1)
            elif ranges and end - ranges[-1][2] <= MERGE_PT:
                ranges[-1] = (ranges[-1][0], index, ranges[-1][2])
                pieces[-1].append(begin)
            else:
                ranges.append((begin, index, top))
                pieces.append([begin])
            begin = index
        out = []
        base = baseline_pt(META_FACE, META_LINE_PT)  # where .flow's own line has its baseline
        for number, (first, last, top) in enumerate(ranges):
            bottom = ranges[number + 1][2] if number + 1 < len(ranges) else self.y
            starts = pieces[number]
            if last - first < 2 or any(
                    self._top(following) - self._top(start) > FOLD_MAX_PT
                    for start, following in zip(starts, [*starts[1:], last], strict=True)):
                return None  # (a page could not hold the piece)
            origin = top + base
            places, marks, texts = [], [], []
            for index, (text, own, size, condensed, baseline, _t, _b) in \
                    enumerate(self.lines[first:last]):
                places.append(f"{baseline - origin:.4f}/{size:g}" + ("/c" if condensed else ""))
                marks += [f"{index}:{m}" for m in own]
                texts.append(text)
            rules = " ".join(f"{y - origin:.4f}/{RULE_PT:g}/{MESSAGE_PT:.4f}/{RULE_COLOUR}"
                             for y in self.rules if top <= y < bottom)
            cuts = " ".join(
                f"{start - first}/{self._top(start) - top:.4f}/"
                f"{self._end(start, following) - top:.4f}"
                for start, following in zip(starts, [*starts[1:], last], strict=True))
            css = f"flow {box}" if box and len(ranges) == 1 else "flow"
            # (the attributes hold numbers, mark letters and our class names: no escaping)
            out.append(Markup(f'<pre class="{css}" data-fold data-marks="{" ".join(marks)}" '
                              f'{FOLD_LINES}="{" ".join(places)}" {FOLD_RULES}="{rules}" '
                              f'{FOLD_CUTS}="{bottom - top:.4f} {cuts}">\n')
                       + escape("\n".join(texts)) + Markup("</pre>"))
        if box and len(out) > 1:
            return [Markup(f'<div class="{box}">'), *out, Markup("</div>")]
        return out


RGROUP_HEAD_FACE = Face("DejaVu Sans", 8.5, bold=True)  # .rgroup-head


def _compact_flow(flow: _Flow, message: MessageEntry) -> bool:
    """A class's or the school's message: the count and the note, then each group's head
    (its rule under it) and its names (compact_recipients' lines), as their boxes put
    them; False if it has other parts (laid out as before)."""
    if not message.recipient_count or message.other_recipients:
        return False
    lines, marks = marked_lines([(f"Odbiorcy: {message.recipient_count}", "b"), (
        " – " + read_tally(message.read_count, message.recipient_count), "")], TALLY_FACE)
    note, note_marks = marked_lines([(COMPACT_NOTE, "n")], META_FACE)
    lines, marks = _joined([(lines, marks), (note, note_marks)])
    start = len(flow.lines)
    flow.add(lines, marks, TALLY_FACE, TALLY_LINE_PT)
    for index in range(start + len(lines) - len(note), start + len(lines)):
        text, own, _size, condensed, baseline, top, bottom = flow.lines[index]
        flow.lines[index] = (text, own, META_FACE.size_pt, condensed, baseline, top, bottom)
    flow.y += 0.8 * MM_PT  # .recipients p's margin-bottom (it wins over .rgroup-head's top)
    after = 0.8 * MM_PT
    for group in message.groups():
        flow.cut()  # a page may end before a group's head (not after it)
        head, head_marks = marked_lines([(f"{group.label}: " + read_tally(
            len(group.read), len(group.unread) + len(group.read)), "b")], TALLY_FACE)
        flow.add(head, head_marks, TALLY_FACE, TALLY_LINE_PT)
        flow.rules.append(flow.y)
        flow.y += RULE_PT + 0.8 * MM_PT
        if group.unread:
            unread, bold = _unread_lines(printable(", ".join(
                r.person.name for r in group.unread)), len(group.unread))
            flow.add(unread, f"0:0-{bold}:b", CELL_FACE, LINE_PT, CHUNK)
            after = 0.8 * MM_PT  # .unread-end
            flow.y += after
        if group.read:
            if group.unread:
                flow.cut()
            rows = _cell_rows([printable(_collapsed(
                f"{r.person.name} {read_time(r.read_at, message.sent_at)}"))
                for r in group.read])
            flow.add(rows, "", CELL_FACE, LINE_PT, CHUNK)
            after = 1.0 * MM_PT  # .rcols-end
            flow.y += after
    flow.y += 1.5 * MM_PT - after  # .recipients' margin-bottom (the last block's collapses in it)
    return True


COMPACT_NOTE = ("W każdej grupie najpierw ci, którzy wiadomości nie przeczytali, potem odbiorcy, "
                "którzy ją przeczytali, z dniem i godziną odczytu.")


def message_lines(message: MessageEntry, timezone: str, head: bool = True,
                  box: str = "") -> Markup:
    """A message without attachments or a missing approval as few folded blocks (a `_Flow`):
    its header lines, the count, the recipients (a line each, or a class's groups) and the
    first lines of its text, each where its own block (message_head, tally_lines,
    compact_recipients, body_blocks) put it, cut where a page may end between a group's
    head and the next or between blocks of at most CHUNK names; then the rest of the text
    in blocks of at most BODY_CHUNK lines. A message's parts were five to twenty boxes,
    each a cascade, a block and a line layout. Empty (the parts are laid out as blocks of
    their own): a text with tabs (their stops are measured in the block's own size), a
    message with other parts, a block too tall for a page. `box`: the classes of the
    message's box ("message", "message last"): the block is the box (its border, padding and
    margin), or a `<div>` of them holds the blocks; none: the template's box holds them."""
    if not message.recipients or (head and (message.lacks_approval or message.attachments)):
        return Markup("")
    text = printable(message.body.replace("\r\n", "\n").replace("\r", "\n"))
    if "\t" in text:
        return Markup("")
    flow = _Flow()
    if head:
        flow.y = -0.566929  # .mlines' margin-top
        lines, marks = _joined([marked_lines(e, META_FACE)
                                for e in _head_entries(message, timezone)])
        flow.add(lines, marks, META_FACE, META_LINE_PT)
        flow.y += -META_GAP_PT / 2 + 1.5 * MM_PT  # its height, its margin-bottom (.end)
    if message.compact:
        if not _compact_flow(flow, message):
            return Markup("")
    else:
        if message.other_recipients:
            return Markup("")
        tally, tally_marks = _tally(message)
        flow.add(tally, tally_marks, TALLY_FACE, TALLY_LINE_PT)
        flow.y += 0.8 * MM_PT
        receipts, receipt_marks = _receipt_lines(message, timezone)
        flow.add(receipts, receipt_marks, TALLY_FACE, TALLY_LINE_PT, CHUNK)
        flow.y += 1.5 * MM_PT
    flow.cut(flow.y)  # a page may end before the text (its rule on the next page)
    flow.rules.append(flow.y)
    flow.y += RULE_PT + 1.5 * MM_PT
    wrapped = wrap(text, MESSAGE_PT, BODY_FACE)
    split = FIRST_BODY if len(wrapped) > FIRST_BODY + 1 else len(wrapped)  # no line alone after
    while 0 < split < len(wrapped) and not wrapped[split].strip():
        split += 1  # an empty line stays with the lines before it (as _chunks keeps it)
    flow.add(wrapped[:split], "", BODY_FACE, BODY_LINE_PT)
    if wrapped[split:]:
        flow.cut()
        flow.add(wrapped[split:], "", BODY_FACE, BODY_LINE_PT, BODY_CHUNK)
    out = flow.blocks(box)
    return Markup("") if out is None else Markup("").join(out)


HEADING_FACE = Face("DejaVu Sans", 11.0, bold=True)  # h2
HEADING_NOTE_FACE = Face("DejaVu Sans", 8.0, bold=True)  # h2 .note


def thread_heading(subject: str, note: str) -> Markup:
    """A thread's `<h2>`: "Wątek: subject" and its note "(T00004, wiadomości: 2)" in the
    note's size and grey. On one line (measured by Pango, with a point to spare) it is the
    heading's own text, the note a mark (marks.PART_SIZES, drawn on the line's baseline
    where its `<span>` stood): no inline box; else the `<span>` as before."""
    head = _collapsed(printable(f"Wątek: {subject}"))
    note = _collapsed(printable(note))
    if width_pt(head + " ", HEADING_FACE) + width_pt(note, HEADING_NOTE_FACE) \
            <= PORTRAIT_PT - 1.0 and head:
        start = len(head) + 1
        return Markup('<h2 data-marks="0:{}-{}:N">{}</h2>').format(
            start, start + len(note), f"{head} {note}")
    return Markup('<h2>{} <span class="note">{}</span></h2>').format(head, note)


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
