"""`archiver verify BUNDLE`: check a bundle's sidecar, ZIP structure and, with the
password, every entry, manifest and tag manifest; print the verdict."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import click

from archiver.audit import AuditLog, record
from archiver.bundle import format_report, verify_bundle
from archiver.cli import (
    default_operator,
    get_context,
    main_group,
)
from archiver.cli.options import run_options
from archiver.cli.passwords import bundle_password, bundle_password_options
from archiver.cli.sign import trust_option, trust_roots_from_option
from archiver.errors import UsageError, VerificationError
from archiver.i18n import N_, _, ngettext
from archiver.sign.bundles import check_bundle_signatures


@main_group.command(
    "verify",
    epilog="Example: archiver verify archiwum/paczka.zip --password-file haslo.txt",
)
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@bundle_password_options(N_(
    "File whose first line is the bundle's password (else $ARCHIVER_PASSWORD). Without a "
    "password only the sidecar and the ZIP structure are checked."))
@click.option("--json", "as_json", is_flag=True,
              help="Print the report as JSON on standard output instead of text.")
@trust_option
@click.option("--at", "at_text", metavar="DATE",
              help="Judge the signatures as of DATE (2031-06-30 or an ISO date-time with "
              "its zone) instead of now, as an archive does years later: a signature "
              "then holds only if timestamps and the validation data kept with it prove "
              "it. Needs --trust.")
@run_options()
def verify_command(bundle: Path, password_file: Path | None, slip_file: Path | None,
                   as_json: bool,
                   trust_files: tuple[Path, ...], at_text: str | None, operator: str | None,
                   state_dir: str | None) -> None:
    """Check that an archive bundle is complete and unchanged.

    Checks BUNDLE's sidecar (BUNDLE.sha256) and its ZIP structure; with the
    password it decrypts every entry in memory (nothing is written to disk) and
    checks the manifests, the tag manifest, Payload-Oxum and bagit.txt. Every
    problem is listed with its entry and cause. Exit status: 0 when every check
    that could run holds (the output says what could not be checked without a
    password), 3 when something does not verify, 1 when BUNDLE cannot be read.
    """
    at = parse_moment(at_text) if at_text else None
    if at is not None and not trust_files:
        raise UsageError(_("--at judges the signatures' trust, so it needs --trust ROOT.pem"))
    password = bundle_password(password_file, slip_file, bundle, optional=True)
    roots = trust_roots_from_option(trust_files)
    log = AuditLog.for_config(get_context().config, state_dir)
    with record(log, "verify", operator=operator or default_operator(),
                scope={"bundle": bundle.name}, secrets=[password.reveal()] if password else []
                ) as rec:
        _verify(bundle, password, roots, as_json, rec, at)


def parse_moment(text: str) -> datetime:
    """--at: a date (midnight UTC) or an ISO 8601 date-time with its zone."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise UsageError(_("--at {text}: expected a date such as 2031-06-30 or a date-time "
                           "with its zone such as 2031-06-30T12:00:00+02:00").format(text=text))
    return moment


def _verify(bundle: Path, password, roots, as_json: bool, rec, at: datetime | None) -> None:
    report = verify_bundle(bundle, password)
    signatures = check_bundle_signatures(bundle, password, report, roots, at)
    if report.sha256:
        rec.add_digest(bundle.name, report.sha256, report.size, kind="verified")
    if as_json:
        click.echo(json.dumps({**report.to_dict(), "signatures": signatures.to_dict()},
                              ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(format_report(report) + signatures.lines()))
    if not report.ok:
        # Raised, not ctx.exit(): main() maps it to ExitCode.VERIFY_FAILED (3).
        more = len(report.problems) - 1
        message = _("{bundle} does not verify: {problem}").format(
            bundle=bundle.name, problem=report.problems[0])
        if more:
            message += " " + ngettext("(and {count} more problem)", "(and {count} more problems)",
                                      more).format(count=more)
        raise VerificationError(message, problems=[str(p) for p in report.problems])
    signatures.raise_if_failed(bundle.name)
