"""Command line: the only place that imports click. Options -> config -> jobs.

Each command lives in its own module of this package and registers itself on `main`
(see the imports at the bottom). One handler turns every ArchiverError into a one-line
message and its exit code; nothing a user typed wrong ends in a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import click

from archiver import __version__, i18n
from archiver.config import Config, load_config
from archiver.entry import exit_interrupted
from archiver.errors import AUDIT_VERIFY_HINT, ArchiverError, ExitCode, Interrupted
from archiver.interrupts import handle_termination_signals
from archiver.i18n import _
from archiver.audit.log import os_user
from archiver.render import AccountName

i18n.install_into_click()
# pyHanko imports DSA, which cryptography deprecates: a warning no secretary can act on.
warnings.filterwarnings("ignore", message="DSA is deprecated")


class Context:
    """What every command shares: the configuration and the operator's name."""

    def __init__(self) -> None:
        self.config_path: str | None = None
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


def default_operator() -> str:
    """The operator when --operator is not given: `[school] operator` of the configuration,
    else the OS account running the command (an AccountName: printed labelled as such)."""
    ctx = click.get_current_context(silent=True)
    shared = ctx.find_object(Context) if ctx is not None else None
    if shared is not None and shared.config.school.operator:
        return shared.config.school.operator
    return AccountName(os_user())


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--config FILE on every command; read lazily and validated once."""

    def remember(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value:
            ctx.ensure_object(Context).config_path = value
        return value

    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        expose_value=False,
        is_eager=True,
        callback=remember,
        help="Configuration file (TOML); default: $ARCHIVER_CONFIG or built-in defaults.",
    )(func)


def operator_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--operator",
        default=None,
        metavar="NAME",
        help="Who runs this, as printed on documents and recorded in the audit log "
        "(default: the OS user).",
    )(func)


def state_dir_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--state-dir",
        type=click.Path(file_okay=False),
        default=None,
        metavar="DIR",
        help="State directory holding the audit log and the render cache (default: "
        "$ARCHIVER_STATE_DIR, else paths.state_dir of the configuration, else "
        "~/.local/state/archiver).",
    )(func)


def jobs_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1, max=256),
        default=None,
        metavar="N",
        help="Render on N processes at once (default: the number of CPU cores).",
    )(func)


def no_cache_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Render every document anew: neither read nor write the encrypted render "
        "cache of the state directory (documents rendered earlier from the same data, "
        "templates, settings and software, the same day by the same operator).",
    )(func)


def progress_printer(label: str) -> Callable[[int, int, Any], None] | None:
    """A one-line progress display on stderr, only on a terminal; never personal data."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, _item: Any) -> None:
        end = "\n" if done == total else ""
        click.echo(f"\r{label}: {done}/{total}", err=True, nl=False)
        if end:
            click.echo("", err=True)

    return show


def get_context() -> Context:
    return click.get_current_context().ensure_object(Context)


def _choose_language(_ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        i18n.set_language(value)


def lang_option() -> click.Option:
    """--lang pl|en on the group and on every command (before --help is processed)."""
    return click.Option(["--lang"], type=click.Choice(i18n.LANGUAGES), is_eager=True,
                        expose_value=False, callback=_choose_language, metavar="pl|en",
                        help=i18n.N_("Language of messages: pl (Polish) or en (English); "
                                     "default: $ARCHIVER_LANG, else the locale (LANG), "
                                     "Polish when the locale says nothing."))


HELP_OPTION_HELP = i18n.N_("Show this message and exit.")
USAGE_WORDS = (i18n.N_("[OPTIONS]"), i18n.N_("COMMAND [ARGS]..."))


@contextlib.contextmanager
def _translated_help(owners: list[Any]) -> Iterator[None]:
    """Help texts are msgids (English, defined at import); show them translated."""
    saved = []
    for owner in owners:
        for attribute in ("help", "short_help", "epilog"):
            text = getattr(owner, attribute, None)
            if text:
                saved.append((owner, attribute, text))
                setattr(owner, attribute, i18n.help_text(text))
    try:
        yield
    finally:
        for owner, attribute, text in reversed(saved):
            setattr(owner, attribute, text)


class _Translated:
    """Help and usage of a command or group in the chosen language; --lang on each."""

    params: list[click.Parameter]
    def _add_lang_option(self) -> None:
        self.params.append(lang_option())

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:  # click caches it with its text in the first language
            option.help = _(HELP_OPTION_HELP)
        return option

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        return [_(piece) if piece in USAGE_WORDS else piece for piece in pieces]

    def _help_owners(self, ctx: click.Context) -> list[Any]:
        return [self, *self.params]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated_help(self._help_owners(ctx)):
            super().format_help(ctx, formatter)  # type: ignore[misc]


class ArchiverCommand(_Translated, click.Command):
    """A command whose help is shown in the chosen language; every one takes --lang."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_lang_option()


class ArchiverGroup(_Translated, click.Group):
    """The top command group; turns every ArchiverError into one line and its exit code
    here, so the console script and in-process runners (tests) behave the same."""

    command_class = ArchiverCommand
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_lang_option()

    def main(self, *args: Any, **kwargs: Any) -> Any:
        i18n.set_language(None)  # each run chooses afresh (tests run many in one process)
        return super().main(*args, **kwargs)

    def _help_owners(self, ctx: click.Context) -> list[Any]:
        return [*super()._help_owners(ctx), *self.commands.values()]

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiverError as exc:
            ctx.exit(report(exc))


def echo_error(message: str) -> None:
    click.echo(_("archiver: error: {message}").format(message=message), err=True)


_AUDIT_VERIFY_HINT = i18n.N_(
    "Run `archiver audit verify` to see what is wrong. If it reports only a truncated last "
    "line (a crash during writing), `archiver audit recover` sets that line aside and "
    "records that it did; anything else is evidence of a change: keep the file as it is.")
assert _AUDIT_VERIFY_HINT == AUDIT_VERIFY_HINT


def report(exc: ArchiverError) -> int:
    """The one handler of known errors: one line (and its hint) on stderr; the exit code
    the error's class carries. Used inside commands and around click's own parsing."""
    if exc.hint == AUDIT_VERIFY_HINT:  # errors.py imports nothing, so it is marked here
        exc.hint = _(_AUDIT_VERIFY_HINT)
    echo_error(str(exc))
    return exc.exit_code


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_("%(prog)s, version %(version)s") % {"prog": "archiver",
                                                          "version": __version__})
        ctx.exit()


@click.group(
    "archiver",
    cls=ArchiverGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example: archiver term-end --demo --out archiwum",
)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_show_version, help=i18n.N_("Show the version and exit."))
@config_option
@click.pass_context
def main_group(ctx: click.Context) -> None:
    """Archive a Polish school's electronic class register (dziennik elektroniczny).

    Reads one school year exported from the register, renders class registers,
    attendance summaries and message transcripts as PDF/A, and packs them into
    encrypted, checksummed archive bundles with a handover protocol.
    """
    ctx.ensure_object(Context)


def _interrupted(exc: BaseException | None) -> NoReturn:
    code = exc.exit_code if isinstance(exc, Interrupted) else ExitCode.INTERRUPTED
    made = getattr(exc, "published", None)
    if made:
        echo_error(_("interrupted; these files were made before and stay, recorded in the "
                     "audit log: {files}").format(files=", ".join(str(p) for p in made)))
    else:
        echo_error(_("interrupted; nothing was left under a final name"))
    exit_interrupted(code)


def _tolerate_any_output_encoding() -> None:
    """A terminal or pipe that cannot show a Polish letter (PYTHONIOENCODING=latin-1, an
    ISO 8859-2 console) gets it escaped, never an internal UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `archiver` console script."""
    handle_termination_signals()
    _tolerate_any_output_encoding()
    try:
        # Without standalone mode click returns ctx.exit()'s code instead of raising it.
        code = main_group.main(args=argv, prog_name="archiver", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except click.exceptions.Abort as exc:  # click's wrapping of KeyboardInterrupt
        _interrupted(exc.__cause__)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ArchiverError as exc:  # raised while click parsed the options (--config ...)
        sys.exit(report(exc))
    except KeyboardInterrupt as exc:
        _interrupted(exc)
    except Exception as exc:  # a bug: say so without echoing data that may be personal
        if os.environ.get("ARCHIVER_DEBUG"):
            raise
        echo_error(_("internal error ({kind}); please report it. Run again with "
                     "ARCHIVER_DEBUG=1 for details.").format(kind=type(exc).__name__))
        sys.exit(ExitCode.INVALID)
    sys.exit(ExitCode.OK)


# Commands register themselves on main_group when imported; one line per module.
# (add new command modules below, keep alphabetical)
from archiver.cli import audit  # noqa: E402,F401
from archiver.cli import bench  # noqa: E402,F401
from archiver.cli import demo  # noqa: E402,F401
from archiver.cli import disclose  # noqa: E402,F401
from archiver.cli import lists  # noqa: E402,F401
from archiver.cli import render  # noqa: E402,F401
from archiver.cli import shelf  # noqa: E402,F401
from archiver.cli import sign  # noqa: E402,F401
from archiver.cli import term_end  # noqa: E402,F401
from archiver.cli import timestamps  # noqa: E402,F401
from archiver.cli import validate  # noqa: E402,F401
from archiver.cli import verify  # noqa: E402,F401
