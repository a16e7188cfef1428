"""How the CLI shows figures to a person: sizes, counts and free space in the chosen
language (1,3 MB in Polish, 1.3 MB in English)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import click

from archiver import i18n
from archiver.errors import StorageError, UsageError
from archiver.i18n import N_, _
from archiver.views.polish import size_pl


def size(num_bytes: int) -> str:
    if i18n.current_language() == "pl":
        return size_pl(num_bytes)
    return size_pl(num_bytes).replace(",", ".")


def seconds(value: float) -> str:
    text = f"{value:.1f} s"
    return text.replace(".", ",") if i18n.current_language() == "pl" else text


def free_space(folder: Path) -> str:
    """'12,3 GB free' of the medium holding `folder` ('' when it cannot be told)."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    return _("{size} free").format(size=size(free))


CREATE_OUT_HELP = N_("Create the --out folder if it does not exist (without it a missing "
                     "folder, e.g. an unmounted medium, is refused before any work).")


def check_out_folder(out_dir: Path, create_out: bool) -> None:
    """Refuse a missing --out (an unmounted medium would get the bundle on the local
    disk) unless --create-out; nothing is created here."""
    if out_dir.is_dir() or create_out:
        return
    if out_dir.exists():
        raise UsageError(_("{folder} exists and is not a folder").format(folder=out_dir))
    raise StorageError(_("the output folder {folder} does not exist").format(folder=out_dir),
                       hint=_("connect or mount the medium and run again, or give "
                              "--create-out to create the folder"))


class SchoolDate(click.ParamType):
    """A day as a secretary writes it: 2026-01-12 or 12.01.2026."""

    name = "date"
    FORMATS = ("%Y-%m-%d", "%d.%m.%Y")

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        for pattern in self.FORMATS:
            try:
                return datetime.strptime(str(value).strip(), pattern).date()
            except ValueError:
                continue
        self.fail(_("{value!r} is not a date: write it as 2026-01-12 or 12.01.2026").format(
            value=value), param, ctx)


DATE = SchoolDate()
