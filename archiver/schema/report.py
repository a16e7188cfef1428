"""Problems found in an export, and the report that collects all of them."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace

from archiver.i18n import Message, _, ngettext

MAX_VALUE_CHARS = 60  # a long cell (a message body) is cut in messages: enough to find it


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: where (table, 1-based data row, file line, column), what, which rule."""

    table: str
    row: int | None
    line: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return self.message


def show_value(value: object) -> str:
    """The offending value as quoted in a message; long text is cut."""
    if value is None or value == "":
        return Message("(empty)")
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return repr(text)


def where(table: str, row: int | None, line: int | None, column: str | None) -> str:
    """`lessons row 12 (line 13), column date` — the location part of a message."""
    if table == "export" and column:
        return Message("export metadata, key {key}", key=column)
    text: str = table
    if row is not None:
        text = (Message("{table} row {row} (line {line})", table=table, row=row, line=line)
                if line is not None else Message("{table} row {row}", table=table, row=row))
    if column:
        text = Message("{place}, column {column}", place=text, column=column)
    return text


def make_problem(table: str, row: int | None, line: int | None, column: str | None,
                 value: object, rule: str, text: str, **params: object) -> Problem:
    """A Problem whose message is `<where>: <text>`. `text` is a msgid marked with N_():
    {value} is the shown value, other placeholders come from `params`. The message is a
    Message: English in JSON, translated when shown."""
    said = Message(text, value=show_value(value), **params)
    message = Message("{place}: {problem}", place=where(table, row, line, column),
                      problem=said)
    raw_value = None if value is None else str(value)
    return Problem(table, row, line, column, raw_value, rule, message)


def with_subject(problem: Problem, subject: str | Message) -> Problem:
    """The problem said as `<subject>: <text> (<where>)`: what the row is (a lesson: class,
    date, period, subject, teacher) first, the row and line at the end."""
    framed = problem.message
    assert isinstance(framed, Message) and framed.msgid == "{place}: {problem}"
    message = Message("{subject}: {problem} ({place})", subject=subject,
                      problem=framed.params["problem"], place=framed.params["place"])
    return replace(problem, message=message)


@dataclass
class Report:
    """Every error and warning found; the export is valid when there are no errors."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    container: str | None = None  # folder, zip, xlsx or sqlite: what was read

    @property
    def ok(self) -> bool:
        return not self.errors

    def extend(self, problems: list[Problem], warning: bool = False) -> None:
        (self.warnings if warning else self.errors).extend(problems)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per table: how many errors and warnings."""
        result: dict[str, dict[str, int]] = {}
        for kind, problems in (("errors", self.errors), ("warnings", self.warnings)):
            for table, n in Counter(p.table for p in problems).items():
                result.setdefault(table, {"errors": 0, "warnings": 0})[kind] = n
        return result

    def summary(self) -> str:
        """One line: `3 errors, 1 warning`."""
        e, w = len(self.errors), len(self.warnings)
        return _("{errors}, {warnings}").format(
            errors=ngettext("{count} error", "{count} errors", e).format(count=e),
            warnings=ngettext("{count} warning", "{count} warnings", w).format(count=w))

    def to_dict(self) -> dict:
        return {
            "valid": self.ok,
            "container": self.container,
            "summary": {"errors": len(self.errors), "warnings": len(self.warnings)},
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }
