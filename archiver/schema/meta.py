"""Rules of export.json (or the `export` sheet/table): required keys, format, terms."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from archiver.i18n import N_
from archiver.model import ExportMeta, School, Term
from archiver.schema.cells import native_text
from archiver.schema.report import Problem, make_problem
from archiver.schema.tables import EXPORT_FORMAT_NAME, EXPORT_FORMAT_VERSION, EXPORT_REQUIRED_KEYS

DEFAULT_TIMEZONE = "Europe/Warsaw"
SCALAR_KEYS = ("format", "version", "exported_at", "source_system", "school.id", "school.name",
               "school.short_name", "school.address", "school.regon", "school_year", "timezone")


def _get(meta: dict, dotted: str) -> Any:
    node: Any = meta
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _text(meta: dict, key: str, col_type: str = "str") -> str:
    value = _get(meta, key)
    if isinstance(value, dict | list):
        return ""
    return native_text(value, col_type).strip()


class _MetaCheck:
    def __init__(self, meta: dict) -> None:
        self.meta = meta
        self.problems: list[Problem] = []

    def error(self, key: str, value: object, rule: str, text: str, **params: object) -> None:
        """A problem of one key; `text` is translated, {value} the key's shown value."""
        self.problems.append(make_problem("export", None, None, key, value, rule, text,
                                          **params))

    def required(self) -> bool:
        complete = True
        for key in EXPORT_REQUIRED_KEYS:
            value = _get(self.meta, key)
            if value is None or value == "" or value == [] or value == {}:
                self.error(key, None, "export.required", N_("required key is missing"))
                complete = False
        return complete

    def scalars(self) -> bool:
        """Keys holding one value must not hold a list or an object."""
        good = True
        for key in SCALAR_KEYS:
            if isinstance(_get(self.meta, key), dict | list):
                self.error(key, None, "export.type", N_("expected a single value, not a list "
                                                       "or an object"))
                good = False
        return good

    def header(self) -> None:
        fmt = _text(self.meta, "format")
        if fmt and fmt != EXPORT_FORMAT_NAME:
            self.error("format", fmt, "export.format",
                       N_("{value} is not this format (expected {name!r})"),
                       name=EXPORT_FORMAT_NAME)
        version = _text(self.meta, "version", "int")
        if version and version != str(EXPORT_FORMAT_VERSION):
            self.error("version", version, "export.version",
                       N_("version {value} is not supported (expected {version})"),
                       version=EXPORT_FORMAT_VERSION)
        year = _text(self.meta, "school_year")
        match = re.fullmatch(r"(\d{4})/(\d{4})", year)
        if year and (not match or int(match[2]) != int(match[1]) + 1):
            self.error("school_year", year, "export.school_year",
                       N_("{value} is not a school year (expected e.g. 2025/2026)"))
        zone = _text(self.meta, "timezone")
        if zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder
                self.error("timezone", zone, "export.timezone",
                           N_("{value} is not a time zone name (e.g. Europe/Warsaw)"))

    def exported_at(self) -> datetime | None:
        text = _text(self.meta, "exported_at", "datetime")
        if not text:
            return None
        try:
            stamp = datetime.fromisoformat(text)
        except ValueError:
            stamp = None
        if stamp is None or "T" not in text.upper():
            self.error("exported_at", text, "export.type",
                       N_("{value} is not an ISO 8601 date-time"))
            return None
        if stamp.tzinfo is None:
            self.error("exported_at", text, "export.type",
                       N_("{value} has no UTC offset (add +01:00, +02:00 or Z)"))
            return None
        return stamp

    def terms(self) -> tuple[Term, ...] | None:
        raw = _get(self.meta, "terms")
        if not isinstance(raw, list) or not raw:
            if raw not in (None, "", []):
                self.error("terms", None, "export.terms", N_("expected a list of terms"))
            return None
        terms: list[Term] = []
        for n, item in enumerate(raw, start=1):
            term = self._term(n, item)
            if term is None:
                return None
            terms.append(term)
        return tuple(terms) if self._ordered(terms) else None

    def _term(self, n: int, item: Any) -> Term | None:
        if not isinstance(item, dict):
            self.error(f"terms.{n}", None, "export.terms", N_("expected term, start and end"))
            return None
        values: dict[str, Any] = {}
        for part, kind in (("term", "int"), ("start", "date"), ("end", "date")):
            text = native_text(item.get(part), kind).strip()
            key = f"terms.{n}.{part}"
            if not text:
                self.error(key, None, "export.required", N_("required key is missing"))
                return None
            try:
                values[part] = int(text) if kind == "int" else date.fromisoformat(text)
            except ValueError:
                self.error(key, text, "export.type", N_("{value} is not a whole number")
                           if kind == "int" else N_("{value} is not a date (expected YYYY-MM-DD)"))
                return None
            if kind == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                self.error(key, text, "export.type",
                           N_("{value} is not a date (expected YYYY-MM-DD)"))
                return None
        if not 1 <= values["term"] <= 99:
            self.error(f"terms.{n}.term", str(values["term"]), "export.terms",
                       N_("{value} is not a term number (1, 2 ...)"))
            return None
        return Term(values["term"], values["start"], values["end"])

    def _ordered(self, terms: list[Term]) -> bool:
        good = True
        for n, term in enumerate(terms, start=1):
            if term.end < term.start:
                self.error(f"terms.{n}.end", term.end.isoformat(), "export.terms",
                           N_("term ends {value}, before it starts ({start})"),
                           start=term.start.isoformat())
                good = False
            if n == 1:
                continue
            before = terms[n - 2]
            if term.number <= before.number:
                self.error(f"terms.{n}.term", str(term.number), "export.terms",
                           N_("term {value} follows term {number}; number terms in order"),
                           number=before.number)
                good = False
            if term.start <= before.end:
                self.error(f"terms.{n}.start", term.start.isoformat(), "export.terms",
                           N_("term starts {value}, before term {number} ends ({end}); terms "
                             "must not overlap and be in order"),
                           number=before.number, end=before.end.isoformat())
                good = False
        return good


def check_meta(meta: dict) -> tuple[ExportMeta | None, list[Problem]]:
    """Validate the export metadata; the ExportMeta when every rule holds."""
    check = _MetaCheck(meta)
    complete = check.required()
    complete = check.scalars() and complete
    check.header()
    exported_at = check.exported_at()
    terms = check.terms()
    if not complete or check.problems or exported_at is None or terms is None:
        return None, check.problems
    school = School(
        id=_text(meta, "school.id"),
        name=_text(meta, "school.name"),
        short_name=_text(meta, "school.short_name"),
        address=_text(meta, "school.address"),
        regon=_text(meta, "school.regon"),
    )
    result = ExportMeta(
        format=_text(meta, "format"),
        version=int(_text(meta, "version", "int")),
        exported_at=exported_at,
        school=school,
        school_year=_text(meta, "school_year"),
        terms=terms,
        timezone=_text(meta, "timezone") or DEFAULT_TIMEZONE,
        source_system=_text(meta, "source_system"),
        raw=meta,
    )
    return result, []
