"""`archiver audit ...`: verify, show, recover the audit log; the register of disclosures."""

from __future__ import annotations

import json
from datetime import datetime

import click

from archiver.audit import BROKEN_HINT, AuditLog, AuditLogDamaged
from archiver.audit.listing import format_table, parse_since, select, table_rows
from archiver.audit.verify import MIN_HEAD_PREFIX
from archiver.cli import (
    config_option,
    default_operator,
    get_context,
    main_group,
    state_dir_option,
)
from archiver.cli.options import run_options
from archiver.i18n import _
from archiver.jobs.disclosures_register import write_register


def _log(state_dir: str | None) -> AuditLog:
    return AuditLog.for_config(get_context().config, state_dir)


@main_group.group(
    "audit",
    epilog="Example: archiver audit verify --state-dir /var/lib/archiver",
)
def audit_group() -> None:
    """The tamper-evident audit log of every printout, archive and disclosure.

    Every render, term-end, disclose and bundle verify appends one hash-chained entry
    (who, when, what, for whom, which files with their SHA-256, result) to audit.jsonl
    in the state directory. These commands check it, list it and print the register of
    disclosures (rejestr udostępnień danych) from it.
    """


def _check_head(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        value = value.strip().lower()
        if len(value) < MIN_HEAD_PREFIX or any(c not in "0123456789abcdef" for c in value):
            raise click.BadParameter(_("expected at least {MIN_HEAD_PREFIX} hex digits").format(
                                         MIN_HEAD_PREFIX=MIN_HEAD_PREFIX))
    return value


@audit_group.command(
    "verify",
    epilog="Example: archiver audit verify --expect-head 3f2a9c0d41b7e5a8",
)
@state_dir_option
@click.option(
    "--expect-head",
    metavar="HASH",
    default=None,
    callback=_check_head,
    help="An entry hash noted earlier (e.g. on a handover protocol), at least 16 hex digits: "
    "fail unless that entry is still in the chain, which shows entries removed from the end.",
)
@config_option
def verify_command(state_dir: str | None, expect_head: str | None) -> None:
    """Check the whole chain of the audit log and name the first broken entry.

    Checks every line's JSON, its own hash, its link to the line before, and the sequence
    numbers; names the first line that was edited, deleted, inserted, reordered or
    truncated. Exits 0 when the log is intact, 3 otherwise. Prints the head hash to note
    down for a later --expect-head.
    """
    log = _log(state_dir)
    verdict = log.verify(expect_head)
    if not verdict.ok:
        raise AuditLogDamaged(
            _("the audit log {path} does not verify: {describe}").format(
                path=log.path, describe=verdict.describe()), _(BROKEN_HINT)
        )
    if verdict.count == 0:
        click.echo(_("no audit entries yet in {path}").format(path=log.path))
        return
    click.echo(_("{path}: OK, {count} entries, chain intact from the genesis value").format(
                   path=log.path, count=verdict.count))
    click.echo(_("head: seq {count} hash {head}").format(
                   count=verdict.count, head=verdict.head))


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_since(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@audit_group.command(
    "show",
    epilog="Example: archiver audit show --since 2026-06-01 --command disclose",
)
@click.option(
    "--since",
    metavar="DATE",
    callback=_since,
    help="Only entries at or after this UTC date (YYYY-MM-DD) or date-time "
    "(YYYY-MM-DDTHH:MM, with an optional +HH:MM offset).",
)
@click.option(
    "--command",
    "command_name",
    metavar="NAME",
    help="Only entries of this command: render, term-end, disclose, verify, sign-attach, "
    "audit-disclosures, audit-recover.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the entries as a JSON array, as stored."
)
@run_options(operator=False)
def show_command(
    since: datetime | None, command_name: str | None, as_json: bool, state_dir: str | None
) -> None:
    """List audit entries: time, operator, command, scope, result, number of outputs.

    Damaged lines are left out of the list, and a warning says to run `audit verify`.
    """
    log = _log(state_dir)
    verdict = log.verify()
    if not verdict.ok:
        click.echo(
            _("warning: the audit log does not verify ({describe}); run `archiver "
              "audit verify`").format(describe=verdict.describe()),
            err=True,
        )
    entries = select(log.entries(), since=since, command=command_name)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2))
    elif entries:
        click.echo(format_table(table_rows(entries)))
    else:
        click.echo(_("no matching audit entries"), err=True)


@audit_group.command(
    "disclosures",
    epilog="Example: archiver audit disclosures --year 2025/2026 --out rejestr.csv",
)
@click.option(
    "--year",
    metavar="YYYY/YYYY",
    help="Only disclosures made in this school year (1 September to 31 August, Polish "
    "time); default: all.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="FILE.csv|FILE.pdf",
    help="The register to write: .csv (UTF-8 with BOM, ';'-separated, for Excel) or .pdf. "
    "An existing file is never overwritten.",
)
@click.option(
    "--source",
    type=click.Path(exists=True),
    metavar="EXPORT",
    help="A register export (folder, .zip, .xlsx, .sqlite) to print students' and "
    "approvers' names from; the audit log itself holds only their ids.",
)
@run_options()
def disclosures_command(
    year: str | None, out: str, source: str | None, operator: str | None, state_dir: str | None
) -> None:
    """Print the register of disclosures (rejestr udostępnień danych) from the audit log.

    One row per completed disclosure: date, recipient, legal basis, case reference,
    student (id, and name with --source), scope, period, approving director, operator,
    bundle file and SHA-256. Refuses when the audit log does not verify. Writing the
    register is itself recorded in the audit log.
    """
    count = write_register(
        _log(state_dir), out, operator=operator or default_operator(), year=year,
        source=source, school_name=get_context().config.school.name,
    )  # fmt: skip
    click.echo(_("wrote {out} ({count} disclosures)").format(out=out, count=count))


@audit_group.command("recover", epilog="Example: archiver audit recover --operator sekretariat")
@run_options()
def recover_command(operator: str | None, state_dir: str | None) -> None:
    """Set aside an incomplete last line left by a crash, so the log can be appended again.

    Only when `audit verify` reports a truncated last line and nothing else: the torn
    bytes move unchanged to audit-torn-<time>.bin beside the log, and an audit-recover
    entry naming that file and its SHA-256 is appended. Any other damage is refused.
    """
    log = _log(state_dir)
    entry = log.recover(operator or default_operator())
    moved = entry.outputs[0]["name"]
    click.echo(_("the incomplete last line was moved to {value}").format(
                   value=log.state_dir / moved))
    click.echo(_("recorded as entry seq {seq}; `archiver audit verify` now passes").format(
                   seq=entry.seq))
