"""The school calendar of 2025/2026: holidays, breaks, director's days, lesson times."""

from __future__ import annotations

from datetime import date, time, timedelta

# Weekdays without lessons for the whole school (dni wolne od zajęć dydaktycznych).
# Weekend holidays (1 Nov, 3 May 2026) are left out: there are no lessons on them anyway.
_SCHOOL_DAYS_OFF: tuple[tuple[str, str, str], ...] = (
    ("2025-11-10", "2025-11-10", "dzień wolny ustalony przez dyrektora"),
    ("2025-11-11", "2025-11-11", "Narodowe Święto Niepodległości"),
    ("2025-12-22", "2025-12-31", "zimowa przerwa świąteczna"),
    ("2026-01-01", "2026-01-01", "Nowy Rok"),
    ("2026-01-02", "2026-01-02", "dzień wolny ustalony przez dyrektora"),
    ("2026-01-06", "2026-01-06", "Święto Trzech Króli"),
    ("2026-04-02", "2026-04-07", "wiosenna przerwa świąteczna"),
    ("2026-05-01", "2026-05-01", "Święto Pracy"),
    ("2026-05-12", "2026-05-14", "egzamin ósmoklasisty (dzień wolny ustalony przez dyrektora)"),
    ("2026-06-04", "2026-06-04", "Boże Ciało"),
    ("2026-06-05", "2026-06-05", "dzień wolny ustalony przez dyrektora"),
)

# Start of each lesson period (dzwonki); every lesson lasts 45 minutes.
PERIOD_START: dict[int, time] = {
    1: time(8, 0), 2: time(8, 55), 3: time(9, 50), 4: time(10, 55),
    5: time(11, 50), 6: time(12, 45), 7: time(13, 40), 8: time(14, 35),
}
LESSON_MINUTES = 45


def weekdays(start: date, end: date) -> list[date]:
    """Monday-to-Friday dates from start to end inclusive."""
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def school_days_off(start: date, end: date) -> list[tuple[date, str]]:
    """Weekday school-wide days off between start and end, with their reasons, in order."""
    out = []
    for first, last, reason in _SCHOOL_DAYS_OFF:
        for day in weekdays(date.fromisoformat(first), date.fromisoformat(last)):
            if start <= day <= end:
                out.append((day, reason))
    return out


def teaching_days(terms: tuple[tuple[date, date], ...]) -> list[date]:
    """Days with lessons: weekdays inside a term that are not a school-wide day off."""
    off = {d for d, _ in school_days_off(terms[0][0], terms[-1][1])}
    return [d for s, e in terms for d in weekdays(s, e) if d not in off]
