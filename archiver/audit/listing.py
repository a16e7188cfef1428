"""Choosing and summarising entries for `archiver audit show`. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from archiver.audit.entry import AuditEntry
from archiver.i18n import N_, _, current_language


def parse_since(text: str) -> datetime:
    """A date (`2026-06-01`, midnight UTC) or an ISO date-time (naive = UTC) as aware UTC."""
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def entry_time(entry: AuditEntry) -> datetime:
    """The entry's time as an aware UTC datetime."""
    return datetime.fromisoformat(entry.time.replace("Z", "+00:00"))


def select(
    entries: Iterable[AuditEntry],
    *,
    since: datetime | None = None,
    command: str | None = None,
) -> list[AuditEntry]:
    """Entries at or after `since` whose command is `command` (either filter optional)."""
    chosen = []
    for entry in entries:
        if command is not None and entry.command != command:
            continue
        if since is not None and entry_time(entry) < since:
            continue
        chosen.append(entry)
    return chosen


def _period(period: Any) -> str:
    if not isinstance(period, dict):
        return ""
    start, end = period.get("from") or "", period.get("to") or ""
    return f"{start}..{end}" if start or end else ""


def scope_summary(scope: dict[str, Any]) -> str:
    """A short one-line description of an entry's scope."""
    parts = []
    if scope.get("school_id"):
        parts.append(str(scope["school_id"]))
    if scope.get("school_year"):
        parts.append(str(scope["school_year"]))
    if scope.get("term") not in (None, ""):
        term = scope["term"]
        parts.append(_("year") if term == "year" else _("term {term}").format(term=term))
    if scope.get("classes"):
        parts.append(_("classes {classes}").format(classes=",".join(map(str, scope["classes"]))))
    if scope.get("student_id"):
        parts.append(_("student {id}").format(id=scope["student_id"]))
    if _period(scope.get("period")):
        parts.append(_period(scope.get("period")))
    if scope.get("documents"):
        parts.append("/".join(map(str, scope["documents"])))
    if scope.get("bundle"):
        parts.append(str(scope["bundle"]))
    return " ".join(parts) or "-"


TABLE_HEADER = (N_("seq"), N_("time (UTC)"), N_("operator"), N_("command"), N_("scope"),
                N_("result"), N_("outputs"))
# the log keeps these words in English (it is data); the table says them in the user's language
RESULT_WORDS = {"ok": N_("done"), "failed": N_("failed"), "refused": N_("refused"),
                "interrupted": N_("interrupted"), "internal error": N_("internal error"),
                "exit": N_("exit")}


def table_rows(entries: Iterable[AuditEntry], scope_width: int = 48) -> list[tuple[str, ...]]:
    """Rows of the `audit show` table, header first."""
    rows: list[tuple[str, ...]] = [tuple(_(h) for h in TABLE_HEADER)]
    for entry in entries:
        scope = scope_summary(entry.scope)
        if len(scope) > scope_width:
            scope = scope[: scope_width - 1] + "…"
        result = _word(entry.result)
        if entry.reason and entry.result != "ok":
            result = f"{result}: {_reason(entry.reason)}"
        rows.append((str(entry.seq), entry.time.replace("T", " "), entry.operator,
                     entry.command, scope, result, str(len(entry.outputs))))  # fmt: skip
    return rows


def _word(word: str) -> str:
    """The log's own word in English (as `audit show --json` has it), translated else."""
    if word not in RESULT_WORDS or current_language() == "en":
        return word
    return _(RESULT_WORDS[word])


def _reason(reason: str) -> str:
    """'VerificationError (exit 3)', 'refused (RefusedError)' with the words translated
    (the class names stay: they name the error)."""
    for english in ("internal error", "refused", "interrupted", "exit"):
        if english in reason:
            reason = reason.replace(english, _word(english))
    return reason


def format_table(rows: list[tuple[str, ...]]) -> str:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
