"""Column specifications of register export format v1 (shared/register-export-format.md).

One place that says, for every table, which columns exist, which are required, what type
each holds and which keys are unique. Loaders, validation and the demo generator all read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column types and the pandas dtype each is converted to once validated.
DTYPES: dict[str, str] = {
    "id": "string",  # opaque identifier, always text ("0101" is not "101")
    "str": "string",
    "enum": "string",
    "roles": "string",  # ";"-separated enum values
    "int": "Int64",
    "float": "Float64",
    "bool": "boolean",
    "date": "datetime64[ns]",
    "datetime": "datetime64[ns, UTC]",
    "term": "string",  # a term number, or "year" (behaviour.term)
}

ROLES = ("teacher", "homeroom_teacher", "director", "school_admin", "secretary", "pedagogue")
GRADE_KINDS = ("partial", "midterm_proposed", "midterm", "final_proposed", "final")
BEHAVIOUR_VALUES = ("wzorowe", "bardzo dobre", "dobre", "poprawne", "nieodpowiednie", "naganne")
PERSON_KINDS = ("staff", "guardian", "student")


@dataclass(frozen=True)
class Column:
    """One column: its name, type, whether every row needs a value, allowed values."""

    name: str
    type: str = "str"
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def dtype(self) -> str:
        return DTYPES[self.type]


@dataclass(frozen=True)
class Table:
    """One table of the export: its columns, unique keys, and whether it may be absent."""

    name: str
    columns: tuple[Column, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    optional: bool = False
    notes: str = ""
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _c(name: str, type: str = "str", required: bool = False,
       choices: tuple[str, ...] = ()) -> Column:
    return Column(name, type, required, choices)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "staff",
            (
                _c("staff_id", "id", True),
                _c("first_name", "str", True),
                _c("last_name", "str", True),
                _c("roles", "roles", True, ROLES),
                _c("email"),
            ),
            unique=(("staff_id",),),
        ),
        Table(
            "classes",
            (
                _c("class_id", "id", True),
                _c("name", "str", True),
                _c("grade", "int", True),
                _c("homeroom_teacher_id", "id"),
            ),
            unique=(("class_id",),),
        ),
        Table(
            "students",
            (
                _c("student_id", "id", True),
                _c("class_id", "id", True),
                _c("register_number", "int", True),
                _c("first_name", "str", True),
                _c("last_name", "str", True),
                _c("middle_name"),
                _c("birth_date", "date", True),
                _c("birth_place"),
                _c("pesel"),
                _c("address"),
                _c("enrolled_on", "date"),
                _c("left_on", "date"),
            ),
            unique=(("student_id", "class_id"), ("class_id", "register_number")),
        ),
        Table(
            "guardians",
            (
                _c("guardian_id", "id", True),
                _c("student_id", "id", True),
                _c("first_name", "str", True),
                _c("last_name", "str", True),
                _c("relation"),
                _c("address"),
                _c("email"),
                _c("phone"),
            ),
            unique=(("guardian_id", "student_id"),),
        ),
        Table(
            "subjects",
            (_c("subject_id", "id", True), _c("name", "str", True), _c("short_name")),
            unique=(("subject_id",),),
        ),
        Table(
            "lessons",
            (
                _c("lesson_id", "id", True),
                _c("class_id", "id", True),
                _c("date", "date", True),
                _c("period", "int", True),
                _c("subject_id", "id", True),
                _c("teacher_id", "id", True),
                _c("topic"),
                _c("status", "enum", True, ("held", "cancelled")),
                _c("group"),
                _c("substitution", "bool"),
                _c("confirmed_at", "datetime"),
            ),
            # (class_id, date, period, group) is unique among held lessons only:
            # checked by a rule of its own, not here.
            unique=(("lesson_id",),),
        ),
        Table(
            "attendance_types",
            (
                _c("symbol", "str", True),
                _c("name", "str", True),
                _c("counts_as", "enum", True, ("present", "absent", "excluded")),
                _c("excused", "bool"),
                _c("late", "bool"),
            ),
            unique=(("symbol",),),
        ),
        Table(
            "attendance",
            (
                _c("lesson_id", "id", True),
                _c("student_id", "id", True),
                _c("symbol", "str", True),
                _c("recorded_by", "id"),
                _c("recorded_at", "datetime"),
            ),
            unique=(("lesson_id", "student_id"),),
        ),
        Table(
            "grades",
            (
                _c("grade_id", "id", True),
                _c("student_id", "id", True),
                _c("subject_id", "id", True),
                _c("teacher_id", "id", True),
                _c("date", "date", True),
                _c("value", "str", True),
                _c("kind", "enum", True, GRADE_KINDS),
                _c("term", "int"),
                _c("weight", "float"),
                _c("category"),
                _c("comment"),
            ),
            unique=(("grade_id",),),
        ),
        Table(
            "behaviour",
            (
                _c("student_id", "id", True),
                _c("term", "term", True),
                _c("value", "enum", True, BEHAVIOUR_VALUES),
                _c("kind", "enum", True, ("proposed", "final")),
                _c("teacher_id", "id"),
                _c("date", "date"),
            ),
            unique=(("student_id", "term", "kind"),),
            optional=True,
        ),
        Table(
            "notes",
            (
                _c("note_id", "id", True),
                _c("student_id", "id", True),
                _c("teacher_id", "id", True),
                _c("date", "date", True),
                _c("kind", "enum", True, ("positive", "negative", "neutral")),
                _c("text", "str", True),
            ),
            unique=(("note_id",),),
            optional=True,
        ),
        Table(
            "days_off",
            (_c("date", "date", True), _c("reason"), _c("class_id", "id")),
            unique=(("date", "class_id"),),
        ),
        Table(
            "messages",
            (
                _c("message_id", "id", True),
                _c("thread_id", "id", True),
                _c("sent_at", "datetime", True),
                _c("sender_id", "id", True),
                _c("sender_kind", "enum", True, PERSON_KINDS),
                _c("subject", "str", True),
                _c("body", "str", True),
                _c("audience", "enum", True, ("individual", "class", "school")),
                _c("audience_class_id", "id"),
                _c("approved_by", "id"),
                _c("approved_at", "datetime"),
                _c("reply_to", "id"),
            ),
            unique=(("message_id",),),
        ),
        Table(
            "message_recipients",
            (
                _c("message_id", "id", True),
                _c("recipient_id", "id", True),
                _c("recipient_kind", "enum", True, PERSON_KINDS),
                _c("read_at", "datetime"),
            ),
            unique=(("message_id", "recipient_id", "recipient_kind"),),
        ),
        Table(
            "message_attachments",
            (
                _c("message_id", "id", True),
                _c("file_name", "str", True),
                _c("size_bytes", "int"),
                _c("sha256"),
            ),
            optional=True,
        ),
        Table(
            "changes",
            (
                _c("changed_at", "datetime", True),
                _c("changed_by", "id", True),
                _c("table", "str", True),
                _c("record_id", "id", True),
                _c("field", "str", True),
                _c("old_value"),
                _c("new_value"),
            ),
            optional=True,
        ),
    )
}

# The format document marks these tables optional; all others must be present
# (they may be empty, with a header, when the school has no such data).
OPTIONAL_TABLES = frozenset(name for name, t in TABLES.items() if t.optional)

# Keys of export.json (dotted, as in a workbook's or database's `export` table).
EXPORT_REQUIRED_KEYS = ("format", "version", "exported_at", "school.id", "school.name",
                        "school_year", "terms")
EXPORT_FORMAT_NAME = "register-export"
EXPORT_FORMAT_VERSION = 1
