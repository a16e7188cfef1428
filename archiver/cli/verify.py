"""`archiver verify BUNDLE`: check a bundle's sidecar, ZIP structure and, with the
password, every entry, manifest and tag manifest; print the verdict."""

from __future__ import annotations

import json
from pathlib import Path

import click

from archiver.bundle import format_report, verify_bundle
from archiver.cli import config_option, main_group
from archiver.errors import VerificationError
from archiver.passwords import ENV_VAR, read_password


@main_group.command(
    "verify",
    epilog="Example: archiver verify archiwum/paczka.zip --password-file haslo.txt",
)
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE",
              help=f"File whose first line is the bundle's password (else ${ENV_VAR}). "
              "Without a password only the sidecar and the ZIP structure are checked.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the report as JSON on standard output instead of text.")
@config_option
def verify_command(bundle: Path, password_file: Path | None, as_json: bool) -> None:
    """Check that an archive bundle is complete and unchanged.

    Checks BUNDLE's sidecar (BUNDLE.sha256) and its ZIP structure; with the
    password it decrypts every entry in memory (nothing is written to disk) and
    checks the manifests, the tag manifest, Payload-Oxum and bagit.txt. Every
    problem is listed with its entry and cause. Exit status: 0 when every check
    that could run holds (the output says what could not be checked without a
    password), 3 when something does not verify, 1 when BUNDLE cannot be read.
    """
    password = read_password(password_file)
    report = verify_bundle(bundle, password)
    # Audit hook: the audit log records `report` here (one library call, added later).
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(format_report(report)))
    if not report.ok:
        # Raised, not ctx.exit(): main() maps it to ExitCode.VERIFY_FAILED (3).
        more = len(report.problems) - 1
        raise VerificationError(
            f"{bundle.name} does not verify: {report.problems[0]}"
            + (f" (and {more} more)" if more else ""),
            problems=[str(p) for p in report.problems])
