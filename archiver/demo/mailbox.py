"""The message store the demo fills: messages, recipients with read receipts, attachments."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from archiver.demo.lessons import TIMEZONE
from archiver.demo.state import Draft

Person = tuple[str, str]  # (id, kind)
# Messages are sent between 6:30 and 22:30 local time, so their date is the same in UTC.
EARLIEST, LATEST = 6 * 60 + 30, 22 * 60 + 30
READ_CHANCE = {"staff": 0.97, "student": 0.85}


def local(day: date, minute: int) -> pd.Timestamp:
    """A Europe/Warsaw time stamp at the given minute of a day."""
    return pd.Timestamp(datetime.combine(day, time(minute // 60, minute % 60))).tz_localize(
        TIMEZONE)


class Mailbox:
    """Collects rows of messages, message_recipients and message_attachments."""

    def __init__(self, draft: Draft, exported: pd.Timestamp) -> None:
        self.draft = draft
        self.exported = exported
        self.messages: list[dict] = []
        self.recipients: list[dict] = []
        self.attachments: list[dict] = []
        self.threads = 0
        self.diligence: dict[str, float] = {}

    def new_thread(self) -> str:
        self.threads += 1
        return f"T{self.threads:05d}"

    def sent_time(self, day: date, kind: str) -> pd.Timestamp:
        """A plausible sending time that day: staff in working hours, others any time."""
        lo, hi = (7 * 60 + 30, 17 * 60) if kind == "staff" else (EARLIEST, LATEST)
        return local(day, int(self.draft.rng.integers(lo, hi)))

    def after(self, moment: pd.Timestamp) -> pd.Timestamp | None:
        """A reply time some hours after a moment, moved into the day; None after the year."""
        rng = self.draft.rng
        later = moment + pd.Timedelta(minutes=int(rng.lognormal(5.0, 1.0)) + 5)
        clock = later.tz_convert(TIMEZONE)
        minute = clock.hour * 60 + clock.minute
        day = clock.date()
        if not EARLIEST <= minute <= LATEST:
            day = day + timedelta(days=1) if minute > LATEST else day
            later = local(day, int(rng.integers(7 * 60, 9 * 60)))
        if day > self.draft.profile.year_end:
            return None
        return later

    def read_time(self, sent: pd.Timestamp, who: Person) -> pd.Timestamp | None:
        """When the recipient opened it, or None (never, or not before the export)."""
        rng = self.draft.rng
        chance = READ_CHANCE.get(who[1]) or self.diligence.setdefault(
            who[0], float(rng.beta(6.0, 1.5)))
        if rng.random() >= chance:
            return None
        read = sent + pd.Timedelta(minutes=int(rng.lognormal(4.5, 1.4)) + 1)
        return read if read < self.exported else None

    def send(self, thread: str, sent: pd.Timestamp, sender: Person, subject: str, body: str,
             to: list[Person], *, audience: str = "individual", class_id: str | None = None,
             approved: tuple[str, pd.Timestamp] | None = None, reply_to: str | None = None,
             attachment: str | None = None) -> tuple[str, dict[Person, pd.Timestamp | None]]:
        """Store one message; returns its id and each recipient's read time."""
        message_id = f"M{len(self.messages) + 1:06d}"
        self.messages.append({
            "message_id": message_id, "thread_id": thread, "sent_at": sent,
            "sender_id": sender[0], "sender_kind": sender[1], "subject": subject, "body": body,
            "audience": audience, "audience_class_id": class_id,
            "approved_by": approved[0] if approved else None,
            "approved_at": approved[1] if approved else None, "reply_to": reply_to})
        reads = {}
        for who in dict.fromkeys(to):  # a guardian of two children in one class: once
            reads[who] = self.read_time(sent, who)
            self.recipients.append({"message_id": message_id, "recipient_id": who[0],
                                    "recipient_kind": who[1], "read_at": reads[who]})
        if attachment:
            rng = self.draft.rng
            self.attachments.append({
                "message_id": message_id, "file_name": attachment,
                "size_bytes": int(rng.integers(18_000, 2_400_000)),
                "sha256": rng.bytes(32).hex()})
        return message_id, reads

    def frames(self) -> dict[str, pd.DataFrame]:
        """The three tables, messages in the order they were sent (ids renumbered)."""
        messages = pd.DataFrame(self.messages)
        messages = messages.sort_values(["sent_at", "message_id"], kind="stable",
                                        ignore_index=True)
        new_ids = {old: f"M{i:06d}" for i, old in enumerate(messages["message_id"], start=1)}
        messages["message_id"] = messages["message_id"].map(new_ids)
        messages["reply_to"] = messages["reply_to"].map(new_ids)
        threads = {old: f"T{i:05d}" for i, old in
                   enumerate(dict.fromkeys(messages["thread_id"]), start=1)}
        messages["thread_id"] = messages["thread_id"].map(threads)
        recipients = pd.DataFrame(self.recipients)
        recipients["message_id"] = recipients["message_id"].map(new_ids)
        recipients = recipients.sort_values(["message_id"], kind="stable", ignore_index=True)
        attachments = pd.DataFrame(self.attachments,
                                   columns=["message_id", "file_name", "size_bytes", "sha256"])
        attachments["message_id"] = attachments["message_id"].map(new_ids)
        attachments = attachments.sort_values("message_id", kind="stable", ignore_index=True)
        return {"messages": messages, "message_recipients": recipients,
                "message_attachments": attachments}
