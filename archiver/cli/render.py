"""`archiver render SOURCE --out DIR`: PDF printouts of registers, attendance, messages."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from archiver.cli import (
    default_operator,
    get_context,
    main_group,
)
from archiver.cli.options import run_options
from archiver.cli.output import DATE, seconds
from archiver.cli.progress import Reporter
from archiver.i18n import N_, _, ngettext
from archiver.jobs.render import RenderRequest, run_render
from archiver.views import KINDS

PERSONAL_DATA_WARNING = N_(
    "archiver: warning: the PDFs hold personal data of students and their families. "
    "Store them securely (encrypted, access-controlled), hand them over only to those "
    "entitled, and destroy copies you no longer need."
)


@main_group.command(
    "render",
    epilog="Example: archiver render eksport.zip --out wydruki --document register "
    "--class 7a --from 2025-09-01 --to 2025-09-30 --operator 'J. Kowalska'",
)
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the PDFs (created if missing). Existing files are never "
              "replaced unless --force is given.")
@click.option("--document", "kinds", multiple=True, type=click.Choice(KINDS),
              help="Which documents (repeatable): register (dziennik lekcyjny), attendance "
              "(zestawienie frekwencji), messages (wiadomości), school-attendance (zestawienie "
              "frekwencji szkoły, only for the whole school). Default: all of them.")
@click.option("--class", "class_names", multiple=True, metavar="NAME",
              help="Class as printed, e.g. 7a (repeatable). Default: every class, plus the "
              "school-wide message transcript.")
@click.option("--student", "student_id", metavar="NAME|ID",
              help="Only this student (student_id, or the name: 'Karkocha Juliusz'): their "
              "register extract and "
              "attendance in each class they were in, and their correspondence; no other "
              "student's data appears.")
@click.option("--from", "date_from", type=DATE, metavar="DATE",
              help="First day of the period (default: the start of the school year).")
@click.option("--to", "date_to", type=DATE, metavar="DATE",
              help="Last day of the period (default: the end of the school year).")
@click.option("--term", type=click.IntRange(min=1), metavar="N",
              help="The period is term N (from its start to the day before the next term); "
              "not with --from/--to.")
@click.option("--force", is_flag=True, help="Replace files of the same name in --out.")
@run_options(jobs=True, quiet=True)
def render_command(source: Path, out_dir: Path, kinds: tuple[str, ...],
                   class_names: tuple[str, ...], student_id: str | None, date_from, date_to,
                   term: int | None, force: bool, operator: str | None, jobs: int | None,
                   quiet: bool,
                   state_dir: str | None) -> None:
    """Render official printouts as PDF/A: class registers, attendance summaries and
    message transcripts, for chosen classes, one student and a period.

    SOURCE is a register export (folder, .zip, .xlsx or SQLite). File names hold only the
    class, the kind, the period and a student's id, never a name. Each PDF carries the
    export rows it was made from as embedded files. The run is recorded in the audit log.
    """
    request = RenderRequest(
        source=source, out_dir=out_dir, operator=operator or default_operator(),
        kinds=kinds, class_names=class_names, student_id=student_id,
        date_from=_day(date_from), date_to=_day(date_to), term=term, force=force, jobs=jobs,
        state_dir=Path(state_dir) if state_dir else None,
    )
    click.echo(_(PERSONAL_DATA_WARNING), err=True)
    with Reporter(quiet) as report:
        report.step(_("reading and checking the export"))
        result = run_render(request, get_context().config, progress=report.document)
        report.done()
    for document in result.documents:
        click.echo(ngettext("{path}  ({count} page)", "{path}  ({count} pages)",
                            document.pages).format(path=document.path, count=document.pages))
    click.echo(_("Documents: {count}, pages: {pages}, time: {time}").format(
        count=len(result.documents), pages=result.pages, time=seconds(result.seconds)))


def _day(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value
