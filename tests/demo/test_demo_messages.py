"""Messages of the small demo: threads, class and school-wide mail, receipts, attachments."""

from __future__ import annotations

import re

import pandas as pd


def test_individual_threads_have_replies_within_the_thread(tables) -> None:
    messages = tables["messages"].set_index("message_id")
    replies = messages[messages["reply_to"].notna()]
    assert len(replies) >= 3
    for mid, row in replies.iterrows():
        original = messages.loc[row["reply_to"]]
        assert original["thread_id"] == row["thread_id"]
        assert original["sent_at"] < row["sent_at"], mid
        assert row["subject"].startswith("Re: ")


def test_reply_comes_from_someone_who_read_the_message(tables) -> None:
    messages = tables["messages"]
    recipients = tables["message_recipients"]
    for _, reply in messages[messages["reply_to"].notna()].iterrows():
        seen = recipients[(recipients["message_id"] == reply["reply_to"])
                          & (recipients["recipient_id"] == reply["sender_id"])]
        assert len(seen) == 1 and seen["read_at"].iloc[0] <= reply["sent_at"]


def test_class_messages_go_to_the_guardians_of_the_class(tables) -> None:
    messages, recipients = tables["messages"], tables["message_recipients"]
    to_class = messages[messages["audience"] == "class"]
    assert len(to_class) >= 2 and to_class["audience_class_id"].notna().all()
    guardians = tables["guardians"].merge(tables["students"], on="student_id")
    one = to_class[to_class["message_id"].isin(
        recipients.loc[recipients["recipient_kind"] == "guardian", "message_id"])].iloc[0]
    got = set(recipients.loc[recipients["message_id"] == one["message_id"], "recipient_id"])
    of_class = set(guardians.loc[guardians["class_id"] == one["audience_class_id"],
                                 "guardian_id"])
    assert got and got <= of_class


def test_school_wide_messages_approved_by_the_director_but_one_not(tables) -> None:
    messages = tables["messages"]
    school = messages[messages["audience"] == "school"]
    director = tables["staff"].loc[tables["staff"]["roles"].str.contains("director"),
                                   "staff_id"].iloc[0]
    approved = school[school["approved_by"].notna()]
    assert len(approved) >= 1 and (approved["approved_by"] == director).all()
    assert (approved["approved_at"] <= approved["sent_at"]).all()
    unapproved = school[school["approved_by"].isna()]
    assert len(unapproved) >= 1 and unapproved["approved_at"].isna().all()


def test_some_recipients_have_not_read(tables) -> None:
    recipients = tables["message_recipients"]
    unread = recipients["read_at"].isna()
    assert unread.any() and not unread.all()
    assert not recipients.duplicated(["message_id", "recipient_id", "recipient_kind"]).any()


def test_read_receipts_fall_between_sending_and_the_export(small, tables) -> None:
    rows = tables["message_recipients"].merge(tables["messages"], on="message_id")
    read = rows[rows["read_at"].notna()]
    assert (read["read_at"] >= read["sent_at"]).all()
    assert (read["read_at"] < pd.Timestamp(small[1]["exported_at"])).all()


def test_students_write_and_receive_only_from_grade_6(tables) -> None:
    messages, recipients = tables["messages"], tables["message_recipients"]
    grades = tables["students"].merge(tables["classes"], on="class_id")
    senders = set(messages.loc[messages["sender_kind"] == "student", "sender_id"])
    receivers = set(recipients.loc[recipients["recipient_kind"] == "student", "recipient_id"])
    assert senders and receivers
    assert (grades[grades["student_id"].isin(senders | receivers)]["grade"] >= 6).all()


def test_attachments_are_listed_with_size_and_checksum(tables) -> None:
    attachments = tables["message_attachments"]
    assert len(attachments) >= 1
    assert set(attachments["message_id"]) <= set(tables["messages"]["message_id"])
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in attachments["sha256"])
    assert all(isinstance(n, int) and n > 0 for n in attachments["size_bytes"])


def test_bodies_are_polish_plain_text_with_new_lines_and_markup_like_characters(tables) -> None:
    bodies = tables["messages"]["body"]
    assert bodies.str.contains("\n").all()
    assert bodies.str.contains("Dzień dobry").any()
    assert bodies.str.contains("<sportowy> &", regex=False).any()


def test_messages_sent_within_the_school_year(small, tables) -> None:
    terms = small[1]["terms"]
    first, last = terms[0]["start"], terms[-1]["end"]
    for column in ("sent_at",):
        days = tables["messages"][column].dt.strftime("%Y-%m-%d")
        assert (days >= first).all() and (days <= last).all()


def test_change_history_matches_the_current_values(tables) -> None:
    changes, grades = tables["changes"], tables["grades"].set_index("grade_id")
    fixes = changes[changes["table"] == "grades"]
    assert len(fixes) >= 1
    for _, change in fixes.iterrows():
        assert grades.loc[change["record_id"], "value"] == change["new_value"]
        assert change["old_value"] != change["new_value"]
