"""`archiver disclose`: one student's data for an authorized institution."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from archiver.cli import (
    default_operator,
    get_context,
    main_group,
)
from archiver.cli.options import delivery_options, run_options
from archiver.cli.output import DATE, check_out_folder, seconds, size
from archiver.cli.progress import Reporter
from archiver.cli.sign import signer_from_options
from archiver.files import same_medium
from archiver.i18n import _
from archiver.jobs.disclose import DiscloseRequest, run_disclose
from archiver.views import STUDENT_KINDS


@main_group.command(
    "disclose",
    epilog="\b\nExample: archiver disclose eksport.zip --student S0042 \\\n"
    "           --recipient 'Sąd Rejonowy w Bielsku-Białej, III Wydział Rodzinny' \\\n"
    "           --legal-basis 'art. 15 ust. 1 ustawy ...' --case-ref 'III Nsm 123/26' \\\n"
    "           --approved-by T01 --from 2026-02-16 --to 2026-06-26 --out udostepnienia \\\n"
    "           --slip-out ~/haslo-udostepnienie.txt",
)
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--student", "student_id", required=True, metavar="NAME|ID",
              help="The pupil whose data is disclosed: student_id, or the name "
              "(e.g. 'Karkocha Juliusz'; see `archiver list SOURCE students`).")
@click.option("--recipient", required=True, metavar="TEXT",
              help="The institution receiving the data, as addressed on the cover letter.")
@click.option("--legal-basis", required=True, metavar="TEXT",
              help="The legal provision that entitles the recipient to the data.")
@click.option("--case-ref", required=True, metavar="TEXT",
              help="The recipient's case reference (sygnatura sprawy).")
@click.option("--ref", "school_ref", default="", metavar="TEXT",
              help="The school's own reference number of the letter (nasz znak), printed on "
              "the cover letter.")
@click.option("--approved-by", default="", metavar="NAME|ID",
              help="The director who approved the disclosure: staff_id or name; default: "
              "the export's director when there is exactly one.")
@click.option("--from", "date_from", type=DATE, metavar="DATE",
              help="First day of the period (2026-01-12 or 12.01.2026; default: start of "
              "the school year).")
@click.option("--to", "date_to", type=DATE, metavar="DATE",
              help="Last day of the period (2026-01-12 or 12.01.2026; default: end of "
              "the school year).")
@click.option("--document", "documents", multiple=True, type=click.Choice(STUDENT_KINDS),
              help="Which documents to include (repeatable; default: all three).")
@delivery_options(
    out_help="Folder for the bundle, its sidecar, the protocol and the letter copy.",
    slip_help="Where to write the printable password slip; not the bundle's folder.",
    slip_type=click.Path(dir_okay=False, path_type=Path))
@run_options(sign=True, jobs=True, quiet=True)
def disclose_command(source: Path, student_id: str, recipient: str, legal_basis: str,
                     case_ref: str, school_ref: str, approved_by: str, date_from: date | None,
                     date_to: date | None, documents: tuple[str, ...], out_dir: Path,
                     create_out: bool, password_file: Path | None, slip_out: Path | None,
                     sign_with: Path | None, sign_password_file: Path | None,
                     operator: str | None, jobs: int | None, quiet: bool,
                     state_dir: str | None) -> None:
    """Disclose one student's data to an authorized institution (court, police, education
    authority, social services): only that student's data, encrypted, with a cover letter.

    The approver must have the director role in the export. Other pupils never appear:
    in class and school-wide messages other recipients are given only as a count. The
    disclosure is recorded in the audit log (see `archiver audit disclosures`).
    """
    check_out_folder(out_dir, create_out)
    request = DiscloseRequest(
        source=source, student_id=student_id, recipient=recipient, legal_basis=legal_basis,
        case_ref=case_ref, approved_by=approved_by, out_dir=out_dir, school_ref=school_ref,
        operator=operator or default_operator(), date_from=date_from, date_to=date_to,
        documents=documents, password_file=password_file, slip_out=slip_out, jobs=jobs,
        state_dir=Path(state_dir) if state_dir else None,
        signer=signer_from_options(sign_with, sign_password_file),
    )
    with Reporter(quiet) as report:
        report.step(_("reading and checking the export"))
        result = run_disclose(request, get_context().config, progress=report.document)
        report.done()
    pack = result.pack
    click.echo(_("Documents: {count}, pages: {pages}, time: {time}").format(
        count=len(pack.documents), pages=pack.total_pages, time=seconds(result.seconds)))
    click.echo(_("Bundle:       {path}  ({size}, verified)").format(
        path=pack.bundle.path, size=size(pack.bundle.size)))
    click.echo(_("SHA-256:      {digest}").format(digest=pack.bundle.sha256))
    click.echo(_("Cover letter: {path}  (for the recipient, outside the bundle)").format(
        path=result.letter_path))
    click.echo(_("Protocol:     {path}").format(path=pack.protocol_path))
    if result.slip_path:
        click.echo(_("Password slip: {path}  (hand it over separately, never with the medium "
                     "or by phone)").format(path=result.slip_path))
        if same_medium(pack.bundle.path.parent, [Path(result.slip_path).parent]):
            click.echo(_("archiver: warning: the password slip {path} is on the same disk as "
                         "the bundle: print it and delete the file").format(
                             path=result.slip_path))
