"""Message transcript (wiadomości): per thread, who sent what to whom, when, who read it.

Which threads a transcript holds (documented for the archive):
- a class's transcript: threads with a class message to that class, or an individual
  message sent or received by a student of the class or one of their guardians, the
  student being in the class on the message's day (a moved student's correspondence
  follows them); school-wide messages are left to the school-wide transcript;
- the school-wide transcript (no class): threads holding a school-wide message;
- a student's transcript: only the messages the student or one of their guardians sent
  or received. In class and school-wide messages only their own read receipts are listed,
  the other recipients as a count; other students and guardians are never named.
Within the period, every message of a chosen thread is listed in time order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from archiver.config import Config
from archiver.model import Dataset
from archiver.views import common, polish
from archiver.views.people import OTHER_LABELS, Directory, Person, guardians_of, local
from archiver.views.scope import Scope


@dataclass(frozen=True)
class Receipt:
    person: Person
    read_at: datetime | None  # None: nieprzeczytana
    group: str = ""  # the class of the pupil (a guardian's: their child's) on the day sent


@dataclass(frozen=True)
class RecipientGroup:
    """One class's recipients of a class or school-wide message (staff in their own group):
    unread ones first, then the read ones with their read times."""

    label: str  # "oddział 1a", "pracownicy szkoły"
    unread: tuple[Receipt, ...]
    read: tuple[Receipt, ...]


@dataclass(frozen=True)
class Attachment:
    file_name: str
    size_bytes: int | None
    sha256: str


@dataclass(frozen=True)
class MessageEntry:
    message_id: str
    sent_at: datetime
    sender: Person
    subject: str
    body: str  # exactly as sent; the template prints it as text
    audience: str  # individual / class / school
    audience_class: str  # class name for class messages
    recipients: tuple[Receipt, ...]
    other_recipients: int  # recipients left out by student-scoped minimisation
    approved_by: Person | None
    approved_at: datetime | None
    reply_to: str
    attachments: tuple[Attachment, ...]
    other_read: int = 0  # of `other_recipients`, how many read it (a count, no one named)

    @property
    def recipient_count(self) -> int:
        return len(self.recipients) + self.other_recipients

    @property
    def read_count(self) -> int:
        return sum(r.read_at is not None for r in self.recipients) + self.other_read

    @property
    def compact(self) -> bool:
        """A class or school-wide message, or many recipients: listed grouped by class in
        columns rather than one line each."""
        return self.audience in ("class", "school") or len(self.recipients) > COMPACT_FROM

    def groups(self) -> tuple[RecipientGroup, ...]:
        """The named recipients grouped by class, in the school's class order, staff last;
        within a group unread first, each part alphabetical."""
        by_label: dict[str, list[Receipt]] = {}
        for receipt in self.recipients:
            by_label.setdefault(receipt.group, []).append(receipt)

        def key(label: str) -> tuple:
            return (label == "", polish.polish_key(label))

        result = []
        for label in sorted(by_label, key=key):
            people = sorted(by_label[label], key=lambda r: _surname_key(r.person))
            result.append(RecipientGroup(f"oddział {label}" if label else STAFF_GROUP,
                                         tuple(r for r in people if r.read_at is None),
                                         tuple(r for r in people if r.read_at is not None)))
        return tuple(result)

    @property
    def lacks_approval(self) -> bool:
        """A school-wide message the director did not approve: transcripts flag it."""
        return self.audience == "school" and self.approved_by is None


def _surname_key(person: Person) -> tuple:
    """Alphabetical by surname: staff and guardians are "First Last", pupils "Last First"."""
    words = person.name.split()
    if person.kind != "student" and len(words) > 1:
        words = [words[-1], *words[:-1]]
    return polish.polish_key(" ".join(words))


COMPACT_FROM = 8  # more named recipients than this: grouped and in columns
STAFF_GROUP = "pracownicy szkoły i inni odbiorcy"


@dataclass(frozen=True)
class ThreadEntry:
    thread_id: str
    subject: str
    messages: tuple[MessageEntry, ...]
    omitted: int  # messages of the thread left out by student-scoped minimisation


@dataclass(frozen=True)
class TranscriptView:
    school: str
    class_name: str  # "" for the school-wide transcript
    school_year: str
    scope: Scope
    threads: tuple[ThreadEntry, ...]
    sources: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)


def _in_period(ds: Dataset, scope: Scope) -> pd.DataFrame:
    msgs = ds.messages
    days = msgs["sent_at"].dt.tz_convert(ds.meta.timezone).dt.tz_localize(None).dt.normalize()
    return msgs[days.between(pd.Timestamp(scope.date_from), pd.Timestamp(scope.date_to))].assign(
        day=days)


def _participants(msgs: pd.DataFrame, recipients: pd.DataFrame) -> pd.DataFrame:
    """(message_id, day, person_kind, person_id) for senders and recipients."""
    senders = msgs[["message_id", "day", "sender_kind", "sender_id"]].set_axis(
        ["message_id", "day", "kind", "person_id"], axis=1)
    received = recipients.merge(msgs[["message_id", "day"]], on="message_id")[
        ["message_id", "day", "recipient_kind", "recipient_id"]].set_axis(
        ["message_id", "day", "kind", "person_id"], axis=1)
    return pd.concat([senders, received], ignore_index=True)


# What a term-end's transcripts of one export share (it prepares every class's in turn):
# by name, the last value made, with the frames it was made from and the other values it
# depends on. Frames are compared by identity (an export's frames are not changed; a
# transcript's slice takes them whole), a slot is replaced in one step.
_LAST: dict[str, tuple[tuple, tuple, object]] = {}


def _kept(name: str, frames: tuple, values: tuple, make):  # noqa: ANN001, ANN202
    """The last value `make()` gave for these frames and values, or a new one."""
    last = _LAST.get(name)
    if last is not None and len(last[0]) == len(frames) and values == last[1] and all(
            a is b for a, b in zip(last[0], frames, strict=True)):
        return last[2]
    value = make()
    _LAST[name] = (frames, values, value)
    return value


def _pupils_in_messages(ds: Dataset, scope: Scope, msgs: pd.DataFrame) -> pd.DataFrame:
    """(message_id, day, student) of every pupil in an individual message of the period,
    as sender or recipient, themselves or through a guardian: the same for every class of
    an export, made once (about a fifth of a class transcript's view)."""
    return _kept("pupils", (ds.messages, ds.message_recipients, ds.guardians),
                 (ds.meta.timezone, scope.date_from, scope.date_to),
                 lambda: _make_pupils(ds, msgs))


def _make_pupils(ds: Dataset, msgs: pd.DataFrame) -> pd.DataFrame:
    people = _participants(msgs[msgs["audience"] == "individual"], ds.message_recipients)
    links = ds.guardians[["guardian_id", "student_id"]].rename(columns={"guardian_id": "gid"})
    people = people.merge(links, how="left", left_on="person_id", right_on="gid")
    people["student"] = people["person_id"].where(people["kind"] == "student",
                                                  people["student_id"])
    return people.loc[people["kind"] != "staff", ["message_id", "day", "student"]]


def _class_message_ids(ds: Dataset, scope: Scope, msgs: pd.DataFrame) -> set[str]:
    stays = common.stays(ds, scope.class_id, scope)
    people = _pupils_in_messages(ds, scope, msgs).merge(
        stays[["student_id", "first_day", "last_day"]], left_on="student", right_on="student_id")
    ok = (people["day"] >= people["first_day"]) & (people["day"] <= people["last_day"])
    ids = set(people.loc[ok, "message_id"])
    ids |= set(msgs.loc[(msgs["audience"] == "class")
                        & (msgs["audience_class_id"] == scope.class_id), "message_id"])
    return ids


def _own_people(ds: Dataset, student_id: str) -> set[tuple[str, str]]:
    own = {("student", student_id)}
    return own | {("guardian", g) for g in guardians_of(ds, {student_id})}


def _select(ds: Dataset, scope: Scope, msgs: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The messages to print and, per thread, how many were left out."""
    if scope.student_id is not None:
        own = _own_people(ds, scope.student_id)
        people = _participants(msgs, ds.message_recipients)
        mine = people[[(k, p) in own for k, p in zip(people["kind"], people["person_id"],
                                                     strict=True)]]
        chosen = msgs[msgs["message_id"].isin(mine["message_id"])]
        threads = msgs[msgs["thread_id"].isin(chosen["thread_id"])]
        omitted = (threads.groupby("thread_id").size()
                   - chosen.groupby("thread_id").size()).to_dict()
        return chosen, omitted
    if scope.class_id is None:
        wanted = set(msgs.loc[msgs["audience"] == "school", "thread_id"])
    else:
        ids = _class_message_ids(ds, scope, msgs)
        wanted = set(msgs.loc[msgs["message_id"].isin(ids), "thread_id"])
        wanted -= set(msgs.loc[msgs["audience"] == "school", "thread_id"])
    return msgs[msgs["thread_id"].isin(wanted)], {}


def _shown(kind: str, person_id: str, audience: str, own: set[tuple[str, str]] | None) -> bool:
    """Whether a recipient is named (True) or only counted, under student scope."""
    if own is None or (kind, person_id) in own:
        return True
    return audience == "individual" and kind == "staff"


def _sender(directory: Directory, kind: str, person_id: str,
            own: set[tuple[str, str]] | None) -> Person:
    if own is None or kind == "staff" or (kind, person_id) in own:
        return directory.get(kind, person_id)
    return Person(kind, "", OTHER_LABELS[kind], "")


class _Classes:
    """The class of a pupil, or of a guardian's child, on a given day (for grouping)."""

    def __init__(self, ds: Dataset) -> None:
        start, end = pd.Timestamp(ds.meta.year_start), pd.Timestamp(ds.meta.year_end)
        names = dict(zip(ds.classes["class_id"], ds.classes["name"], strict=True))
        self._stays: dict[str, list[tuple[pd.Timestamp, pd.Timestamp, str]]] = {}
        for s in common.rows(ds.students):
            first = start if pd.isna(s.enrolled_on) else s.enrolled_on
            last = end if pd.isna(s.left_on) else s.left_on
            self._stays.setdefault(str(s.student_id), []).append(
                (first, last, str(names.get(s.class_id, s.class_id))))
        self._children: dict[str, list[str]] = {}
        for g in common.rows(ds.guardians):
            self._children.setdefault(str(g.guardian_id), []).append(str(g.student_id))

    def of(self, kind: str, person_id: str, day: pd.Timestamp) -> str:
        pupils = [person_id] if kind == "student" else self._children.get(person_id, []) \
            if kind == "guardian" else []
        found = sorted({name for p in pupils for first, last, name in self._stays.get(p, [])
                        if first <= day <= last}, key=polish.polish_key)
        return found[0] if found else ""


def _class_names(ds: Dataset) -> dict[str, str]:
    """common.class_name of every class (the first row of an id), made once an export."""
    def make() -> dict[str, str]:
        names: dict[str, str] = {}
        for class_id, name in zip(ds.classes["class_id"].tolist(), ds.classes["name"].tolist(),
                                  strict=True):
            names.setdefault(str(class_id), str(name))
        return names

    return _kept("class names", (ds.classes,), (), make)


def _entry(ds: Dataset, row, recipients: list, attachments: list,  # noqa: ANN001
           directory: Directory, own: set[tuple[str, str]] | None,
           classes: _Classes) -> MessageEntry:
    """One message from its row and the records (common.rows) of its recipients and
    attachments."""
    tz = ds.meta.timezone
    rows = recipients
    shown = [r for r in rows if _shown(r.recipient_kind, r.recipient_id, row.audience, own)]
    receipts = tuple(Receipt(directory.get(r.recipient_kind, str(r.recipient_id)),
                             local(r.read_at, tz),
                             classes.of(r.recipient_kind, str(r.recipient_id), row.day))
                     for r in shown)
    other_read = sum(pd.notna(r.read_at) for r in rows) - sum(pd.notna(r.read_at)
                                                              for r in shown)
    files = tuple(Attachment(str(a.file_name),
                             None if pd.isna(a.size_bytes) else int(a.size_bytes),
                             polish.text(a.sha256)) for a in attachments)
    approver = None if pd.isna(row.approved_by) else directory.get("staff", str(row.approved_by))
    audience_class = ""
    if row.audience == "class" and pd.notna(row.audience_class_id):
        audience_class = _class_names(ds).get(str(row.audience_class_id)) or \
            common.class_name(ds, str(row.audience_class_id))  # (its error if not there)
    return MessageEntry(
        str(row.message_id), local(row.sent_at, tz),
        _sender(directory, row.sender_kind, str(row.sender_id), own), str(row.subject),
        str(row.body), str(row.audience), audience_class, receipts,
        len(recipients) - len(shown), approver, local(row.approved_at, tz),
        polish.text(row.reply_to), files, int(other_read))


def build_transcript(ds: Dataset, config: Config, scope: Scope) -> TranscriptView:
    """The message transcript of a class, of the whole school (class_id None) or a student."""
    chosen, omitted = _select(ds, scope, _in_period(ds, scope))
    chosen = chosen.sort_values(["sent_at", "message_id"], kind="stable")
    own = _own_people(ds, scope.student_id) if scope.student_id is not None else None
    directory = _kept("directory", (ds.staff, ds.students, ds.guardians), (scope.student_id,),
                      lambda: Directory(ds, scope.student_id))  # (neither changes once made)
    classes = _kept("classes", (ds.students, ds.guardians, ds.classes),
                    (ds.meta.year_start, ds.meta.year_end), lambda: _Classes(ds))
    recips = ds.message_recipients[ds.message_recipients["message_id"].isin(chosen["message_id"])]
    files = ds.message_attachments[
        ds.message_attachments["message_id"].isin(chosen["message_id"])]
    # each frame's records made once (common.rows costs a millisecond a call, whatever
    # the frame's length: once per message it was a third of a transcript's view)
    by_message: dict[object, list] = {}
    for record in common.rows(recips):
        by_message.setdefault(record.message_id, []).append(record)
    files_by: dict[object, list] = {}
    for record in common.rows(files):
        files_by.setdefault(record.message_id, []).append(record)
    empty_r, empty_f = [], []
    by_thread: dict[object, list] = {}  # in order of first appearance, as groupby(sort=False)
    for record in common.rows(chosen):
        if not pd.isna(record.thread_id):  # (groupby leaves out a missing key)
            by_thread.setdefault(record.thread_id, []).append(record)
    threads = []
    for thread_id, rows in by_thread.items():
        entries = tuple(_entry(ds, r, by_message.get(r.message_id, empty_r),
                               files_by.get(r.message_id, empty_f), directory, own, classes)
                        for r in rows)
        threads.append(ThreadEntry(str(thread_id), entries[0].subject, entries,
                                   int(omitted.get(thread_id, 0))))
    kept = recips[[_shown(k, p, a, own) for k, p, a in zip(
        recips["recipient_kind"], recips["recipient_id"],
        recips["message_id"].map(dict(zip(chosen["message_id"], chosen["audience"],
                                          strict=True))), strict=True)]]
    return TranscriptView(
        school=common.school_name(ds, config),
        class_name=common.class_name(ds, scope.class_id) if scope.class_id else "",
        school_year=ds.meta.school_year, scope=scope, threads=tuple(threads),
        sources={"messages": chosen.drop(columns=["day"]), "message_recipients": kept,
                 "message_attachments": files},
    )
