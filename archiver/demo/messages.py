"""Messages: individual threads with replies, class and school-wide announcements."""

from __future__ import annotations

from datetime import date

import pandas as pd

from archiver.demo import message_texts as tx
from archiver.demo.mailbox import Mailbox, Person
from archiver.demo.state import Draft

ROOMS = ("12", "14", "21", "23", "105", "203")


def _fmt(day: date) -> str:
    return day.strftime("%d.%m.%Y")


class _School:
    """Look-ups the message writer needs: names, class lists on a day, guardians."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        staff = draft.tables["staff"]
        self.staff_name = {s: f"{f} {ln}" for s, f, ln in
                           zip(staff["staff_id"], staff["first_name"], staff["last_name"],
                               strict=True)}
        self.by_role = {role: staff.loc[staff["roles"].str.contains(role), "staff_id"].tolist()
                        for role in ("director", "secretary", "pedagogue")}
        self.all_staff = staff["staff_id"].tolist()
        students = draft.tables["students"]
        self.student_name = {s: f"{f} {ln}" for s, f, ln in
                             zip(students["student_id"], students["first_name"],
                                 students["last_name"], strict=True)}
        g = draft.tables["guardians"]
        self.guardian_name = {i: f"{f} {ln}" for i, f, ln in
                              zip(g["guardian_id"], g["first_name"], g["last_name"], strict=True)}
        self.guardians_of = g.groupby("student_id")["guardian_id"].agg(list).to_dict()
        stays = draft.helpers["stays"]
        self.stay_rows = list(zip(stays["class_id"], stays["student_id"], stays["start"],
                                  stays["end"], strict=True))
        classes = draft.tables["classes"]
        self.class_name = dict(zip(classes["class_id"], classes["name"], strict=True))
        self.grade = dict(zip(classes["class_id"], classes["grade"], strict=True))
        self.homeroom = dict(zip(classes["class_id"], classes["homeroom_teacher_id"],
                                 strict=True))
        teaching = draft.helpers["teaching"]
        self.subject_teachers = {
            c: list(zip(rows["teacher_id"], rows["subject_id"], strict=True))
            for c, rows in teaching[teaching["subject_id"] != "GW"].groupby("class_id")}

        att = draft.tables["attendance"]
        lessons = draft.tables["lessons"][["lesson_id", "class_id", "date"]]
        excused = att[att["symbol"] == "u"][["lesson_id", "student_id"]].merge(lessons)
        self.excused = (excused[["class_id", "student_id", "date"]].drop_duplicates()
                        .sort_values(["class_id", "student_id", "date"], ignore_index=True))
        self.subject_name = dict(zip(draft.tables["subjects"]["subject_id"],
                                     draft.tables["subjects"]["name"], strict=True))

    def excused_spell(self, class_id: str) -> tuple[str, date, date] | None:
        """A student's run of excused days in the class: (student_id, first, last)."""
        rows = self.excused[self.excused["class_id"] == class_id]
        if rows.empty:
            return None
        pick = int(self.draft.rng.integers(len(rows)))
        student, last = rows["student_id"].iloc[pick], rows["date"].iloc[pick]
        days = set(rows.loc[rows["student_id"] == student, "date"])
        teaching = self.draft.teaching_days
        i = teaching.index(last)
        while i > 0 and teaching[i - 1] in days and (last - teaching[i - 1]).days < 10:
            i -= 1
        return student, teaching[i], last

    def class_list(self, class_id: str, day: date) -> list[str]:
        return [s for c, s, start, end in self.stay_rows if c == class_id and start <= day <= end]

    def school_list(self, day: date) -> list[str]:
        return [s for _c, s, start, end in self.stay_rows if start <= day <= end]

    def name(self, who: Person) -> str:
        table = {"staff": self.staff_name, "guardian": self.guardian_name,
                 "student": self.student_name}[who[1]]
        return table[who[0]]

    def parents(self, students: list[str]) -> list[Person]:
        return [(g, "guardian") for s in students for g in self.guardians_of.get(s, [])]


def _spread_day(draft: Draft, share: float) -> date:
    """A day at the given share of the period (any day, breaks included)."""
    start, end = draft.profile.year_start, draft.profile.year_end
    return start + (end - start) * min(max(share, 0.0), 1.0)


def _conversation(box: Mailbox, kind: str, sender: Person, to: list[Person], sent: pd.Timestamp,
                  bodies: tuple[str, ...], words: dict[str, str], sc: _School) -> None:
    """Send the opening message, then each reply while the previous one was read."""
    subject = tx.THREADS[kind][2]
    thread, reply_to, title = box.new_thread(), None, subject
    for i, body in enumerate(bodies):
        scan = kind == "excuse" and i == 0 and box.draft.rng.random() < 0.4
        reply_to, reads = box.send(thread, sent, sender, title,
                                   body.format(sender=sc.name(sender), **words), to,
                                   reply_to=reply_to,
                                   attachment="zaswiadczenie_lekarskie.jpg" if scan else None)
        readers = [(who, t) for who, t in reads.items() if t is not None]
        nxt = box.after(readers[0][1]) if readers else None
        if nxt is None:
            return
        sender, to, sent, title = readers[0][0], [sender], nxt, f"Re: {subject}"


def _thread(box: Mailbox, sc: _School, kind: str, class_id: str, day: date) -> None:
    """One individual conversation about a child of the class, between the roles of its kind."""
    rng = box.draft.rng
    opener_role, to_role, _subject, bodies = tx.THREADS[kind]
    pupils = sc.class_list(class_id, day)
    if not pupils:
        return
    child = pupils[int(rng.integers(len(pupils)))]
    first = last = day
    spell = sc.excused_spell(class_id) if kind == "excuse" else None
    if spell is not None:  # the guardian excuses days the register shows as excused
        child, first, last = spell
        day = next((d for d in box.draft.teaching_days if d > last), last)
    teacher, subject_id = sc.subject_teachers[class_id][
        int(rng.integers(len(sc.subject_teachers[class_id])))]
    parents = sc.parents([child])
    roles: dict[str, list[Person]] = {
        "guardian": parents[:1], "guardians": parents,
        "homeroom": [(sc.homeroom[class_id], "staff")],
        "teacher": [(teacher, "staff")], "student": [(child, "student")],
        "pedagogue": [(sc.by_role["pedagogue"][0], "staff")]}
    if not roles[opener_role] or not roles[to_role]:
        return
    words = {"child": sc.student_name[child], "cls": sc.class_name[class_id],
             "subject": sc.subject_name[subject_id], "room": ROOMS[int(rng.integers(len(ROOMS)))],
             "when": f"w dniu {_fmt(first)}" if first == last
             else f"od {_fmt(first)} do {_fmt(last)}",
             "date": _fmt(day)}
    sender = roles[opener_role][0]
    _conversation(box, kind, sender, roles[to_role], box.sent_time(day, sender[1]), bodies,
                  words, sc)


def _class_messages(box: Mailbox, sc: _School, class_id: str, count: int) -> None:
    rng = box.draft.rng
    teacher = (sc.homeroom[class_id], "staff")
    pool = list(tx.CLASS_TO_GUARDIANS)
    if sc.grade[class_id] >= 6:  # students have accounts from grade 6: interleave theirs
        for i, message in enumerate(tx.CLASS_TO_STUDENTS):
            pool.insert(2 * i + 1, message)
    for i in range(count):
        subject, body, attachment = pool[i % len(pool)]
        day = _spread_day(box.draft, (i + rng.random()) / count)
        pupils = sc.class_list(class_id, day)
        to_students = (subject, body, attachment) in tx.CLASS_TO_STUDENTS
        to = [(p, "student") for p in pupils] if to_students else sc.parents(pupils)
        if not to:
            continue
        text = body.format(sender=sc.name(teacher), cls=sc.class_name[class_id],
                           date=_fmt(day), room=ROOMS[int(rng.integers(len(ROOMS)))])
        box.send(box.new_thread(), box.sent_time(day, "staff"), teacher, subject, text, to,
                 audience="class", class_id=class_id, attachment=attachment)


def _school_messages(box: Mailbox, sc: _School) -> None:
    draft = box.draft
    director = sc.by_role["director"][0]
    full = draft.profile.full_year
    for i, (role, approved, month, subject, body, attachment, to_staff) in enumerate(tx.SCHOOL):
        if full:
            share = ((month - 9) % 12 + draft.rng.random()) / 10
        else:
            share = (i + draft.rng.random()) / len(tx.SCHOOL)
        day = _spread_day(draft, share)
        sender = (sc.by_role[role][0], "staff")
        sent = box.sent_time(day, "staff")
        to = ([(s, "staff") for s in sc.all_staff if s != sender[0]] if to_staff
              else sc.parents(sc.school_list(day)))
        approval = None
        if approved:
            # The director approves during working hours, minutes to hours before sending.
            at = sent - pd.Timedelta(minutes=int(draft.rng.integers(5, 6 * 60)))
            if at.hour < 7 or at.date() < draft.profile.year_start or sender[0] == director:
                at = sent - pd.Timedelta(minutes=2)
            approval = (director, at)
        text = body.format(sender=sc.name(sender), date=_fmt(day))
        box.send(box.new_thread(), sent, sender, subject, text, to, audience="school",
                 approved=approval, attachment=attachment)


def build_messages(draft: Draft, exported: pd.Timestamp) -> None:
    """Tables messages, message_recipients, message_attachments."""
    box, sc = Mailbox(draft, exported), _School(draft)
    share_of_year = len(draft.teaching_days) / 180
    _school_messages(box, sc)
    for n, class_id in enumerate(draft.tables["classes"]["class_id"]):
        kinds = [k for k in tx.THREADS if k not in tx.STUDENT_THREADS or sc.grade[class_id] >= 6]
        kinds = [k for k in kinds if k != "consult" or n == 0]
        count = max(len(kinds), round(16 * share_of_year))
        for i in range(count):
            kind = kinds[i] if i < len(kinds) else kinds[int(draft.rng.integers(len(kinds)))]
            days = draft.teaching_days
            _thread(box, sc, kind, class_id, days[int(draft.rng.integers(len(days)))])
        _class_messages(box, sc, class_id, max(2, round(6 * share_of_year)))
    draft.tables.update(box.frames())
