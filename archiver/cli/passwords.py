"""The bundle password for commands that open a bundle: --password-file, --slip (the
printed slip exactly as term-end wrote it), $ARCHIVER_PASSWORD, or a hidden prompt on a
terminal. The password is never echoed, printed or logged."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from archiver.errors import InputError
from archiver.i18n import N_, _
from archiver.passwords import MAX_PASSWORD_FILE, Password, read_password, read_slip

_FILE = click.Path(dir_okay=False, path_type=Path)


def bundle_password_options(help_password_file: str = N_(
        "File whose first line is the bundle's password (else $ARCHIVER_PASSWORD).")
        ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--password-file FILE and --slip FILE; without them, a hidden prompt on a terminal."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option(
            "--slip", "slip_file", type=_FILE, metavar="FILE",
            help=N_("The password slip as term-end wrote it (haslo-....txt); the password "
                    "is read from its 'Hasło:' line. Without --password-file, --slip and "
                    "$ARCHIVER_PASSWORD the password is asked for on the terminal, "
                    "hidden."))(func)
        return click.option("--password-file", type=_FILE, metavar="FILE",
                            help=help_password_file)(func)

    return decorate


def read_slip_file(path: Path) -> tuple[str, Password]:
    """(bundle name, password) from a slip file; a clear error if it is not one."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_PASSWORD_FILE + 1)
    except FileNotFoundError:
        raise InputError(_("the password slip {path} does not exist").format(path=path)
                         ) from None
    except OSError as exc:
        raise InputError(_("the password slip {path} cannot be read ({reason})").format(
            path=path, reason=exc.strerror)) from None
    try:
        parsed = read_slip(raw.decode("utf-8")) if len(raw) <= MAX_PASSWORD_FILE else None
    except (UnicodeDecodeError, InputError):
        parsed = None
    if parsed is None:
        raise InputError(
            _("{path} is not a password slip written by archiver").format(path=path),
            hint=_("a slip has the lines 'Paczka: ...' and 'Hasło: ...'; for a file holding "
                   "only the password use --password-file"))
    return parsed


def _on_a_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def bundle_password(password_file: Path | None, slip_file: Path | None, bundle: Path, *,
                    optional: bool = False) -> Password | None:
    """The password to open `bundle`: from the file, the slip, $ARCHIVER_PASSWORD, or
    typed at a hidden prompt on a terminal (Enter alone skips it when `optional`)."""
    if password_file is not None and slip_file is not None:
        raise click.UsageError(_("give either --password-file or --slip, not both"))
    if slip_file is not None:
        read_password(None)  # $ARCHIVER_PASSWORD is removed all the same
        slip_bundle, password = read_slip_file(slip_file)
        if slip_bundle != bundle.name:
            click.echo(_("archiver: note: the slip is for {slip_bundle}; using its password "
                         "for {bundle}").format(slip_bundle=slip_bundle, bundle=bundle.name),
                       err=True)
        return password
    password = read_password(password_file)
    if password is not None or not _on_a_terminal():
        return password
    if optional:
        text = click.prompt(_("Password of {bundle} (from the slip; Enter alone: check "
                              "without it)").format(bundle=bundle.name),
                            hide_input=True, default="", show_default=False, err=True)
        return Password(text.strip()) if text.strip() else None
    text = click.prompt(_("Password of {bundle} (from the slip)").format(bundle=bundle.name),
                        hide_input=True, err=True)
    return Password(text.strip()) if text.strip() else None
