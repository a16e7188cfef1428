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


def test_student_transcript_never_names_another_family(small):
    """A message from another student's parent to this student's parent: the sender is
    shown only as "inny rodzic/opiekun", and a sibling is never named in a guardian's role."""
    import pandas as pd

    from archiver.model import Dataset

    tables = dict(small.tables)
    sent = pd.Timestamp("2025-09-29T10:00:00Z")
    extra = small.messages.iloc[:1].copy()
    extra[["message_id", "thread_id", "sender_id", "sender_kind", "audience"]] = [
        "M9", "TH9", "G2", "guardian", "individual"]
    extra["sent_at"] = sent
    tables["messages"] = pd.concat([small.messages, extra], ignore_index=True)
    receipt = small.message_recipients.iloc[:1].copy()
    receipt[["message_id", "recipient_id", "recipient_kind"]] = ["M9", "G1", "guardian"]
    tables["message_recipients"] = pd.concat([small.message_recipients, receipt],
                                             ignore_index=True)
    sibling = small.guardians[small.guardians["guardian_id"] == "G1"].copy()
    sibling["student_id"] = "S3"  # G1 is also the parent of Celina Wiśniewska
    tables["guardians"] = pd.concat([small.guardians, sibling], ignore_index=True)
    changed = Dataset(small.meta, tables, small.source)
    view = build_transcript(changed, Config(), make_scope(changed.meta, None, Period(), "S1"))
    message = next(m for t in view.threads for m in t.messages if m.message_id == "M9")
    assert message.sender.name == "inny rodzic/opiekun"
    roles = {r.person.role for t in view.threads for m in t.messages for r in m.recipients}
    assert all("Wiśniewska" not in role for role in roles)
    assert "matka: Kowalska Anna" in roles


def test_a_class_transcript_of_another_export_is_not_made_from_the_last_ones_messages(small):
    # the pupils in individual messages are kept for the next class of the same export
    # (views/messages._pupils_in_messages): another export's must not be taken for them
    from dataclasses import replace

    _, before = _threads(small, "C7B")
    assert before == ["TH5"]
    other = replace(small, tables={**small.tables, "guardians": small.guardians.iloc[0:0]})
    _, after = _threads(other, "C7B")
    assert after == []
    _, again = _threads(small, "C7B")
    assert again == ["TH5"]


def test_another_exports_names_are_its_own_in_its_transcript(small):
    # the directory of names is kept for the next transcript of the same export
    # (views/messages._kept): another export's staff must not be named from the last one's
    from dataclasses import replace

    view, _ = _threads(small, "C7A")
    names = {m.sender.name for t in view.threads for m in t.messages}
    staff = small.staff.assign(last_name=small.staff["last_name"] + "-Inna")
    other = replace(small, tables={**small.tables, "staff": staff})
    view, _ = _threads(other, "C7A")
    renamed = {m.sender.name for t in view.threads for m in t.messages}
    assert renamed != names and any(name.endswith("-Inna") for name in renamed)
