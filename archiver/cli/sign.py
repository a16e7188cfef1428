"""`archiver sign-request` and `archiver sign-attach`: the director's external signature.

Also the options other commands share for signatures: `--sign-with` and
`--sign-password-file` (term-end, disclose) and `--trust` (verify, sign-attach).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from archiver.cli import config_option, get_context, main_group
from archiver.cli.passwords import bundle_password, bundle_password_options
from archiver.errors import UsageError
from archiver.i18n import _
from archiver.sign import Signer, load_signer, load_trust_roots
from archiver.sign.bundles import sign_attach, write_sign_request
from archiver.sign.keys import SIGN_PASSWORD_ENV, read_sign_password
from archiver.sign.timestamping import timestamp_service
from archiver.sign.verdict import format_verdicts

_FILE = click.Path(dir_okay=False, path_type=Path)


def password_file_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--password-file FILE and --slip FILE (else $ARCHIVER_PASSWORD, else a prompt)."""
    return bundle_password_options()(func)


_TIMESTAMP_META = "archiver.timestamp"


def _remember(ctx: click.Context, param: click.Parameter, value: object) -> object:
    ctx.meta.setdefault(_TIMESTAMP_META, {})[param.name] = value
    return value


def sign_with_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--sign-with FILE.p12, --sign-password-file FILE and the timestamp options, for
    commands that sign (the timestamp options reach signer_from_options by the context)."""
    func = click.option(
        "--timestamp-credentials-file", type=_FILE, metavar="FILE", expose_value=False,
        callback=_remember,
        help="File whose first line is USER:PASSWORD for the time-stamping authority "
        "(else [signing] timestamp_credentials_file).",
    )(func)
    func = click.option(
        "--timestamp-url", metavar="URL", expose_value=False, callback=_remember,
        help="RFC 3161 time-stamping authority for --sign-with (else [signing] "
        "timestamp_url): every PDF gets PAdES B-LTA (timestamp, chain and revocation "
        "data, document timestamp) and the bag's seal CAdES-T with its chain and "
        "revocation data, so the signatures stay verifiable after the certificate expires.",
    )(func)
    func = click.option(
        "--sign-password-file", type=_FILE, metavar="FILE",
        help=f"File whose first line is the PKCS#12 password (else ${SIGN_PASSWORD_ENV}).",
    )(func)
    return click.option(
        "--sign-with", type=_FILE, metavar="FILE.p12",
        help="Sign every PDF (PAdES) and the bag's tag manifest (CAdES .p7s) with the key "
        "and certificate in this PKCS#12 file (.p12/.pfx), e.g. a qualified seal.",
    )(func)


def signer_from_options(sign_with: Path | None, sign_password_file: Path | None
                        ) -> Signer | None:
    """The Signer for --sign-with (with its time-stamping authority from --timestamp-url
    or [signing]), or None when not signing."""
    given = click.get_current_context().meta.get(_TIMESTAMP_META, {})
    settings = get_context().config.signing
    url = given.get("timestamp_url") or settings.timestamp_url
    credentials = (given.get("timestamp_credentials_file")
                   or settings.timestamp_credentials_file or None)
    if sign_with is None:
        if given.get("timestamp_url") or given.get("timestamp_credentials_file"):
            raise UsageError(_("--timestamp-url timestamps the signatures of --sign-with; "
                               "give --sign-with too"))
        return None
    service = timestamp_service(url, credentials)
    signer = load_signer(sign_with, read_sign_password(sign_password_file))
    return replace(signer, timestamps=service)


def trust_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--trust CERT.pem (repeatable): roots the signers' certificates must chain to."""
    return click.option(
        "--trust", "trust_files", type=_FILE, multiple=True, metavar="CERT.pem",
        help="Root CA certificate (PEM or DER) that signers' certificates and "
        "timestamps must chain to, checked now (or at --at); a signing time counts only "
        "when a timestamp proves it. Repeat for several. Without it signatures are "
        "checked for integrity only and trust is reported as not checked.",
    )(func)


def trust_roots_from_option(trust_files: tuple[Path, ...]) -> list | None:
    """The roots for --trust, or None (trust not checked) when none was given."""
    return load_trust_roots(trust_files) if trust_files else None


@main_group.command(
    "sign-request",
    epilog="Example: archiver sign-request paczka.zip --out manifest.txt",
)
@click.argument("bundle", type=_FILE)
@click.option("--out", "out_file", type=_FILE, required=True, metavar="FILE",
              help="Where to write the file to sign (a new file; never overwritten).")
@password_file_option
@config_option
def sign_request_command(bundle: Path, out_file: Path, password_file: Path | None,
                         slip_file: Path | None) -> None:
    """Write what the director signs: the bag's tagmanifest-sha256.txt.

    Verifies BUNDLE in full first, then writes its tag manifest (the SHA-256 of
    bag-info.txt and of both manifests, which hold the SHA-256 of every document in
    the bundle) to FILE, byte for byte. Sign FILE in your signing
    application as a detached signature (XAdES or CAdES .p7s; qualified signature,
    seal or podpis osobisty) and attach it with `archiver sign-attach`.
    """
    manifest = write_sign_request(bundle, bundle_password(password_file, slip_file, bundle),
                                  out_file)
    click.echo(_("wrote {out_file}: tagmanifest-sha256.txt of {name} ({manifest:,} "
                 "bytes, SHA-256 {hexdigest})").format(
                   out_file=out_file, name=bundle.name, manifest=len(manifest),
                   hexdigest=hashlib.sha256(manifest).hexdigest()))
    click.echo(_("next: sign {name} as a detached signature (XAdES or .p7s), then run: "
                 "archiver sign-attach {bundle} SIGNATURE").format(
                   name=out_file.name, bundle=bundle))


@main_group.command(
    "sign-attach",
    epilog="Example: archiver sign-attach paczka.zip podpis.xades --trust root.pem",
)
@click.argument("bundle", type=_FILE)
@click.argument("signature", type=_FILE)
@password_file_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="Folder for the new signed bundle (default: BUNDLE's).")
@trust_option
@config_option
def sign_attach_command(bundle: Path, signature: Path, password_file: Path | None,
                        slip_file: Path | None, out_dir: Path | None,
                        trust_files: tuple[Path, ...]) -> None:
    """Add a detached signature of the tag manifest to a NEW copy of the bundle.

    SIGNATURE is the .p7s (CAdES) or .xades/.xml (XAdES) made over the file from
    `archiver sign-request`. It is checked against BUNDLE's tag manifest first and
    refused if it does not match. The bag is then re-packed, every file kept byte
    for byte and the signature beside the tag manifest it signs, into
    NAME-podpisany.zip beside its own sidecar; the new bundle is verified. BUNDLE
    itself is kept unchanged.
    """
    result = sign_attach(bundle, signature, bundle_password(password_file, slip_file, bundle),
                         out_dir,
                         trust_roots=trust_roots_from_option(trust_files))
    # Audit hook: the lead records `result` (new bundle, signer) in the audit log here.
    click.echo("\n".join(format_verdicts(list(result.verdicts))))
    click.echo(_("signed bundle: {path} (attached as {signature_name})").format(
                   path=result.path, signature_name=result.signature_name))
    click.echo(_("sidecar: {sidecar_path}").format(
                   sidecar_path=result.bundle.sidecar_path))
    click.echo(f"SHA-256: {result.bundle.sha256}")
    click.echo(_("the original bundle {bundle} is kept unchanged").format(bundle=bundle))
