"""Pieces every job shares: the dataset, the password, personal-name tokens, bag-info."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from archiver import SOFTWARE_NAME, __version__, files
from archiver.audit.record import AuditRecord
from archiver.config import Config
from archiver.errors import ArchiverError, RefusedError, UsageError
from archiver.files import check_slip_folder
from archiver.i18n import N_, _
from archiver.load import load_dataset
from archiver.model import Dataset
from archiver.passwords import (
    Password,
    PasswordSlip,
    check_strength,
    generate_password,
    read_password,
    write_slip,
)
from archiver.render import RunContext
from archiver.views.how_to_open import FILE_NAME as HOW_TO_OPEN
from archiver.views.how_to_open import how_to_open


def load(source: Path) -> Dataset:
    """The validated dataset, or ValidationFailed naming the first broken rule."""
    dataset, _report = load_dataset(source)
    return dataset


def personal_name_tokens(ds: Dataset) -> set[str]:
    """Every first, middle and last name of students, guardians and staff."""
    names: set[str] = set()
    for table, columns in (("students", ("first_name", "middle_name", "last_name")),
                           ("guardians", ("first_name", "last_name")),
                           ("staff", ("first_name", "last_name"))):
        frame = ds.tables[table]
        for column in columns:
            names.update(str(v) for v in frame[column].dropna().unique())
    return names


@dataclass(frozen=True)
class PasswordChoice:
    password: Password
    generated: bool


def choose_password(password_file: Path | None, slip_out: Path | None, out_dir: Path,
                    config: Config, copy_to: Iterable[Path] = ()) -> PasswordChoice:
    """A given password (checked for strength), or a generated one for the slip."""
    given = read_password(password_file)
    if given is not None:
        check_strength(given, config.security.min_password_bits)
        return PasswordChoice(given, False)
    if slip_out is None:
        raise UsageError(
            _("no password given and no --slip-out to print a generated one on"),
            hint=_("use --password-file FILE or ARCHIVER_PASSWORD, or --slip-out FILE "
                   "(outside the bundle's folder) to receive a generated password"),
        )
    if Path(slip_out).exists():
        raise RefusedError(_("{slip_out} already exists; a password slip is never "
                             "overwritten").format(slip_out=slip_out),
                           hint=_("choose a new --slip-out file"))
    check_slip_folder(Path(slip_out), (out_dir, *copy_to))
    slip = Path(slip_out)
    if not slip.parent.is_dir() or os.path.lexists(slip):
        raise UsageError((_("the password slip {slip_out} cannot be written there: it "
                            "already exists") if os.path.lexists(slip) else
                          _("the password slip {slip_out} cannot be written there: its "
                            "folder does not exist")).format(slip_out=slip_out),
                         hint=_("choose another --slip-out before anything is archived"))
    return PasswordChoice(generate_password(), True)


def write_slip_or_withdraw(slip: PasswordSlip, slip_out: Path, out_dir: Path,
                           published: Iterable[Path]) -> Path:
    """Write the slip of a generated password; if that fails, remove the bundle and the
    files made with it. Its password reached no paper: the bundle could never be opened,
    yet would stand in the archive looking complete."""
    try:
        return write_slip(slip, slip_out, bundle_dir=out_dir)
    except ArchiverError as exc:
        for path in published:
            try:
                Path(path).unlink(missing_ok=True)
            except OSError:
                pass
        raise type(exc)(f"{exc.message}; the bundle was removed, since nobody could open "
                        "it without the slip", hint="free the slip's folder and run again"
                        ) from None


@contextmanager
def withdrawn_on_failure(published: Iterable[Path], why: str) -> Iterator[None]:
    """Whole or nothing: if the block fails (an ArchiverError), the files already published
    for the same run are removed, and the error says so (`why`)."""
    try:
        yield
    except ArchiverError as exc:
        for path in published:
            try:
                Path(path).unlink(missing_ok=True)
            except OSError:
                pass
        raise type(exc)(f"{exc.message}; {why}", hint=exc.hint) from None


def retention_until(ds: Dataset, config: Config) -> date:
    """Last day of retention: full years counted from 1 January after the year ends."""
    return date(ds.meta.year_end.year + config.archive.retention_years, 12, 31)


def base_bag_info(ds: Dataset, config: Config, run_ctx: RunContext, identifier: str,
                  description: str) -> dict[str, str]:
    """bag-info.txt fields common to every bundle (the writer adds dates, oxum, agent)."""
    meta = ds.meta
    info = {
        "Source-Organization": config.school.name or meta.school.name,
        "Organization-Address": meta.school.address,
        "External-Identifier": identifier,
        "External-Description": description,
        "School-Id": meta.school.id,
        "School-REGON": meta.school.regon,
        "School-Year": meta.school_year,
        "Archive-Category": config.archive.category,
        "Retention-Until": retention_until(ds, config).isoformat(),
        "Source-System": meta.source_system,
        "Data-Exported-At": meta.exported_at.isoformat(),
        "Software": f"{SOFTWARE_NAME} {__version__}",
        "Operator": run_ctx.operator,
    }
    return {k: one_line(v) for k, v in info.items() if v}


def one_line(text: str) -> str:
    """A bag-info value as RFC 8493 tag files need it: one line of printable text. Line
    breaks (an address typed on two lines) become spaces, other control and format
    characters U+FFFD, so an export's odd text can never stop the archiving."""
    return "".join(c if c.isprintable() else "\ufffd" for c in " ".join(text.split()))


def write_how_to_open(rec: AuditRecord, bundle_name: str, folders: Iterable[Path], *,
                      disclosure: bool = False) -> None:
    """JAK-OTWORZYC.txt in each folder holding the bundle or a copy, noted in the entry."""
    text = how_to_open(bundle_name, disclosure=disclosure).encode("utf-8")
    for folder in dict.fromkeys(Path(f) for f in folders):
        note = files.write_whole(folder / HOW_TO_OPEN, text, replace=True,
                                 what=N_("the how-to-open note"), kind="how-to-open")
        rec.add_output(note, kind="how-to-open")
