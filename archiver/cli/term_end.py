"""`archiver term-end`: archive a whole school's term or year in one encrypted bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archiver.cli import (
    config_option,
    default_operator,
    get_context,
    jobs_option,
    main_group,
    operator_option,
    progress_printer,
    state_dir_option,
)
from archiver.cli.sign import sign_with_options, signer_from_options
from archiver.jobs.term_end import TermEndRequest, TermEndResult, run_term_end


def _summary(result: TermEndResult, show_password: bool) -> list[str]:
    pack = result.pack
    lines = [
        f"Documents: {len(pack.documents)}, pages: {pack.total_pages}, "
        f"time: {result.seconds:.1f} s",
        f"Bundle:    {pack.bundle.path}  ({pack.bundle.size:,} bytes, verified)",
        f"Checksum:  {pack.bundle.sidecar_path}",
        f"SHA-256:   {pack.bundle.sha256}",
        f"Protocol:  {pack.protocol_path}  (print, sign, keep with the medium)",
    ]
    lines += [f"Copy:      {copy}  (verified)" for copy in result.copies]
    if result.slip_path:
        lines.append(f"Password slip: {result.slip_path}  (print it, delete the file, "
                     "keep the paper apart from the medium)")
    if show_password and result.generated_password is not None:
        # Shown once, on a terminal only: never into a redirected output or a log file.
        lines.append(f"Password (shown once): {result.generated_password.reveal()}")
    return lines


@main_group.command(
    "term-end",
    epilog="\b\nExample: archiver term-end eksport.zip --term 1 --out /media/archiwum \\\n"
    "           --slip-out ~/haslo-sem1.txt --copy-to /media/kopia",
)
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--demo", is_flag=True,
              help="Archive the built-in demo school (synthetic data) instead of SOURCE.")
@click.option("--demo-size", type=click.Choice(["small", "school", "large"]), default="small",
              show_default=True, help="Size of the demo school used with --demo.")
@click.option("--term", default="year", show_default=True, metavar="N|year",
              help="Which period to archive: a term number (1, 2) or the whole school year.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the bundle, its .sha256 sidecar and the handover protocol.")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
              help="File whose first line is the bundle password (or set ARCHIVER_PASSWORD). "
              "Without either, a strong password is generated for the slip.")
@click.option("--slip-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the printable password slip of a generated password; "
              "must not be the bundle's folder.")
@click.option("--copy-to", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Also copy the bundle and sidecar here and verify the copy (repeatable).")
@sign_with_options
@operator_option
@jobs_option
@state_dir_option
@config_option
def term_end_command(source: Path | None, demo: bool, demo_size: str, term: str,
                     out_dir: Path, password_file: Path | None, slip_out: Path | None,
                     copy_to: tuple[Path, ...], sign_with: Path | None,
                     sign_password_file: Path | None, operator: str | None, jobs: int | None,
                     state_dir: str | None) -> None:
    """Archive one school's term or year: every class's register and attendance summary
    and the message transcripts, as PDF/A in one AES-256 encrypted BagIt bundle.

    The bundle is verified before it gets its final name; a protocol of handover
    (protokół przekazania) is written beside it, and a generated password goes only to
    the slip. Every run is recorded in the audit log.
    """
    if demo == (source is not None):
        raise click.UsageError("give either SOURCE or --demo")
    request = TermEndRequest(
        source=source, term=term, out_dir=out_dir, operator=operator or default_operator(),
        password_file=password_file, slip_out=slip_out, copy_to=copy_to,
        demo_size=demo_size if demo else None, jobs=jobs,
        state_dir=Path(state_dir) if state_dir else None,
        signer=signer_from_options(sign_with, sign_password_file),
    )
    result = run_term_end(request, get_context().config,
                          progress=progress_printer("Rendering documents"))
    for line in _summary(result, sys.stdout.isatty()):
        click.echo(line)
