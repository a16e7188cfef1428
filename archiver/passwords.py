"""Bundle passwords: reading, generating, judging strength, and the printable slip.

A password lives in a `Password` holder whose repr and str hide it, so it cannot leak
into a log line, an exception message or a traceback by accident; `reveal()` is the
one deliberate way out. Imports nothing of the package but `errors`.
"""

from __future__ import annotations

import hmac
import math
import os
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from archiver.config import Config
from archiver.errors import InputError, RefusedError, UsageError
from archiver.files import check_slip_folder, withdrawn_on_failure, write_whole
from archiver.i18n import N_, _

ENV_VAR = "ARCHIVER_PASSWORD"
SLIP_HEADING = "HASŁO DO PACZKI ARCHIWALNEJ"  # the first line of every password slip

# Lowercase letters and digits without look-alikes (0/o, 1/l/i): typed without Shift,
# read back from paper without doubt. 31 symbols, log2(31) = 4.95 bits each.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS = 6
GROUP_LENGTH = 5
MAX_PASSWORD_FILE = 4096  # bytes: a password file longer than this is not one
GENERATED_BITS = GROUPS * GROUP_LENGTH * math.log2(len(ALPHABET))  # ~148.6

# WinZip AES (AE-1/AE-2) fixes the key derivation: PBKDF2-HMAC-SHA1, 1,000 iterations.
KDF_ITERATIONS = 1000

# Words a Polish school's staff reach for; zxcvbn's own dictionaries are English.
_LOCAL_WORDS = (
    "haslo", "haslo1", "haslo123", "szkola", "szkolna", "podstawowa", "dziennik",
    "archiwum", "sekretariat", "sekretarka", "dyrektor", "dyrekcja", "nauczyciel",
    "uczen", "klasa", "lekcja", "oceny", "frekwencja", "wychowawca", "polska",
    "polski", "warszawa", "krakow", "bielsko", "biala", "gdansk", "poznan", "wroclaw",
    "lodz", "katowice", "kocham", "kochanie", "misiek", "jesien", "wiosna", "lato",
    "zima", "styczen", "luty", "marzec", "kwiecien", "maj", "czerwiec", "lipiec",
    "sierpien", "wrzesien", "pazdziernik", "listopad", "grudzien", "zaq12wsx",
    "mobidziennik", "librus", "vulcan", "uonet", "synergia", "admin", "administrator",
)


class Password:
    """A secret that hides itself from repr(), str(), f-strings and pickling."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise InputError(_("a password must be non-empty text"))
        self._value = value

    def reveal(self) -> str:
        """The password itself: call only where it must be shown or used."""
        return self._value

    def encode(self) -> bytes:
        """UTF-8 bytes, as handed to the key derivation."""
        return self._value.encode("utf-8")

    def __repr__(self) -> str:
        return "Password(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Password):
            return NotImplemented
        return hmac.compare_digest(self.encode(), other.encode())

    __hash__ = None  # type: ignore[assignment]  # a secret is no dictionary key

    def __reduce__(self) -> object:
        # A worker process has no business with the password: fail loudly, leak nothing.
        raise TypeError("a Password is never pickled")


def as_password(value: Password | str) -> Password:
    """Wrap plain text in a Password (or return the Password given)."""
    return value if isinstance(value, Password) else Password(value)


def read_password(password_file: Path | None, *, environ: dict[str, str] | None = None
                  ) -> Password | None:
    """The first line of `password_file`, else $ARCHIVER_PASSWORD, else None.

    The variable is removed from the environment in any case, so that child processes
    (renderers, external tools) never inherit it.
    """
    env = os.environ if environ is None else environ
    from_env = env.pop(ENV_VAR, None)
    if from_env is None and environ is None:
        from archiver import take_environment_password  # taken at import (see there)

        from_env = take_environment_password()
    if password_file is not None:
        try:
            with open(password_file, "rb") as handle:
                raw = handle.read(MAX_PASSWORD_FILE + 1)  # /dev/zero must not fill memory
            if len(raw) > MAX_PASSWORD_FILE:
                raise InputError(
                    _("password file {password_file} is longer than {value} KB: it is "
                      "not a password file").format(
                        password_file=password_file, value=MAX_PASSWORD_FILE // 1024),
                    hint=_("give a file holding the password on its first line"))
            first = raw.split(b"\n", 1)[0].decode("utf-8")
            if first.strip() == SLIP_HEADING:  # the slip itself: take its "Hasło:" line
                slip = read_slip(raw.decode("utf-8"))
                if slip is not None:
                    return slip[1]
        except FileNotFoundError:
            raise InputError(_("password file {path} does not exist").format(
                path=password_file)) from None
        except UnicodeDecodeError:
            raise InputError(_("password file {path} is not UTF-8 text").format(
                path=password_file)) from None
        except OSError as exc:
            raise InputError(
                _("password file {password_file} cannot be read ({strerror})").format(
                    password_file=password_file, strerror=exc.strerror)
            ) from None
        value = first.rstrip("\r\n")
        if not value:
            raise InputError(_("password file {path}: the first line is empty").format(
                path=password_file))
        return Password(value)
    if from_env is None:
        return None
    if not from_env:
        raise InputError(_("{variable} is set but empty").format(variable=ENV_VAR))
    return Password(from_env)


def generate_password(groups: int = GROUPS, group_length: int = GROUP_LENGTH) -> Password:
    """A random password from `secrets`: groups of 5 unambiguous characters, ~148 bits."""
    return Password(
        "-".join(
            "".join(secrets.choice(ALPHABET) for _ in range(group_length))
            for _ in range(groups)
        )
    )


def _pool_bits(text: str) -> float:
    """Upper bound: length x log2(size of the character classes used)."""
    pool = 0
    pool += 26 if any(c in string.ascii_lowercase for c in text) else 0
    pool += 26 if any(c in string.ascii_uppercase for c in text) else 0
    pool += 10 if any(c in string.digits for c in text) else 0
    pool += 33 if any(c in string.punctuation or c == " " for c in text) else 0
    pool += 100 if any(not c.isascii() for c in text) else 0
    return len(text) * math.log2(pool) if pool else 0.0


def estimate_bits(password: Password | str, user_inputs: Iterable[str] = ()) -> float:
    """A conservative strength estimate in bits (zxcvbn, bounded by the character pool).

    zxcvbn prices any stretch it cannot explain at only 10 guesses per character, which
    keeps words it does not know (Polish ones) from passing for random text.
    """
    from zxcvbn import zxcvbn  # imported late: it loads its dictionaries on import

    text = password.reveal() if isinstance(password, Password) else password
    if not text:
        return 0.0
    words = [*_LOCAL_WORDS, *(w for w in user_inputs if w)]
    result = zxcvbn(text, user_inputs=words)
    return min(float(result["guesses_log10"]) * math.log2(10), _pool_bits(text))


def check_strength(password: Password | str, min_bits: float,
                   user_inputs: Iterable[str] = ()) -> float:
    """Refuse a password weaker than `min_bits` (or not printable ASCII); return its bits."""
    text = password.reveal() if isinstance(password, Password) else password
    if any(not (c.isascii() and c.isprintable()) for c in text):
        raise RefusedError(
            _("the password contains characters other than printable ASCII"),
            hint=_("ZIP tools encode such characters differently, so the bundle might "
                   "not open elsewhere; use letters, digits and punctuation only."),
        )
    bits = estimate_bits(text, user_inputs)
    if bits < min_bits:
        needed = math.ceil(min_bits / math.log2(10))
        raise RefusedError(
            _("the password is too weak: estimated {bits:.0f} bits of strength, "
              "at least {needed_bits:.0f} required").format(bits=bits, needed_bits=min_bits),
            hint=_("The bundle's WinZip AES encryption derives its key with PBKDF2-SHA1 at "
                   "only {iterations:,} iterations, so anyone holding the bundle can try "
                   "billions of guesses a day and a weak password falls to brute force. Give "
                   "no password to have a strong one generated and printed on a slip, or use "
                   "at least {needed} random characters or 7 or more random words.").format(
                iterations=KDF_ITERATIONS, needed=needed),
        )
    return bits


@dataclass(frozen=True)
class PasswordSlip:
    """What the printed password slip says; kept apart from the bundle it opens."""

    bundle_name: str
    bundle_sha256: str
    password: Password = field(repr=False)
    created: datetime
    operator: str

    def text(self) -> str:
        """The slip as plain Polish text, ready to print."""
        return "\n".join(
            [
                SLIP_HEADING,
                "",
                f"Paczka:        {self.bundle_name}",
                f"SHA-256:       {self.bundle_sha256}",
                f"Utworzono:     {self.created.strftime('%d.%m.%Y %H:%M')}",
                f"Sporządził(a): {self.operator}",
                "",
                f"Hasło:         {self.password.reveal()}",
                "",
                "Hasło zawiera tylko małe litery, cyfry 2-9 i łączniki (bez 0, 1, i, l, o).",
                "Przechowuj tę kartkę oddzielnie od nośnika z paczką, w zamkniętej szafie.",
                "Hasła nie podaje się telefonicznie ani tym samym kanałem co paczkę.",
                "",
            ]
        )


def write_slip(slip: PasswordSlip, path: Path, *, bundle_dir: Path) -> Path:
    """Write the slip to `path` (owner-only, never over an existing file, never beside
    the bundle it opens, never through a symlink: its folder resolved, the slip itself
    made new, so a link planted where the slip goes is refused, never followed)."""
    target = Path(path).parent.resolve() / Path(path).name
    if target.parent == Path(bundle_dir).resolve():
        raise RefusedError(
            _("the password slip {path} would lie in the bundle's folder").format(
                path=path),
            hint=_("a password must never travel with the bundle; choose another folder"),
        )
    return write_whole(target, slip.text().encode("utf-8"), what=N_("a password slip"),
                       kind="password-slip")


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
    with withdrawn_on_failure(published, "the bundle was removed, since nobody could open "
                              "it without the slip", hint="free the slip's folder and run again"):
        return write_slip(slip, slip_out, bundle_dir=out_dir)


def read_slip(text: str) -> tuple[str, Password] | None:
    """(bundle file name, password) from the text of a password slip, or None if the text
    is not one (the inverse of PasswordSlip.text)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        label, colon, value = line.partition(":")
        if colon and label.strip() in ("Paczka", "Hasło") and value.strip():
            fields.setdefault(label.strip(), value.strip())
    if len(fields) != 2:
        return None
    return fields["Paczka"], Password(fields["Hasło"])
