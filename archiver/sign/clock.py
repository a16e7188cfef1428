"""When a signature is made: always the machine's clock, never SOURCE_DATE_EPOCH.

SOURCE_DATE_EPOCH fixes the printed time of documents (reproducible builds); a
signature dated by it would be backdated, so signing reads the clock, and refuses a
clock before the export was made or outside the signing certificate's validity.
"""

from __future__ import annotations

from datetime import UTC, datetime

from archiver.errors import RefusedError
from archiver.i18n import _
from archiver.sign.keys import Signer


def signing_clock() -> datetime:
    """Now, from the clock (UTC, whole seconds): the time every signature claims."""
    return datetime.now(UTC).replace(microsecond=0)


def check_can_sign(signer: Signer, exported_at: datetime | None = None,
                   moment: datetime | None = None) -> datetime:
    """The signing time (the clock), after checking the certificate is valid then and the
    export was made before it; RefusedError (exit 4) otherwise."""
    moment = moment or signing_clock()
    signer.check_valid_at(moment)
    if exported_at is not None and moment < exported_at:
        raise RefusedError(
            _("the clock ({now} UTC) is before the export was made ({exported} UTC): signing "
              "now would date the signature before the data existed").format(
                now=f"{moment:%Y-%m-%d %H:%M}",
                exported=f"{exported_at.astimezone(UTC):%Y-%m-%d %H:%M}"),
            hint=_("set the computer's clock right (SOURCE_DATE_EPOCH does not change the "
                   "signing time)"),
        )
    return moment
