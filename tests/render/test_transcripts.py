"""Message transcripts: read tallies, recipients grouped by class in columns with every
read time printed, the school-wide transcript of the `school` demo compact."""

from __future__ import annotations

import io

import pikepdf
import pytest
from render_helpers import CTX, WEEKS, pdf_pages

from archiver.config import Config
from archiver.demo import write_demo
from archiver.load import load_dataset
from archiver.render import render_document
from archiver.render.lines import read_tally, read_time
from archiver.render.plan import plan_documents
from archiver.views import build_transcript
from archiver.views.scope import Period, make_scope

# Pages of the `school` demo's school-wide transcript before issue 15 (one line per
# recipient): the goal is at most half.
SCHOOL_WIDE_PAGES_BEFORE = 81


def test_read_tally_in_polish():
    assert read_tally(1, 5) == "przeczytał 1 z 5 odbiorców"
    assert read_tally(3, 5) == "przeczytało 3 z 5 odbiorców"
    assert read_tally(25, 620) == "przeczytało 25 z 620 odbiorców"
    assert read_tally(0, 1) == "przeczytało 0 z 1 odbiorcy"


def _flat(text: str) -> str:
    return " ".join(text.split()).replace("-", "")


def _check_every_receipt_printed(ds, scope, pdf: bytes) -> int:
    """Each named recipient appears with their read time, or among the unread of the
    message; returns how many receipts were checked."""
    view = build_transcript(ds, Config(), scope)
    # a double-barrelled name broken at its hyphen at a line's end: pdftotext joins the
    # halves without the hyphen, so hyphens are left out of both sides of the comparison
    text = _flat(" ".join(pdf_pages(pdf, layout=False)))
    checked = 0
    messages = [m for thread in view.threads for m in thread.messages]
    starts = []
    for message in messages:
        starts.append(text.index(f"({message.message_id}", starts[-1] if starts else 0))
    for message, start, end in zip(messages, starts, [*starts[1:], len(text)], strict=True):
        block = text[start:end]
        assert f"Odbiorcy: {message.recipient_count} – " \
               f"{read_tally(message.read_count, message.recipient_count)}" in block
        for group in message.groups() if message.compact else ():
            for receipt in group.read:
                assert _flat(f"{receipt.person.name} "
                             f"{read_time(receipt.read_at, message.sent_at)}") in block, receipt
                checked += 1
            if group.unread:
                size = len(group.read) + len(group.unread)
                head = block.index(_flat(f"{group.label}: {read_tally(len(group.read), size)}"))
                unread = block[block.index(f"nie przeczytało ({len(group.unread)}):", head):]
                for receipt in group.unread:
                    assert _flat(receipt.person.name) in unread[:4000], receipt
                    checked += 1
    return checked


def test_every_recipients_read_time_is_printed_in_the_school_wide_transcript(small, rendered):
    scope = make_scope(small.meta, None, WEEKS)
    assert _check_every_receipt_printed(small, scope, rendered("messages", None).pdf) > 0


@pytest.mark.slow
def test_the_school_demos_school_wide_transcript_is_at_most_half_its_old_length(tmp_path):
    ds, _ = load_dataset(write_demo(tmp_path / "school", size="school"))
    spec = next(s for s in plan_documents(ds, ["messages"], None, None, Period())
                if s.class_id is None)
    doc = render_document(spec, ds, Config(), CTX)
    with pikepdf.open(io.BytesIO(doc.pdf)) as pdf:
        assert len(pdf.pages) <= SCHOOL_WIDE_PAGES_BEFORE // 2
    assert _check_every_receipt_printed(ds, spec.scope, doc.pdf) > 5000
