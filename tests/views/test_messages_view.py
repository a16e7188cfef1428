"""Which threads a transcript holds, and student-scoped minimisation."""

from __future__ import annotations

from archiver.config import Config
from archiver.views import Period, build_transcript, make_scope


def _threads(small, class_id, student=None):
    view = build_transcript(small, Config(), make_scope(small.meta, class_id, Period(), student))
    return view, [t.thread_id for t in view.threads]


def test_class_transcript_holds_its_class_message_and_its_families_threads(small):
    _, seven_a = _threads(small, "C7A")
    _, seven_b = _threads(small, "C7B")
    assert seven_a == ["TH1", "TH2"]
    assert seven_b == ["TH5"]


def test_school_transcript_holds_school_wide_messages_and_flags_missing_approval(small):
    view, threads = _threads(small, None)
    assert threads == ["TH3", "TH4"]
    flags = {m.message_id: m.lacks_approval for t in view.threads for m in t.messages}
    assert flags == {"M4": False, "M5": True}


def test_unread_recipient_has_no_read_time(small):
    view, _ = _threads(small, "C7A")
    reply = next(m for t in view.threads for m in t.messages if m.message_id == "M2")
    assert [(r.person.name, r.read_at) for r in reply.recipients] == [("Jan Wychowawczy", None)]


def test_student_transcript_shows_own_receipts_and_counts_the_rest(small):
    view, threads = _threads(small, "C7A", "S1")
    assert threads == ["TH1", "TH2", "TH3", "TH4"]  # not TH5 (7b's family only)
    class_message = next(m for t in view.threads for m in t.messages if m.message_id == "M3")
    assert [r.person.name for r in class_message.recipients] == ["Barbara Kowalska"]
    assert class_message.other_recipients == 3
    recipients = set(view.sources["message_recipients"]["recipient_id"])
    assert recipients <= {"G1", "T2"}
