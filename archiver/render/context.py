"""Who prints, when, with which version: the same for every document of one run."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from archiver import __version__
from archiver.errors import UsageError
from archiver.i18n import _


class AccountName(str):
    """The OS account's name, used as the operator when no person was named (--operator,
    `[school] operator`): documents print it labelled as an account, not as a person."""

    __slots__ = ()


@dataclass(frozen=True)
class RunContext:
    """Printed on every page and stored in the PDF's dates; picklable."""

    operator: str
    printed_at: datetime  # timezone-aware (UTC)
    software_version: str = __version__
    operator_is_account: bool = False  # `operator` is the OS account, no person was named

    @classmethod
    def create(cls, operator: str, environ: Mapping[str, str] | None = None) -> RunContext:
        """The run's context: time from SOURCE_DATE_EPOCH when set, else the clock."""
        return cls(operator=str(operator), printed_at=run_time(environ),
                   operator_is_account=isinstance(operator, AccountName))

    @property
    def operator_label(self) -> str:
        """Who printed, as the documents say it: the person, or the account labelled."""
        if self.operator_is_account:
            return f"nie podano (konto systemowe „{self.operator}”)"
        return self.operator


def run_time(environ: Mapping[str, str] | None = None) -> datetime:
    """SOURCE_DATE_EPOCH (reproducible builds) as an aware UTC datetime, else now."""
    env = os.environ if environ is None else environ
    raw = env.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        seconds = int(raw)
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            _("SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since "
              "1970-01-01 UTC").format(raw=raw)
        ) from None
