"""When a bundle is dated: its ZIP timestamps (reproducible) and its Bagging-Date (real)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from archiver.errors import UsageError
from archiver.i18n import _


def bagging_time() -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the local clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return datetime.now().astimezone()
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            _("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01")
        ) from None


def bagging_date() -> date:
    """Bagging-Date: today by the local clock, whatever SOURCE_DATE_EPOCH says."""
    return datetime.now().astimezone().date()


def zip_date_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """The wall-clock time of `moment` as ZIP stores it (1980-2107, two-second steps)."""
    year = min(max(moment.year, 1980), 2107)
    if year != moment.year:
        return (year, 1, 1, 0, 0, 0)
    return (year, moment.month, moment.day, moment.hour, moment.minute, moment.second // 2 * 2)
