"""`archiver timestamp-renew BUNDLE`: fresh archive timestamps before the old ones expire."""

from __future__ import annotations

from pathlib import Path

import click

from archiver.audit import AuditLog, record
from archiver.cli import (
    default_operator,
    get_context,
    main_group,
)
from archiver.cli.options import run_options
from archiver.cli.passwords import bundle_password
from archiver.cli.sign import password_file_option, trust_option, trust_roots_from_option
from archiver.errors import UsageError
from archiver.i18n import _
from archiver.sign.renewal import renew_bundle
from archiver.sign.timestamping import timestamp_service

_FILE = click.Path(dir_okay=False, path_type=Path)


@main_group.command(
    "timestamp-renew",
    epilog="Example: archiver timestamp-renew archiwum/paczka.zip --timestamp-url "
    "http://tsa.example.pl/tsa",
)
@click.argument("bundle", type=_FILE)
@password_file_option
@click.option("--timestamp-url", metavar="URL",
              help="RFC 3161 time-stamping authority for the new timestamps (else "
              "[signing] timestamp_url); its certificate should outlast the old one's.")
@click.option("--timestamp-credentials-file", type=_FILE, metavar="FILE",
              help="File whose first line is USER:PASSWORD for the time-stamping authority "
              "(else [signing] timestamp_credentials_file).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="Folder for the renewed bundle (default: BUNDLE's).")
@trust_option
@run_options()
def timestamp_renew_command(bundle: Path, password_file: Path | None, slip_file: Path | None,
                            timestamp_url: str | None, timestamp_credentials_file: Path | None,
                            out_dir: Path | None, trust_files: tuple[Path, ...],
                            operator: str | None, state_dir: str | None) -> None:
    """Renew a signed bundle's timestamps into a NEW bundle (the old one is kept).

    Verifies BUNDLE and every signature in it first. Then every PDF gets its
    revocation data updated and a new document timestamp (PAdES-LTA), and the bag's
    seals move with the files they cover into renewals/N/, each with an archive
    timestamp over it; the new bag's tag manifest is sealed with a timestamp. Run it
    before the newest timestamp's certificate expires (`archiver verify` warns a year
    ahead). Written as NAME-odnowiony.zip with its sidecar and recorded in the audit log.
    """
    config = get_context().config
    url = timestamp_url or config.signing.timestamp_url
    if not url:
        raise UsageError(_("timestamp-renew needs a time-stamping authority: give "
                           "--timestamp-url or [signing] timestamp_url"))
    service = timestamp_service(url, timestamp_credentials_file
                                or config.signing.timestamp_credentials_file or None)
    password = bundle_password(password_file, slip_file, bundle)
    log = AuditLog.for_config(config, state_dir)
    with record(log, "timestamp-renew", operator=operator or default_operator(),
                scope={"bundle": bundle.name},
                secrets=[password.reveal()] if password else []) as rec:
        result = renew_bundle(bundle, password, service, out_dir,
                              trust_roots_from_option(trust_files))
        rec.add_output(result.bundle.path, kind="bundle")
    click.echo(_("renewed bundle: {path} (renewal {number}, {count} PDFs timestamped anew)")
               .format(path=result.bundle.path, number=result.number,
                       count=len(result.renewed_pdfs)))
    click.echo(_("sidecar: {path}").format(path=result.bundle.sidecar_path))
    click.echo(_("SHA-256: {digest}").format(digest=result.bundle.sha256))
    click.echo(_("the original bundle {bundle} is kept unchanged").format(bundle=bundle))
