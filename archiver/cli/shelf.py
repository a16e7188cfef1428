"""`archiver shelf ...`: the archive shelf: scan the media, report, repair, destroy."""

from __future__ import annotations

from pathlib import Path

import click

from archiver.cli import (
    default_operator,
    get_context,
    main_group,
)
from archiver.cli.options import run_options
from archiver.errors import VerificationError
from archiver.i18n import N_, _
from archiver.passwords import ENV_VAR, read_password
from archiver.shelf import ScanRequest, ScanResult, scan_shelf
from archiver.shelf.destruction import destroy_listed, make_destruction_list
from archiver.shelf.index import DAMAGED, MISSING, OK
from archiver.shelf.repair import repair_copy
from archiver.shelf.report import make_report

OUTCOMES = {OK: N_("ok"), DAMAGED: N_("damaged"), MISSING: N_("missing")}


@main_group.group(
    "shelf",
    epilog="Example: archiver shelf scan /media/kopia1 /media/kopia2",
)
def shelf_group() -> None:
    """The archive shelf: every copy of every bundle on every medium.

    `scan` finds the bundles on folders and media (by their sidecar and bag, not by
    their names) and checks each copy; the results go to the shelf index in the state
    directory (no personal data) and to the audit log. `report` prints what the
    archive's binder needs: copies per bundle and where, damaged and missing copies,
    renewals and retention ends due. `repair` replaces a bad copy from a good one;
    `destruction-list` and `destroy` end the life of bundles whose retention ended,
    with the state archive's consent.
    """


@shelf_group.command(
    "scan",
    epilog="Example: archiver shelf scan /media/kopia1 /media/kopia2 --deep --slips "
           "/sejf/hasla",
)
@click.argument("media", nargs=-1, required=True,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--deep", is_flag=True,
              help="Also decrypt every entry in memory and check both manifests (needs "
              "the passwords); reads category and retention end from bag-info.txt.")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE",
              help=f"With --deep: file whose first line is the password of the bundles "
              f"(else ${ENV_VAR}).")
@click.option("--slips", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="With --deep: folder of password slips (BUNDLE-haslo.txt); each bundle "
              "is opened with the password on its own slip.")
@run_options()
def scan_command(media: tuple[Path, ...], deep: bool, password_file: Path | None,
                 slips: Path | None, operator: str | None, state_dir: str | None) -> None:
    """Find and check every bundle on the MEDIA folders (several at once).

    Without --deep a scan reads only sidecars, ZIP directories and the files' SHA-256
    (streamed at disk speed; no password needed). A copy indexed earlier under a
    scanned folder and not found any more is reported missing. Exit status 0 when
    every copy found is good, 3 when a copy is damaged or missing.
    """
    request = ScanRequest(list(media), operator or default_operator(), deep,
                          password_file, slips, Path(state_dir) if state_dir else None)
    result = scan_shelf(request, get_context().config)
    for line in scan_lines(result):
        click.echo(line)
    bad = sum(1 for _, copy in result.checked if copy.outcome in (DAMAGED, MISSING))
    if bad:
        raise VerificationError(_("{bad} of {total} copies are damaged or missing; see "
                                  "above").format(bad=bad, total=len(result.checked)))


def scan_lines(result: ScanResult) -> list[str]:
    """The scan's outcome, one line per copy that is not good and one per bundle."""
    lines = []
    for bundle in result.bundles():
        good = len(bundle.good_copies())
        flag = "" if good >= 2 else "  " + _("FEWER THAN TWO GOOD COPIES")
        lines.append(_("{bundle}: {good} good of {copies} copies").format(
            bundle=bundle.bundle_id, good=good, copies=len(bundle.copies)) + flag)
        for copy in bundle.sorted_copies():
            if copy.checked_at != result.index.updated_at:
                continue
            note = " " + _("(renamed)") if copy.renamed else ""
            lines.append(f"  {_(OUTCOMES[copy.outcome]):8} {copy.path}{note}")
            lines += [f"           - {problem}" for problem in copy.problems[:5]]
    for bundle_id in sorted(set(result.no_password)):
        lines.append(_("no password for {bundle}: checked without decryption").format(
            bundle=bundle_id))
    for folder in result.unreadable:
        lines.append(_("could not read the folder {folder}").format(folder=folder))
    copies = len(result.checked)
    good = sum(1 for _, c in result.checked if c.good)
    lines.append(_("Scanned bundles: {bundles}, copies: {copies}, good: {good}. Index: "
                   "{index}").format(bundles=len(result.bundles()), copies=copies, good=good,
                                     index=result.index_path))
    return lines


@shelf_group.command(
    "report",
    epilog="Example: archiver shelf report --out raport_archiwum.pdf",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the report to FILE: .pdf (Polish PDF/A for the archive's "
              "binder) or .csv (for a spreadsheet). Without it, print a summary.")
@run_options()
def report_command(out: Path | None, operator: str | None, state_dir: str | None) -> None:
    """Report the shelf: per bundle, its good copies and where they are.

    Taken from the shelf index (run `shelf scan` first): per bundle (school, year,
    term) the copies that verified at their last check and where, the last check's
    date and outcome, fewer than two good copies, changed copies and the bytes in
    which they differ, timestamps due for renewal and retention ends passed or due
    within a year (judged on the day of the report).
    """
    result = make_report(get_context().config, operator=operator or default_operator(),
                         out=out, state_dir=Path(state_dir) if state_dir else None)
    for row in result.report.rows:
        click.echo(_("{bundle}: {good}/{copies} good, retention until {until}, renewal: "
                     "{renewal}").format(bundle=row.bundle_id, good=row.good,
                                         copies=len(row.copies), until=row.retention_until,
                                         renewal=row.renewal))
        for flag in row.flags:
            click.echo(f"  ! {flag}")
    if result.path:
        click.echo(_("Report: {path}").format(path=result.path))


@shelf_group.command(
    "repair",
    epilog="Example: archiver shelf repair SP3_2025-2026_sem1_20260627T153000Z "
           "--from /media/kopia1/SP3_2025-2026_sem1_20260627T153000Z.zip --to /media/kopia2",
)
@click.argument("bundle_id")
@click.option("--from", "source", required=True,
              type=click.Path(dir_okay=False, path_type=Path), metavar="GOOD_COPY",
              help="A good copy of the bundle (checked again before it is copied).")
@click.option("--to", "medium", required=True,
              type=click.Path(file_okay=False, path_type=Path), metavar="MEDIUM",
              help="The medium (folder) whose damaged or missing copy is replaced, or "
              "which gets a new copy.")
@click.option("--password-file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE",
              help=f"Also decrypt and check both copies fully with the password in FILE "
              f"(else ${ENV_VAR}; without it the copies are checked by SHA-256 and "
              "structure).")
@run_options()
def repair_command(bundle_id: str, source: Path, medium: Path, password_file: Path | None,
                   operator: str | None, state_dir: str | None) -> None:
    """Replace a damaged or missing copy of BUNDLE_ID by a verified one.

    The good copy is checked first; the new copy is written on MEDIUM under a
    temporary name, synced, read back and checked, and only then takes its name,
    replacing the damaged copy in one step (until then the damaged copy is left as
    it was). Recorded in the audit log and the shelf index.
    """
    result = repair_copy(get_context().config, bundle_id, source, medium,
                         operator=operator or default_operator(),
                         password=read_password(password_file),
                         state_dir=Path(state_dir) if state_dir else None)
    click.echo(_("New copy: {path}").format(path=result.new_copy))
    if result.replaced:
        click.echo(_("It replaced the copy {path} ({outcome}).").format(
            path=result.replaced.path, outcome=_(OUTCOMES[result.replaced.outcome])))
    click.echo(_("{bundle}: {good} good copies").format(bundle=bundle_id,
                                                         good=result.good_copies))


@shelf_group.command(
    "destruction-list",
    epilog="Example: archiver shelf destruction-list --until 2032-01-01 --out spis_brakowania.pdf",
)
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]), default=None,
              metavar="DATE",
              help="List the bundles whose retention ended before DATE (YYYY-MM-DD or "
              "DD.MM.YYYY; default: today). A day after today is refused.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.pdf",
              required=True, help="Where to write the list (PDF/A), for the state archive.")
@run_options()
def destruction_list_command(until, out: Path, operator: str | None,
                             state_dir: str | None) -> None:
    """Make the destruction list of bundles whose retention has ended.

    The list (spis dokumentacji niearchiwalnej przeznaczonej do brakowania) names
    each bundle with its category, years, size and identifier, the totals, and the
    fields for the state archive's consent. Bundles of category A are never listed,
    nor bundles whose category or retention end is unknown (never checked with
    `shelf scan --deep`). The list is kept in the shelf index under its number, for
    `shelf destroy`, and recorded in the audit log.
    """
    result = make_destruction_list(
        get_context().config, until=until.date() if until else None, out=out,
        operator=operator or default_operator(),
        state_dir=Path(state_dir) if state_dir else None)
    click.echo(_("Destruction list {number}: {path}").format(number=result.number,
                                                            path=result.path))
    for bundle_id in result.bundles:
        click.echo(f"  {bundle_id}")
    if not result.bundles:
        click.echo(_("No bundle's retention has ended."))
    for bundle_id in result.unknown:
        click.echo(_("not judged (category or retention end unknown; scan it with --deep): "
                     "{bundle}").format(bundle=bundle_id))


@shelf_group.command(
    "destroy",
    epilog="Example: archiver shelf destroy /media/kopia1 /media/kopia2 --list 1/2032 "
           "--consent 'AP-Lipowo.4231.12.2032' --out protokol_zniszczenia.pdf",
)
@click.argument("media", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--consent", metavar="REF", default=None,
              help="The reference of the state archive's consent to the list (its letter's "
              "number). Without it nothing is destroyed.")
@click.option("--list", "number", metavar="NUMBER", default=None,
              help="The number of the destruction list (default: the latest one).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.pdf",
              required=True, help="Where to write the destruction protocol (PDF/A).")
@run_options()
def destroy_command(media: tuple[Path, ...], consent: str | None, number: str | None,
                    out: Path, operator: str | None, state_dir: str | None) -> None:
    """Destroy the bundles of a destruction list on the MEDIA folders.

    Only with the state archive's consent (--consent REF). Removes from MEDIA every
    copy (and its sidecar) of a bundle on the list, recognised by its bag whatever
    its file name, and nothing else; refuses a bundle of category A or one whose
    retention has not ended. Writes the destruction protocol and records every
    removed file in the audit log; copies left on media not named are listed.
    """
    result = destroy_listed(get_context().config, media=list(media), consent=consent,
                            out=out, operator=operator or default_operator(), number=number,
                            state_dir=Path(state_dir) if state_dir else None)
    for path in result.removed:
        click.echo(_("removed {path}").format(path=path))
    for path in result.kept:
        click.echo(_("still on a medium not named: {path}").format(path=path))
    click.echo(_("Destruction protocol: {path}").format(path=result.protocol))
